package io.qshampoo.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.Random;

import org.junit.jupiter.api.Test;

import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.Mapping;
import io.qshampoo.quant.QuantizationConfig;
import io.qshampoo.quant.QuantizedMatrix;
import io.qshampoo.quant.StorageMode;

/** BlockIndex restates quant's block formulas: it must agree with QuantizedMatrix.scaleOf everywhere. */
class BlockIndexTest {

    @Test
    void blockOfAgreesWithQuantizedMatrixScaleOf() {
        qt().withExamples(Integer.getInteger("QT_EXAMPLES", 200) / 4)
                .forAll(integers().between(1, 90), integers().between(1, 90), integers().between(0, 5), integers().all())
                .checkAssert((rows, colsIn, variant, seed) -> {
                    StorageMode mode = StorageMode.values()[variant % 3];
                    int cols = mode.requiresSquare() ? rows : colsIn;
                    BlockLayout layout = variant < 3 ? BlockLayout.rowSegments(32) : BlockLayout.tiles(32);
                    Random rnd = new Random(seed);
                    float[] x = new float[rows * cols];
                    for (int k = 0; k < x.length; k++) {
                        x[k] = (float) rnd.nextGaussian() * (1 + k); // distinct absmax per block
                    }
                    QuantizationConfig cfg = new QuantizationConfig(Mapping.LINEAR_2, 4, layout, 0);
                    QuantizedMatrix q = QuantizedMatrix.quantize(x, rows, cols, mode, cfg);
                    float[] scales = q.scales();
                    long count = mode.codeCount(rows, cols);
                    for (long k = 0; k < count; k++) {
                        int[] ij = BlockIndex.element(mode, cols, k);
                        assertEquals(Float.floatToIntBits(q.scaleOf(ij[0], ij[1])),
                                Float.floatToIntBits(scales[BlockIndex.of(layout, mode, cols, ij[0], ij[1])]));
                        if (mode == StorageMode.STRICTLY_LOWER) {
                            assertEquals(k, BlockIndex.triangleIndex(ij[0], ij[1]));
                        }
                    }
                });
    }

    @Test
    void triangleElementsInOrder() {
        assertArrayEquals(new int[] {1, 0}, BlockIndex.element(StorageMode.STRICTLY_LOWER, 5, 0));
        assertArrayEquals(new int[] {2, 0}, BlockIndex.element(StorageMode.STRICTLY_LOWER, 5, 1));
        assertArrayEquals(new int[] {2, 1}, BlockIndex.element(StorageMode.STRICTLY_LOWER, 5, 2));
        assertArrayEquals(new int[] {3, 0}, BlockIndex.element(StorageMode.STRICTLY_LOWER, 5, 3));
        assertArrayEquals(new int[] {4999, 4998}, BlockIndex.element(StorageMode.STRICTLY_LOWER, 5000, 4999L * 4998 / 2 + 4998));
        assertArrayEquals(new int[] {2, 3}, BlockIndex.element(StorageMode.FULL, 5, 13));
    }
}
