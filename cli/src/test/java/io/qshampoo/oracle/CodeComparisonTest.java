package io.qshampoo.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.Random;

import org.junit.jupiter.api.Test;

import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.CodeTable;
import io.qshampoo.quant.Mapping;
import io.qshampoo.quant.PackedCodes;
import io.qshampoo.quant.QuantizationConfig;
import io.qshampoo.quant.QuantizedMatrix;
import io.qshampoo.quant.StorageMode;

class CodeComparisonTest {

    private static final QuantizationConfig CFG = new QuantizationConfig(Mapping.LINEAR_2, 4, BlockLayout.rowSegments(32), 0);

    @Test
    void oneChangedCodeIsFoundExactlyWhereItWas() {
        qt().withExamples(Integer.getInteger("QT_EXAMPLES", 200) / 2)
                .forAll(integers().between(2, 40), integers().between(0, 2), integers().all(), integers().between(1, 15))
                .checkAssert((n, m, seed, delta) -> {
                    StorageMode mode = StorageMode.values()[m];
                    Random rnd = new Random(seed);
                    float[] x = new float[n * n];
                    for (int k = 0; k < x.length; k++) {
                        x[k] = (float) rnd.nextGaussian();
                    }
                    QuantizedMatrix q = QuantizedMatrix.quantize(x, n, n, mode, CFG);
                    int[] codes = q.codes().unpack();
                    QuantizedFiles.Buffers same = new QuantizedFiles.Buffers(q.codes().toByteArray(), q.scales(), q.diagonal());
                    assertTrue(CodeComparison.of(x, n, n, mode, CFG, same).agrees(false));
                    int k = rnd.nextInt(codes.length);
                    codes[k] = (codes[k] + delta) & 15;
                    QuantizedFiles.Buffers changed = new QuantizedFiles.Buffers(PackedCodes.pack(4, codes).toByteArray(),
                            q.scales(), q.diagonal());
                    CodeComparison c = CodeComparison.of(x, n, n, mode, CFG, changed);
                    assertEquals(1, c.codeMismatches().size());
                    CodeComparison.CodeMismatch mm = c.codeMismatches().get(0);
                    assertEquals(k, mm.index());
                    int[] ij = BlockIndex.element(mode, n, k);
                    assertEquals(ij[0], mm.row());
                    assertEquals(ij[1], mm.col());
                    assertEquals(q.codes().get(k), mm.expected());
                });
    }

    @Test
    void classification() {
        float[] mid = CodeTable.of(Mapping.LINEAR_2, 4).midpoints();
        assertEquals(CodeComparison.Kind.TIE_RULE, CodeComparison.classify(4, 3, mid[3], mid));
        assertEquals(CodeComparison.Kind.NEAR_MIDPOINT, CodeComparison.classify(4, 3, Math.nextUp(mid[3]), mid));
        assertEquals(CodeComparison.Kind.NEAR_MIDPOINT,
                CodeComparison.classify(3, 4, Math.nextDown(Math.nextDown(mid[3])), mid));
        assertEquals(CodeComparison.Kind.WRONG, CodeComparison.classify(4, 3, mid[3] + 1e-3f, mid));
        assertEquals(CodeComparison.Kind.WRONG, CodeComparison.classify(5, 3, mid[3], mid));
    }

    @Test
    void ulps() {
        assertEquals(0, Ulps.between(0f, -0f));
        assertEquals(1, Ulps.between(Float.MIN_VALUE, 0f));
        assertEquals(2, Ulps.between(Float.MIN_VALUE, -Float.MIN_VALUE));
        assertEquals(1, Ulps.between(1f, Math.nextUp(1f)));
        assertEquals(-1, Ulps.between(Float.NaN, 1f));
        assertEquals((long) Float.floatToIntBits(Float.MAX_VALUE) * 2, Ulps.between(Float.MAX_VALUE, -Float.MAX_VALUE));
    }
}
