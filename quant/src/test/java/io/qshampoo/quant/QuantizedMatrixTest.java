package io.qshampoo.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Error paths, exact byte counts on fixed shapes, the size threshold, and fixed-value behaviours. */
class QuantizedMatrixTest {

    static final QuantizationConfig ALWAYS = QuantizationConfig.defaults().withMinElements(0);

    static String message(Executable e) {
        return assertThrows(IllegalArgumentException.class, e).getMessage();
    }

    static float[] ramp(int n) {
        float[] x = new float[n];
        for (int k = 0; k < n; k++) {
            x[k] = (k % 17) - 8.5f;
        }
        return x;
    }

    // ------------------------------------------------------------------------------------------ errors

    @Test
    void nanAndInfinityAreRefusedWithTheFirstIndex() {
        float[] x = ramp(20 * 30);
        x[3 * 30 + 17] = Float.NaN;
        x[5 * 30 + 2] = Float.POSITIVE_INFINITY;
        assertEquals("element [3, 17] is NaN; quantization requires finite input",
                message(() -> QuantizedMatrix.quantize(x, 20, 30, StorageMode.FULL, ALWAYS)));
        x[3 * 30 + 17] = 0f;
        assertEquals("element [5, 2] is Infinity; quantization requires finite input",
                message(() -> QuantizedMatrix.quantize(x, 20, 30, StorageMode.FULL, ALWAYS)));
        x[5 * 30 + 2] = 0f;
        x[19 * 30 + 29] = Float.NEGATIVE_INFINITY;
        assertEquals("element [19, 29] is -Infinity; quantization requires finite input",
                message(() -> QuantizedMatrix.quantize(x, 20, 30, StorageMode.FULL, ALWAYS.withLayout(BlockLayout.tiles(32)))));
        // below the size threshold (kept in fp32) the same check applies
        assertEquals("element [19, 29] is -Infinity; quantization requires finite input",
                message(() -> QuantizedMatrix.quantize(x, 20, 30, StorageMode.FULL, QuantizationConfig.defaults())));
    }

    @Test
    void nonFiniteDiagonalIsRefusedInEveryMode() {
        float[] x = ramp(40 * 40);
        x[7 * 40 + 7] = Float.NaN;
        for (StorageMode mode : StorageMode.values()) {
            for (BlockLayout l : new BlockLayout[] {BlockLayout.rowSegments(32), BlockLayout.tiles(32)}) {
                assertEquals("element [7, 7] is NaN; quantization requires finite input",
                        message(() -> QuantizedMatrix.quantize(x, 40, 40, mode, ALWAYS.withLayout(l))), mode + " " + l);
            }
        }
    }

    @Test
    void strictlyLowerIgnoresTheUpperTriangle() {
        float[] x = ramp(40 * 40);
        float[] y = x.clone();
        y[2 * 40 + 30] = Float.NaN; // above the diagonal: never read
        assertEquals(QuantizedMatrix.quantize(x, 40, 40, StorageMode.STRICTLY_LOWER, ALWAYS),
                QuantizedMatrix.quantize(y, 40, 40, StorageMode.STRICTLY_LOWER, ALWAYS));
    }

    @Test
    void doubleInputThatOverflowsFp32IsRefused() {
        double[] x = new double[10 * 10];
        x[4 * 10 + 6] = 1e39;
        assertEquals("element [4, 6] = 1.0E39 overflows fp32 (rounds to Infinity); quantization requires finite fp32 input",
                message(() -> QuantizedMatrix.quantize(x, 10, 10, StorageMode.FULL, ALWAYS)));
        x[4 * 10 + 6] = Double.NaN;
        assertEquals("element [4, 6] is NaN; quantization requires finite input",
                message(() -> QuantizedMatrix.quantize(x, 10, 10, StorageMode.DIAG_REAL, QuantizationConfig.defaults())));
    }

    @Test
    void badConfigurationsAreRefused() {
        assertEquals("bits must be 3, 4 or 8, got 5", message(() -> QuantizationConfig.defaults().withBits(5)));
        assertEquals("block size must be a power of two in [32, 2048], got 48", message(() -> BlockLayout.rowSegments(48)));
        assertEquals("block size must be a power of two in [32, 2048], got 16", message(() -> BlockLayout.tiles(16)));
        assertEquals("block size must be a power of two in [32, 2048], got 4096", message(() -> BlockLayout.rowSegments(4096)));
        assertEquals("block layout kind must not be null", message(() -> new BlockLayout(null, 64)));
        assertEquals("minElements must be ≥ 0, got -1", message(() -> QuantizationConfig.defaults().withMinElements(-1)));
        assertEquals("mapping must not be null", message(() -> QuantizationConfig.defaults().withMapping(null)));
        assertEquals("layout must not be null", message(() -> QuantizationConfig.defaults().withLayout(null)));
    }

