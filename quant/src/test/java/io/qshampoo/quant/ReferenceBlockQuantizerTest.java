package io.qshampoo.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.junit.jupiter.api.Test;

/**
 * The reference quantizer on its own: the official kernels' golden vectors (written by an independent numpy
 * implementation), and small cases worked by hand from the contract. Not a {@link BlockQuantizerContract}
 * subclass, which would compare it with itself.
 */
class ReferenceBlockQuantizerTest {

    private static final CodeTable TABLE = CodeTable.of(Mapping.LINEAR_2, 4);
    private static final BlockLayout ROWS_OF_32 = new BlockLayout(BlockLayout.Kind.ROW_SEGMENTS, 32);

    @Test
    void reproducesTheOfficialKernelsGoldenVectors() throws IOException {
        BlockQuantizerContract.assertGoldenVectors(ReferenceBlockQuantizer::of);
    }

    @Test
    void eachBlockIsScaledByItsOwnAbsmax() {
        // One row, two blocks of 32: N = 2 and N = 0 (an all-zero block has scale 0 and decodes to 0).
        float[] x = new float[64];
        x[0] = 2f;
        x[1] = -1f;
        x[2] = 0.5f;
        x[31] = 0.3f;
        ReferenceBlockQuantizer q = ReferenceBlockQuantizer.of(TABLE, ROWS_OF_32);
        byte[] codes = new byte[32];
        float[] scales = new float[2];
        q.quantize(x, 1, 64, StorageMode.FULL, codes, scales, null);
        assertArrayEquals(new float[] {2f, 0f}, scales);
        int[] c = PackedCodes.of(4, 64, codes).unpack();
        for (int k = 0; k < 64; k++) {
            // x̄ = fl(x · fl(1/N)) (scale 0 for the zero block) and the code is the table's nearest entry.
            float xbar = k < 32 ? x[k] * (1f / 2f) : 0f;
            assertEquals(TABLE.encode(xbar), c[k], "code " + k);
        }
        float[] d = new float[64];
        q.dequantize(codes, scales, null, 1, 64, StorageMode.FULL, d);
        for (int k = 0; k < 64; k++) {
            assertEquals(TABLE.value(c[k]) * scales[k / 32], d[k], "D(Q(x))[" + k + "] = M(code)·N");
        }
        // 1 is the table's largest entry, so the block maximum comes back exactly; the zero block stays zero.
        assertEquals(1f, TABLE.value(TABLE.size() - 1));
        assertEquals(2f, d[0]);
        assertEquals(0f, d[63]);
    }

    @Test
    void diagRealIgnoresTheDiagonalForTheScaleAndRestoresIt() {
        float[] x = {100f, 1f, 0.25f, -100f};
        ReferenceBlockQuantizer q = ReferenceBlockQuantizer.of(TABLE, ROWS_OF_32);
        byte[] codes = new byte[2];
        float[] scales = new float[2];
        float[] diag = new float[2];
        q.quantize(x, 2, 2, StorageMode.DIAG_REAL, codes, scales, diag);
        assertArrayEquals(new float[] {1f, 0.25f}, scales);
        assertArrayEquals(new float[] {100f, -100f}, diag);
        float[] d = new float[4];
        q.dequantize(codes, scales, diag, 2, 2, StorageMode.DIAG_REAL, d);
        assertEquals(100f, d[0]);
        assertEquals(-100f, d[3]);
        // Each off-diagonal element is its block's maximum (x̄ = 1), which decodes exactly.
        assertEquals(1f, d[1]);
        assertEquals(0.25f, d[2]);
    }

    @Test
    void strictlyLowerStoresTheTriangleAndWritesZerosAboveIt() {
        // 3×3: stored sequence (1,0), (2,0), (2,1) in one block; N = 4.
        float[] x = {9f, 7f, 7f, -4f, 9f, 7f, 2f, 1f, 9f};
        ReferenceBlockQuantizer q = ReferenceBlockQuantizer.of(TABLE, ROWS_OF_32);
        byte[] codes = new byte[2];
        float[] scales = new float[1];
        float[] diag = new float[3];
        q.quantize(x, 3, 3, StorageMode.STRICTLY_LOWER, codes, scales, diag);
        assertArrayEquals(new float[] {4f}, scales);
        float[] d = new float[9];
        java.util.Arrays.fill(d, Float.NaN);
        q.dequantize(codes, scales, diag, 3, 3, StorageMode.STRICTLY_LOWER, d);
        assertEquals(-4f, d[3]);
        assertArrayEquals(new float[] {9f, 0f, 0f}, new float[] {d[0], d[1], d[2]});
        assertEquals(0f, d[5]);
        assertEquals(9f, d[8]);
    }

    @Test
    void refusesNonFiniteInputAndWrongBuffersNamingThem() {
        ReferenceBlockQuantizer q = ReferenceBlockQuantizer.of(TABLE, ROWS_OF_32);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> q.quantize(new float[] {0f, Float.NaN}, 1, 2, StorageMode.FULL, new byte[1], new float[1], null));
        assertTrue(e.getMessage().contains("element [0, 1] is NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> q.quantize(new float[] {0f, 1f}, 1, 2, StorageMode.FULL, new byte[3], new float[1], null));
        assertTrue(e.getMessage().contains("codes buffer has 3 bytes") && e.getMessage().contains("needs exactly 1"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> q.quantize(new double[] {1e39, 1}, 1, 2, StorageMode.FULL, new byte[1], new float[1], null));
        assertTrue(e.getMessage().contains("overflows fp32"), e.getMessage());
    }
}
