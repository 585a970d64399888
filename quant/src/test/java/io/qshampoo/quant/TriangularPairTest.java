package io.qshampoo.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Fixed examples and error paths of the triangular pair. */
class TriangularPairTest {

    static final QuantizationConfig CFG = QuantizationConfig.defaults();

    static float[] lowerRamp(int n, float offset) {
        float[] x = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                x[i * n + j] = ((i * 7 + j * 3) % 23) - 11 + offset;
            }
        }
        return x;
    }

    @Test
    void officialSizeAt4096() {
        // n = 4096, 4-bit, row segments of 64: 8 MiB codes, 2·131040 scales, 4096 diagonal; DIAG_REAL has 262144 scales
        TriangularPair p = TriangularPair.zeros(4096, CFG);
        assertEquals(new StorageBytes(8_388_608, 4L * 262_080, 4 * 4096, 0), p.bytes());
        assertEquals(8_388_608 + 4L * 262_144 + 4 * 4096 - 256, p.bytes().total());
    }

    @Test
    void zerosReadAsZeros() {
        TriangularPair p = TriangularPair.zeros(70, CFG);
        assertTrue(p.isQuantized());
        double[] d = new double[70 * 70];
        p.readFactorInto(d);
        for (double v : d) {
            assertEquals(0.0, v);
        }
        assertEquals(7, p.physicalCode(5, 2)); // linear-2's zero entry
        assertEquals(7, p.physicalCode(2, 5));
        assertEquals(0, p.physicalCode(3, 3));
    }

    @Test
    void failedWritesLeaveThePairUnchanged() {
        int n = 70;
        TriangularPair p = TriangularPair.zeros(n, CFG);
        p.writeFactor(lowerRamp(n, 0.5f));
        p.writeError(lowerRamp(n, 0.25f));
        byte[] codes = p.packedCodes();
        float[] bad = lowerRamp(n, 0f);
        bad[40 * n + 3] = Float.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.writeError(bad));
        assertEquals("element [40, 3] is NaN; quantization requires finite input", e.getMessage());
        double[] badD = new double[n * n];
        badD[9 * n + 9] = Double.POSITIVE_INFINITY;
        e = assertThrows(IllegalArgumentException.class, () -> p.writeFactor(badD));
        assertEquals("element [9, 9] is Infinity; quantization requires finite input", e.getMessage());
        assertArrayEquals(codes, p.packedCodes());
        e = assertThrows(IllegalArgumentException.class, () -> p.writeFactor(new float[n * n - 1]));
        assertEquals("factor has 4899 elements; a 70 × 70 matrix needs at least 4900", e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> p.factor(70, 0));
    }

    @Test
    void smallPairsAreOneFp32Matrix() {
        int n = 10; // 100 < 4096
        TriangularPair p = TriangularPair.zeros(n, CFG);
        assertFalse(p.isQuantized());
        p.writeFactor(lowerRamp(n, 0.5f));
        float[] e = lowerRamp(n, 0.25f);
        p.writeError(e);
        assertEquals(new StorageBytes(0, 0, 0, 400), p.bytes());
        assertEquals(e[7 * n + 2], p.error(7, 2));
        assertEquals(0f, p.error(7, 7));
        assertEquals(lowerRamp(n, 0.5f)[7 * n + 7], p.factor(7, 7));
        assertNull(p.packedCodes());
        assertThrows(IllegalStateException.class, () -> p.physicalCode(0, 1));
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> TriangularPair.fromStorage(n, CFG, new byte[50], new float[1], new float[1], new float[n]));
        assertEquals("a 10 × 10 pair is below minElements = 4096 and is stored in fp32, not as codes", ex.getMessage());
    }

    @Test
    void storageRoundTripsAndWrongLengthsAreRefused() {
        int n = 70;
        TriangularPair p = TriangularPair.zeros(n, CFG);
        p.writeFactor(lowerRamp(n, 0.5f));
        p.writeError(lowerRamp(n, 0.25f));
        TriangularPair q = TriangularPair.fromStorage(n, CFG, p.packedCodes(), p.factorScales(), p.errorScales(), p.factorDiagonal());
        assertEquals(p.factor(), q.factor());
        assertEquals(p.error(), q.error());
        int k = p.factorScales().length;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TriangularPair.fromStorage(n, CFG, new byte[2449], new float[k], new float[k], new float[n]));
        assertEquals("codes buffer has 2449 bytes; a 4-bit 70 × 70 triangular pair with row-segments(64) blocks needs exactly 2450",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TriangularPair.fromStorage(n, CFG, new byte[2450], new float[k + 1], new float[k], new float[n]));
        assertEquals("factor scales buffer has " + (k + 1) + " entries; a 4-bit 70 × 70 triangular pair with row-segments(64)"
                + " blocks needs exactly " + k, e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TriangularPair.fromStorage(n, CFG, new byte[2450], new float[k], new float[0], new float[n]));
        assertTrue(e.getMessage().startsWith("error scales buffer has 0 entries"));
        e = assertThrows(IllegalArgumentException.class,
                () -> TriangularPair.fromStorage(n, CFG, new byte[2450], new float[k], new float[k], new float[n - 1]));
        assertTrue(e.getMessage().startsWith("factor diagonal has 69 entries"));
        assertThrows(IllegalArgumentException.class, () -> TriangularPair.zeros(0, CFG));
        assertThrows(IllegalArgumentException.class,
                () -> TriangularPair.zeros(n, CFG, CpuBlockQuantizer.sequential(CodeTable.of(Mapping.DYNAMIC, 4), CFG.layout())));
    }
}
