package io.qshampoo.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.quicktheories.QuickTheory.qt;

import java.io.IOException;
import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * What every {@link BlockQuantizer} must satisfy (EJML's abstract-suite style): bit identity with the readable
 * {@link NaiveQuantizer} on random cases of every mode, table and layout, and with the golden vectors of the
 * official CUDA kernels; its dequantization must return {@code table[code]·N} exactly. A subclass names the
 * implementation (sequential and parallel CPU here; a GPU quantizer in its own module, through quant's test-jar).
 */
public abstract class BlockQuantizerContract {

    /** The implementation under test for a table and a layout. */
    protected abstract BlockQuantizer create(CodeTable table, BlockLayout layout);

    @Test
    void agreesWithTheNaiveQuantizerBitForBit() {
        qt().withExamples(BlockQuantizerProperties.EXAMPLES).forAll(BlockQuantizerProperties.cases(150)).checkAssert(c -> {
            NaiveQuantizer.Result ref = NaiveQuantizer.quantize(c.x(), c.rows(), c.cols(), c.mode(), c.table(), c.layout());
            BlockQuantizer q = create(c.table(), c.layout());
            Object[] got = BlockQuantizerProperties.run(q, c, c.x());
            assertArrayEquals(ref.codes(), BlockQuantizerProperties.unpack(c, (byte[]) got[0]), "codes");
            assertArrayEquals(BlockQuantizerProperties.bitsOf(ref.scales()), BlockQuantizerProperties.bitsOf((float[]) got[1]),
                    "scales");
            assertArrayEquals(BlockQuantizerProperties.bitsOf(ref.diagonal()),
                    BlockQuantizerProperties.bitsOf((float[]) got[2]), "diagonal");
            float[] deq = new float[c.rows() * c.cols()];
            q.dequantize((byte[]) got[0], (float[]) got[1], (float[]) got[2], c.rows(), c.cols(), c.mode(), deq);
            assertArrayEquals(BlockQuantizerProperties.bitsOf(ref.dequantized()), BlockQuantizerProperties.bitsOf(deq),
                    "dequantized");
        });
    }

    @Test
    void reproducesTheOfficialKernelsGoldenVectors() throws IOException {
        for (String name : GoldenVectorsTest.CASES) {
            Map<String, String> m = GoldenVectorsTest.read(name);
            int rows = Integer.parseInt(m.get("rows"));
            int cols = Integer.parseInt(m.get("cols"));
            StorageMode mode = StorageMode.valueOf(m.get("mode"));
            QuantizationConfig config = new QuantizationConfig(Mapping.fromId(m.get("mapping")),
                    Integer.parseInt(m.get("bits")),
                    new BlockLayout(BlockLayout.Kind.valueOf(m.get("layout")), Integer.parseInt(m.get("block"))), 0);
            QuantizedMatrix q = QuantizedMatrix.quantize(GoldenVectorsTest.floats(m.get("input")), rows, cols, mode, config,
                    create(config.table(), config.layout()));
            assertArrayEquals(HexFormat.of().parseHex(m.get("packed")), q.codes().toByteArray(), name + ": packed bytes");
            assertArrayEquals(BlockQuantizerProperties.bitsOf(GoldenVectorsTest.floats(m.get("scales"))),
                    BlockQuantizerProperties.bitsOf(q.scales()), name + ": scales");
        }
    }
}
