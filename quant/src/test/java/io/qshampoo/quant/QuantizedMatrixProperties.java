package io.qshampoo.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;

import org.junit.jupiter.api.Test;

/** Single-element reads, the bytes() formulas, and the fp32 fallback, on random cases. */
class QuantizedMatrixProperties {

    static final int EXAMPLES = Integer.getInteger("QT_EXAMPLES", 200);

    @Test
    void singleElementReadsEqualFullDequantization() {
        qt().withExamples(EXAMPLES).forAll(BlockQuantizerProperties.cases(90)).checkAssert(c -> {
            for (QuantizationConfig cfg : new QuantizationConfig[] {c.config(), c.config().withMinElements(Integer.MAX_VALUE)}) {
                QuantizedMatrix q = QuantizedMatrix.quantize(c.x(), c.rows(), c.cols(), c.mode(), cfg);
                float[] d = q.dequantize();
                for (int i = 0; i < c.rows(); i++) {
                    for (int j = 0; j < c.cols(); j++) {
                        assertEquals(Float.floatToRawIntBits(d[i * c.cols() + j]), Float.floatToRawIntBits(q.get(i, j)),
                                "element [" + i + ", " + j + "] of " + q);
                    }
                }
            }
        });
    }

    /** Byte counts from the block lists of the naive quantizer, not from BlockLayout.blockCount. */
    @Test
    void bytesEqualTheFormulaOfEachMode() {
        qt().withExamples(EXAMPLES).forAll(BlockQuantizerProperties.cases(90)).checkAssert(c -> {
            int n = c.rows();
            long stored = c.mode() == StorageMode.STRICTLY_LOWER ? (long) n * (n - 1) / 2 : (long) c.rows() * c.cols();
            long blocks = ReferenceBlockQuantizer.blocks(c.rows(), c.cols(), c.mode(), c.layout()).size();
            long diag = c.mode() == StorageMode.FULL ? 0 : 4L * n;
            QuantizedMatrix q = QuantizedMatrix.quantize(c.x(), c.rows(), c.cols(), c.mode(), c.config());
            StorageBytes b = q.bytes();
            assertEquals(new StorageBytes((stored * c.bits() + 7) / 8, 4 * blocks, diag, 0), b);
            assertEquals(b.codes() + b.scales() + b.diagonal(), b.total());
            assertEquals(b.codes(), q.codes().byteLength());
            // kept in fp32 below the threshold
            QuantizationConfig never = c.config().withMinElements(c.rows() * c.cols() + 1);
            long fp32 = c.mode() == StorageMode.STRICTLY_LOWER ? (long) n * (n + 1) / 2 : (long) c.rows() * c.cols();
            assertEquals(new StorageBytes(0, 0, 0, 4 * fp32),
                    QuantizedMatrix.quantize(c.x(), c.rows(), c.cols(), c.mode(), never).bytes());
        });
    }

    @Test
    void fp32FallbackKeepsTheValues() {
        qt().withExamples(EXAMPLES).forAll(BlockQuantizerProperties.cases(60)).checkAssert(c -> {
            QuantizedMatrix q = QuantizedMatrix.quantize(c.x(), c.rows(), c.cols(), c.mode(),
                    c.config().withMinElements(Integer.MAX_VALUE));
            float[] expected = c.x().clone();
            if (c.mode() == StorageMode.STRICTLY_LOWER) {
                for (int i = 0; i < c.rows(); i++) {
                    for (int j = i + 1; j < c.cols(); j++) {
                        expected[i * c.cols() + j] = 0f;
                    }
                }
            }
            assertArrayEquals(expected, q.dequantize());
        });
    }

    @Test
    void storageRoundTrips() {
        qt().withExamples(EXAMPLES).forAll(BlockQuantizerProperties.cases(90)).checkAssert(c -> {
            QuantizedMatrix q = QuantizedMatrix.quantize(c.x(), c.rows(), c.cols(), c.mode(), c.config());
            QuantizedMatrix r = QuantizedMatrix.fromStorage(c.rows(), c.cols(), c.mode(), c.config(),
                    q.codes().toByteArray(), q.scales(), q.diagonal());
            assertEquals(q, r);
            assertArrayEquals(q.dequantize(), r.dequantize());
            if (c.mode() == StorageMode.STRICTLY_LOWER) {
                for (int i = 1; i < c.rows(); i++) {
                    assertEquals(q.codes().get(i * (i - 1) / 2), q.code(i, 0));
                }
            }
        });
    }
}
