package io.qshampoo.oracle.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** Files written by numpy (see make_fixtures.py) read back as numpy holds them. */
class NumpyFixturesTest {

    @Test
    void float32COrder() {
        NpyArray a = NpyReader.read(Fixtures.npy("c_f32.npy"));
        assertEquals(NpyDtype.FLOAT32, a.dtype());
        assertArrayEquals(new int[] {3, 4}, a.shape());
        float[] v = a.float32Data();
        for (int k = 0; k < 12; k++) {
            assertEquals(k * 0.25f - 1.5f, v[k]);
        }
    }

    @Test
    void float64FortranOrderComesBackInCOrder() {
        NpyArray a = NpyReader.read(Fixtures.npy("f_f64.npy"));
        assertEquals(NpyDtype.FLOAT64, a.dtype());
        assertArrayEquals(new int[] {3, 4}, a.shape());
        double[] v = a.toDoubles();
        for (int k = 0; k < 12; k++) {
            assertEquals(k / 3.0, v[k]); // numpy's division is IEEE double, as Java's
        }
    }

    @Test
    void bigEndianFloat32() {
        NpyArray a = NpyReader.read(Fixtures.npy("be_f32.npy"));
        assertArrayEquals(new float[] {1.5f, -2.25f, 3.0e-8f, 0f, -0f, 65504f}, a.float32Data());
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(a.float32Data()[4]));
    }

    @Test
    void bigEndianFortranFloat64() {
        NpyArray a = NpyReader.read(Fixtures.npy("be_f64_fortran.npy"));
        assertArrayEquals(new int[] {3, 2}, a.shape());
        assertArrayEquals(new double[] {-2.5, -1.5, -0.5, 0.5, 1.5, 2.5}, a.toDoubles());
    }

    @Test
    void uint8() {
        NpyArray a = NpyReader.read(Fixtures.npy("u8.npy"));
        assertEquals(NpyDtype.UINT8, a.dtype());
        assertArrayEquals(new long[] {0, 1, 127, 128, 255}, a.toLongs());
        assertEquals((byte) 255, a.uint8Data()[4]);
    }

    @Test
    void int64Extremes() {
        NpyArray a = NpyReader.read(Fixtures.npy("i64.npy"));
        assertArrayEquals(new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}, a.toLongs());
    }

    @Test
    void int16FortranRank3() {
        NpyArray a = NpyReader.read(Fixtures.npy("f_i16_3d.npy"));
        assertArrayEquals(new int[] {2, 3, 4}, a.shape());
        long[] v = a.toLongs();
        for (int k = 0; k < 24; k++) {
            assertEquals(k - 12, v[k]);
        }
    }

    @Test
    void scalarAndFormatVersions2And3() {
        NpyArray s = NpyReader.read(Fixtures.npy("scalar_f64.npy"));
        assertEquals(0, s.rank());
        assertArrayEquals(new double[] {2.5}, s.toDoubles());
        for (String f : new String[] {"v2_f32.npy", "v3_f32.npy"}) {
            NpyArray a = NpyReader.read(Fixtures.npy(f));
            assertArrayEquals(new int[] {2, 3}, a.shape());
            assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, a.float32Data());
        }
    }

    @Test
    void npzArchiveAndLoaderReferences() {
        Map<String, NpyArray> z = NpzArchive.read(Fixtures.npy("arrays.npz"));
        assertEquals(java.util.Set.of("a", "w#0.left.C"), z.keySet());
        assertArrayEquals(new float[] {0, 1, 2, 3}, z.get("a").float32Data());
        NpyLoader loader = new NpyLoader(Fixtures.npy("arrays.npz").getParent());
        assertArrayEquals(new float[] {1, 0, 0, 1}, loader.read("arrays.npz:w#0.left.C").float32Data());
        assertEquals(z.get("a"), loader.read("arrays.npz:a"));
        assertEquals(NpyReader.read(Fixtures.npy("u8.npy")), loader.read("u8.npy"));
    }
}
