package io.qshampoo.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

/**
 * The exhaustive check of a 4-bit encoder: every fp32 x̄ in [−1, 1] (2 130 706 434 bit patterns, ±0 included),
 * in chunks of 2^20 in increasing magnitude, encoded with scale 1 (x̄ = x exactly) by the encoder under test and
 * by {@link CodeTable#encode}, packed bytes compared. Used under {@code -Pextended} by the kernel contract and the
 * encoder's own properties.
 */
final class UnitIntervalSweep {

    /** A 4-bit encoder under test: codes of x[from … to)·scale packed from out[byte0]. */
    @FunctionalInterface
    interface Encoder {
        void encode(float[] x, int from, int to, float scale, byte[] out, int byte0);
    }

    private UnitIntervalSweep() {
    }

    /** Throws an AssertionError naming the first pair whose byte differs from the reference's. */
    static void assertEveryFloatEncodesLikeReference(CodeTable t, Encoder encoder) {
        final int chunk = 1 << 20;
        float[] x = new float[chunk];
        byte[] got = new byte[chunk / 2];
        byte[] expected = new byte[chunk / 2];
        long checked = 0;
        for (int sign : new int[] {0, 0x80000000}) {
            // patterns sign | 0 … sign | 0x3f800000 (1.0f): the magnitudes 0 … 1 in increasing order
            for (long lo = 0; lo <= 0x3f800000L; lo += chunk) {
                int len = (int) Math.min(chunk, 0x3f800001L - lo);
                for (int i = 0; i < len; i++) {
                    x[i] = Float.intBitsToFloat(sign | (int) (lo + i));
                }
                int even = (len + 1) & ~1;
                if (even > len) {
                    x[len] = 0f; // pad an odd last chunk with a value already checked
                }
                for (int i = 0; i < even; i += 2) {
                    expected[i >>> 1] = (byte) (t.encode(x[i]) | t.encode(x[i + 1]) << 4);
                }
                encoder.encode(x, 0, even, 1f, got, 0);
                int mismatch = Arrays.mismatch(expected, 0, even / 2, got, 0, even / 2);
                if (mismatch >= 0) {
                    float a = x[2 * mismatch];
                    float c = x[2 * mismatch + 1];
                    throw new AssertionError(t + ": the codes of " + a + " (0x" + Integer.toHexString(
                            Float.floatToRawIntBits(a)) + ") or " + c + " differ: byte 0x"
                            + Integer.toHexString(got[mismatch] & 0xff) + ", reference 0x"
                            + Integer.toHexString(expected[mismatch] & 0xff));
                }
                checked += len;
            }
        }
        assertEquals(2L * 0x3f800001L, checked, "patterns checked for " + t);
    }
}