    @Test
    void badShapesAreRefused() {
        assertEquals("DIAG_REAL requires a square matrix, got 3 × 5",
                message(() -> QuantizedMatrix.quantize(new float[15], 3, 5, StorageMode.DIAG_REAL, ALWAYS)));
        assertEquals("STRICTLY_LOWER requires a square matrix, got 6 × 5",
                message(() -> QuantizedMatrix.quantize(new double[30], 6, 5, StorageMode.STRICTLY_LOWER, ALWAYS)));
        assertEquals("matrix must have at least one row and one column, got 0 × 5",
                message(() -> QuantizedMatrix.quantize(new float[0], 0, 5, StorageMode.FULL, ALWAYS)));
        assertEquals("src has 11 elements; a 3 × 4 matrix needs at least 12",
                message(() -> QuantizedMatrix.quantize(new float[11], 3, 4, StorageMode.FULL, ALWAYS)));
        assertEquals("storage mode must not be null", message(() -> QuantizedMatrix.quantize(new float[12], 3, 4, null, ALWAYS)));
        assertEquals("70000 × 70000 matrix has more than 2147483639 elements",
                message(() -> QuantizedMatrix.quantize(new float[1], 70000, 70000, StorageMode.FULL, ALWAYS)));
        QuantizedMatrix q = QuantizedMatrix.quantize(ramp(12), 3, 4, StorageMode.FULL, ALWAYS);
        assertEquals("dst has 11 elements; a 3 × 4 matrix needs at least 12", message(() -> q.dequantizeInto(new double[11])));
        assertThrows(IndexOutOfBoundsException.class, () -> q.get(3, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> q.get(0, -1));
    }

    @Test
    void storageOfTheWrongLengthIsRefused() {
        QuantizationConfig c = ALWAYS;
        assertEquals("codes buffer has 7 bytes; a 4-bit 4 × 4 FULL matrix needs exactly 8",
                message(() -> QuantizedMatrix.fromStorage(4, 4, StorageMode.FULL, c, new byte[7], new float[4], null)));
        assertEquals("codes buffer has 8 bytes; a 4-bit 4 × 4 STRICTLY_LOWER matrix needs exactly 3",
                message(() -> QuantizedMatrix.fromStorage(4, 4, StorageMode.STRICTLY_LOWER, c, new byte[8], new float[1], new float[4])));
        assertEquals("scales buffer has 3 entries; a 4-bit 4 × 4 FULL matrix with row-segments(64) blocks needs exactly 4",
                message(() -> QuantizedMatrix.fromStorage(4, 4, StorageMode.FULL, c, new byte[8], new float[3], null)));
        assertEquals("diagonal buffer has 0 entries; a 4 × 4 DIAG_REAL matrix needs exactly 4",
                message(() -> QuantizedMatrix.fromStorage(4, 4, StorageMode.DIAG_REAL, c, new byte[8], new float[4], null)));
        assertEquals("diagonal buffer has 4 entries; a 4 × 4 FULL matrix needs exactly 0",
                message(() -> QuantizedMatrix.fromStorage(4, 4, StorageMode.FULL, c, new byte[8], new float[4], new float[4])));
        assertEquals("stored scale 2 is NaN; expected a block absmax: finite and >= 0",
                message(() -> QuantizedMatrix.fromStorage(4, 4, StorageMode.FULL, c, new byte[8], new float[] {1, 1, Float.NaN, 1}, null)));
        assertEquals("stored scale 0 is -1.0; expected a block absmax: finite and >= 0",
                message(() -> QuantizedMatrix.fromStorage(4, 4, StorageMode.FULL, c, new byte[8], new float[] {-1, 1, 1, 1}, null)));
        // found by QuantHostilityProperties: a non-finite diagonal was accepted and dequantized to NaN
        assertEquals("stored diagonal entry 1 is NaN; expected a finite value",
                message(() -> QuantizedMatrix.fromStorage(4, 4, StorageMode.DIAG_REAL, c, new byte[8], new float[4],
                        new float[] {1, Float.NaN, 1, 1})));
        // the same checks guard the quantizer interface
        CpuBlockQuantizer q = CpuBlockQuantizer.sequential(c.table(), c.layout());
        assertEquals("codes buffer has 9 bytes; a 4-bit 4 × 4 FULL matrix needs exactly 8",
                message(() -> q.quantize(new float[16], 4, 4, StorageMode.FULL, new byte[9], new float[4], null)));
        assertEquals("matrix array has 15 elements; a 4 × 4 matrix needs at least 16",
                message(() -> q.dequantize(new byte[8], new float[4], null, 4, 4, StorageMode.FULL, new float[15])));
        assertEquals("quantizer (linear-2/8-bit, row-segments(64)) does not match config (linear-2/4-bit, row-segments(64))",
                message(() -> QuantizedMatrix.quantize(new float[16], 4, 4, StorageMode.FULL, c,
                        CpuBlockQuantizer.sequential(CodeTable.of(Mapping.LINEAR_2, 8), c.layout()))));
    }

    @Test
    void codeAccessorsRefuseWhatIsNotStored() {
        QuantizedMatrix lower = QuantizedMatrix.quantize(ramp(100), 10, 10, StorageMode.STRICTLY_LOWER, ALWAYS);
        assertEquals("element [2, 2] is not strictly lower and has no code", message(() -> lower.code(2, 2)));
        QuantizedMatrix small = QuantizedMatrix.quantize(ramp(100), 10, 10, StorageMode.FULL, QuantizationConfig.defaults());
        assertThrows(IllegalStateException.class, () -> small.code(1, 1));
        assertNull(small.codes());
        assertNull(small.scales());
    }

    // ------------------------------------------------------------------------------------------ sizes

    @Test
    void matricesBelowMinElementsStayFp32() {
        QuantizationConfig c = QuantizationConfig.defaults();
        QuantizedMatrix small = QuantizedMatrix.quantize(ramp(63 * 64), 63, 64, StorageMode.FULL, c); // 4032 < 4096
        QuantizedMatrix big = QuantizedMatrix.quantize(ramp(64 * 64), 64, 64, StorageMode.FULL, c);   // 4096: quantized
        assertFalse(small.isQuantized());
        assertTrue(big.isQuantized());
        assertEquals(new StorageBytes(0, 0, 0, 4L * 63 * 64), small.bytes());
        assertArrayEquals(ramp(63 * 64), small.dequantize());
        assertEquals(new StorageBytes(2048, 4 * 64, 0, 0), big.bytes());
        QuantizedMatrix lower = QuantizedMatrix.quantize(ramp(60 * 60), 60, 60, StorageMode.STRICTLY_LOWER, c);
        assertEquals(new StorageBytes(0, 0, 0, 4L * 60 * 61 / 2), lower.bytes()); // lower triangle with diagonal
        float[] d = lower.dequantize();
        assertEquals(0f, d[3 * 60 + 4]);
        assertEquals(ramp(3600)[4 * 60 + 3], d[4 * 60 + 3]);
    }

    @Test
    void bytesOfTheOfficialSetting() {
        // 4096 × 4096, 4-bit, row segments of 64: 8 MiB codes, 262 144 scales, (DIAG_REAL) 4096 fp32 diagonal
        int n = 4096;
        BlockLayout rows = BlockLayout.rowSegments(64);
        assertEquals(262_144, rows.blockCount(StorageMode.FULL, n, n));
        assertEquals(4096, BlockLayout.tiles(64).blockCount(StorageMode.FULL, n, n));
        assertEquals(131_040, rows.blockCount(StorageMode.STRICTLY_LOWER, n, n)); // ceil(4096·4095/2 / 64)
        assertEquals(2080, BlockLayout.tiles(64).blockCount(StorageMode.STRICTLY_LOWER, n, n)); // 64·65/2
        // partial segments: 70 columns with B = 64 -> 2 per row, blocks never cross rows
        assertEquals(2 * 9, rows.blockCount(StorageMode.FULL, 9, 70));
        assertEquals(2 * 2, BlockLayout.tiles(64).blockCount(StorageMode.FULL, 65, 70));
    }

    @Test
    void bytesFormulas() {
        // 100 × 100, 3-bit, tiles of 32 (T = 4)
        QuantizationConfig c = new QuantizationConfig(Mapping.DYNAMIC, 3, BlockLayout.tiles(32), 0);
        float[] x = ramp(100 * 100);
        assertEquals(new StorageBytes(3750, 4 * 16, 0, 0), QuantizedMatrix.quantize(x, 100, 100, StorageMode.FULL, c).bytes());
        assertEquals(new StorageBytes(3750, 4 * 16, 400, 0), QuantizedMatrix.quantize(x, 100, 100, StorageMode.DIAG_REAL, c).bytes());
        // 4950 strictly-lower codes × 3 bits = 14850 bits = 1856.25 -> 1857 bytes; 4·5/2 = 10 lower tiles
        assertEquals(new StorageBytes(1857, 4 * 10, 400, 0),
                QuantizedMatrix.quantize(x, 100, 100, StorageMode.STRICTLY_LOWER, c).bytes());
        assertEquals(1857 + 40 + 400, QuantizedMatrix.quantize(x, 100, 100, StorageMode.STRICTLY_LOWER, c).bytes().total());
    }

    // ------------------------------------------------------------------------------------------ values

    @Test
    void subnormalAbsmaxFollowsTheKernel() {
        // N = 1e-40 < 2^-128: scale = 1/N = +inf; x̄ = 0·inf = NaN -> code 0 (= -1 for linear-2): zeros decode to -N
        float[] x = new float[64 * 64];
        x[0] = 1e-40f;
        x[1] = -1e-40f;
        QuantizedMatrix q = QuantizedMatrix.quantize(x, 64, 64, StorageMode.FULL, ALWAYS);
        assertEquals(15, q.code(0, 0));
        assertEquals(0, q.code(0, 1));
        assertEquals(0, q.code(0, 2));
        assertEquals(-1e-40f, q.get(0, 2));
        assertEquals(7, q.code(1, 0)); // an all-zero block: scale 0, code of 0
        assertEquals(0f, q.get(1, 0));
    }

    @Test
    void linearTableHasNoZero() {
        // linear (uniform, 16 entries, no zero): an exact 0 next to a non-zero decodes to +N/15
        float[] x = new float[64 * 64];
        x[0] = 15f;
        QuantizedMatrix q = QuantizedMatrix.quantize(x, 64, 64, StorageMode.FULL, ALWAYS.withMapping(Mapping.LINEAR));
        assertEquals(8, q.code(0, 1));
        assertEquals(CodeTable.of(Mapping.LINEAR, 4).value(8) * 15f, q.get(0, 1));
        assertTrue(q.get(0, 1) > 0.99f);
        assertEquals(0f, q.get(1, 0)); // but an all-zero block is exactly 0
    }

    @Test
    void dynamicTreeIsNotIdempotentWhenTheAbsmaxIsNegative() {
        // the dynamic tree has +1 but no -1: the absmax element -1 decodes to -0.8875, so requantizing rescales
        float[] x = new float[64];
        x[0] = -1f;
        x[1] = 0.5f;
        QuantizationConfig dt = ALWAYS.withMapping(Mapping.DYNAMIC);
        QuantizedMatrix q = QuantizedMatrix.quantize(x, 1, 64, StorageMode.FULL, dt);
        assertEquals(CodeTable.of(Mapping.DYNAMIC, 4).value(0), q.get(0, 0));
        QuantizedMatrix q2 = QuantizedMatrix.quantize(q.dequantize(), 1, 64, StorageMode.FULL, dt);
        assertNotEquals(q.scales()[0], q2.scales()[0]);
        assertNotEquals(q, q2);
    }

    @Test
    void valueSemantics() {
        float[] x = ramp(50 * 50);
        QuantizedMatrix a = QuantizedMatrix.quantize(x, 50, 50, StorageMode.DIAG_REAL, ALWAYS);
        QuantizedMatrix b = QuantizedMatrix.fromStorage(50, 50, StorageMode.DIAG_REAL, ALWAYS, a.codes().toByteArray(),
                a.scales(), a.diagonal());
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        float[] s = a.scales();
        s[0] = 99f; // copies: the matrix is unchanged
        assertEquals(a, b);
        assertEquals(a.toString(), b.toString());
        assertTrue(a.toString().contains("DIAG_REAL"));
        double[] viaDouble = new double[2500 + 7]; // e.g. a reshaped DMatrixRMaj.data: the tail is untouched
        Arrays.fill(viaDouble, 42.0);
        a.dequantizeInto(viaDouble);
        float[] viaFloat = a.dequantize();
        for (int k = 0; k < 2500; k++) {
            assertEquals(viaFloat[k], viaDouble[k], 0.0);
        }
        assertEquals(42.0, viaDouble[2500]);
        float[] viaParallel = new float[2500];
        a.dequantizeInto(viaParallel, CpuBlockQuantizer.parallel(ALWAYS.table(), ALWAYS.layout()));
        assertArrayEquals(viaFloat, viaParallel);
        assertThrows(IllegalArgumentException.class,
                () -> a.dequantizeInto(viaParallel, CpuBlockQuantizer.sequential(ALWAYS.table(), BlockLayout.tiles(64))));
    }
}
