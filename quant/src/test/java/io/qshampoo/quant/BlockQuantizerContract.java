package io.qshampoo.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.quicktheories.QuickTheory.qt;

import java.io.IOException;
import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * What every {@link BlockQuantizer} must satisfy (EJML's abstract-suite style): bit identity with the readable
 * {@link ReferenceBlockQuantizer} on random cases of every mode, table and layout, and with the golden vectors of
 * the official CUDA kernels; its dequantization must return {@code table[code]·N} exactly. A subclass names the
 * implementation (sequential and parallel CPU here; a GPU quantizer in its own module, through quant's test-jar).
 * The reference itself is not a subclass (it would be compared with itself): {@code ReferenceBlockQuantizerTest}
 * checks it against the golden vectors and hand-worked cases.
 */
public abstract class BlockQuantizerContract {

    /** The implementation under test for a table and a layout. */
    protected abstract BlockQuantizer create(CodeTable table, BlockLayout layout);

    @Test
    void agreesWithTheReferenceQuantizerBitForBit() {
        qt().withExamples(BlockQuantizerProperties.EXAMPLES).forAll(BlockQuantizerProperties.cases(150)).checkAssert(c -> {
            BlockQuantizer reference = ReferenceBlockQuantizer.of(c.table(), c.layout());
            Object[] ref = BlockQuantizerProperties.run(reference, c, c.x());
            BlockQuantizer q = create(c.table(), c.layout());
            Object[] got = BlockQuantizerProperties.run(q, c, c.x());
            assertArrayEquals(BlockQuantizerProperties.unpack(c, (byte[]) ref[0]),
                    BlockQuantizerProperties.unpack(c, (byte[]) got[0]), "codes");
            assertArrayEquals((byte[]) ref[0], (byte[]) got[0], "packed bytes (padding included)");
            assertArrayEquals(BlockQuantizerProperties.bitsOf((float[]) ref[1]),
                    BlockQuantizerProperties.bitsOf((float[]) got[1]), "scales");
            assertArrayEquals(BlockQuantizerProperties.bitsOf((float[]) ref[2]),
                    BlockQuantizerProperties.bitsOf((float[]) got[2]), "diagonal");
            float[] expected = new float[c.rows() * c.cols()];
            reference.dequantize((byte[]) ref[0], (float[]) ref[1], (float[]) ref[2], c.rows(), c.cols(), c.mode(),
                    expected);
            float[] deq = new float[c.rows() * c.cols()];
            q.dequantize((byte[]) got[0], (float[]) got[1], (float[]) got[2], c.rows(), c.cols(), c.mode(), deq);
            assertArrayEquals(BlockQuantizerProperties.bitsOf(expected), BlockQuantizerProperties.bitsOf(deq),
                    "dequantized");
        });
    }

    @Test
    void reproducesTheOfficialKernelsGoldenVectors() throws IOException {
        assertGoldenVectors(this::create);
    }

    /** Every golden case of the official kernels (packed bytes and scales) through the quantizer {@code factory} makes. */
    static void assertGoldenVectors(java.util.function.BiFunction<CodeTable, BlockLayout, BlockQuantizer> factory)
            throws IOException {
        for (String name : GoldenVectorsTest.CASES) {
            Map<String, String> m = GoldenVectorsTest.read(name);
            int rows = Integer.parseInt(m.get("rows"));
            int cols = Integer.parseInt(m.get("cols"));
            StorageMode mode = StorageMode.valueOf(m.get("mode"));
            QuantizationConfig config = new QuantizationConfig(Mapping.fromId(m.get("mapping")),
                    Integer.parseInt(m.get("bits")),
                    new BlockLayout(BlockLayout.Kind.valueOf(m.get("layout")), Integer.parseInt(m.get("block"))), 0);
            QuantizedMatrix q = QuantizedMatrix.quantize(GoldenVectorsTest.floats(m.get("input")), rows, cols, mode, config,
                    factory.apply(config.table(), config.layout()));
            assertArrayEquals(HexFormat.of().parseHex(m.get("packed")), q.codes().toByteArray(), name + ": packed bytes");
            assertArrayEquals(BlockQuantizerProperties.bitsOf(GoldenVectorsTest.floats(m.get("scales"))),
                    BlockQuantizerProperties.bitsOf(q.scales()), name + ": scales");
        }
    }
}
