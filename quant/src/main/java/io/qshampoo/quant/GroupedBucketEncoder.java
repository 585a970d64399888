package io.qshampoo.quant;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * 4-bit codes of x̄ = fl(x·scale), four at a time, through a table's bucket accelerator
 * ({@link CodeTable#encodeFinite}) with one test per four codes: the portable scalar kernel's encoder.
 *
 * <p>Why it is exact. A 4-bit table's bucket entry e (a byte) is the code of every x̄ in its bucket when the
 * bucket holds no threshold (0 ≤ e ≤ 15), and has bit 7 set (e &lt; 0 as a Java byte) when it holds one. The
 * word w = e₀ | e₁ ≪ 4 | e₂ ≪ 8 | e₃ ≪ 12 of four sign-extended entries is therefore
 * <ul>
 *   <li>w ≥ 0 and exactly the four codes packed two per byte (the lower index in the low nibble) when no
 *       entry is flagged: each eᵢ occupies its own nibble;</li>
 *   <li>w &lt; 0 when some entry is flagged: its sign extension sets bit 31, which no shift by ≤ 12 of a
 *       non-negative entry reaches.</li>
 * </ul>
 * So {@code w >= 0} decides alone that w's low 16 bits are the result; otherwise the group is encoded by
 * {@link CodeTable#encodeFinite}'s rule (the accelerator plus the one threshold comparison, inlined), which
 * returns {@link CodeTable#encode}'s code for every non-NaN x̄. x̄ is computed once per element, by the same fp32
 * multiply as the reference, and the bucket index is its bit pattern's top {@value CodeTable#BUCKET_BITS} bits.
 * NaN x̄ (only from scale = +∞, 0·∞) must not reach this class: its patterns share the ∞ buckets.
 *
 * <p>Cost per element: a multiply, a move of x̄'s bits to an integer register, a shift, a byte load from the
 * accelerator (its hot part, 2^9 entries per binade of x̄, lives in L1/L2), a shift and an OR; per four
 * elements one branch and one 2-byte store. Groups holding a threshold bucket (for standard normal blocks
 * about 1 group in 90) take the exact path. On JDK 17 this loop took about 25% less time than encoding pair by
 * pair with a test per code (a loop C2 neither unrolled nor freed of its range checks), and the whole quantizer
 * 11–29% less (bench/RESULTS.md).
 */
final class GroupedBucketEncoder {

    /** Two bytes of a byte[] as one little-endian short: the low byte is the first pair of codes. */
    private static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    private GroupedBucketEncoder() {
    }

    /**
     * Codes of a[from … to)·scale, packed two per byte from out[byte0] (the lower index in the low nibble).
     * Requires the accelerator {@code buckets} and {@code thresholds} of a 4-bit table
     * ({@link CodeTable#buckets()}, {@link CodeTable#thresholdsArray()}), an even run length and a finite scale
     * (x̄ never NaN).
     */
    static void encode(byte[] buckets, float[] thresholds, float[] a, int from, int to, float scale, byte[] out, int byte0) {
        final byte[] bk = buckets;
        final int sh = CodeTable.BUCKET_SHIFT;
        int k = from;
        int bi = byte0;
        for (; k < to - 3; k += 4, bi += 2) {
            int w = bk[Float.floatToRawIntBits(a[k] * scale) >>> sh]
                    | bk[Float.floatToRawIntBits(a[k + 1] * scale) >>> sh] << 4
                    | bk[Float.floatToRawIntBits(a[k + 2] * scale) >>> sh] << 8
                    | bk[Float.floatToRawIntBits(a[k + 3] * scale) >>> sh] << 12;
            if (w < 0) {
                w = exact(bk, thresholds, a, k, 4, scale);
            }
            SHORT_LE.set(out, bi, (short) w);
        }
        if (k < to) {
            out[bi] = (byte) exact(bk, thresholds, a, k, 2, scale);
        }
    }

    /**
     * The codes of a[k … k + n)·scale packed from bit 0, each by {@link CodeTable#encodeFinite}'s rule: the bucket's
     * code, plus one where the bucket holds threshold t_c and x̄ &gt; t_c. A small loop on purpose: with
     * {@link CodeTable#encodeFinite} inlined four times here instead, C2 (JDK 17) spilled the main loop's
     * registers and the encoder ran about 20% slower.
     */
    private static int exact(byte[] bk, float[] th, float[] a, int k, int n, float scale) {
        int w = 0;
        for (int i = 0; i < n; i++) {
            float x = a[k + i] * scale;
            int c = bk[Float.floatToRawIntBits(x) >>> CodeTable.BUCKET_SHIFT];
            if (c < 0) {
                c &= 0x7f;
                c += x > th[c] ? 1 : 0;
            }
            w |= c << (4 * i);
        }
        return w;
    }
}
