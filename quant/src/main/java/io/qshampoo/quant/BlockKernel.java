package io.qshampoo.quant;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The inner loops of {@link CpuBlockQuantizer} for one code table: the block absmax N, and for 4-bit tables
 * the fused absmax → scale → encode → pack of whole row segments and the unpack → M(code)·N of decoding. This
 * class is the portable scalar version (JDK 17); on JDK 25 with {@code jdk.incubator.vector} in the boot
 * layer, {@link BlockKernels#forTable} returns a Vector API subclass from the multi-release jar instead.
 * Every implementation returns bit for bit the same results (tested exhaustively over every fp32 x̄ in
 * [−1, 1] under the {@code extended} profile).
 *
 * <p>Exactness of the shortcuts, each a rearrangement of the same fp32 operations as the contract of
 * {@link BlockQuantizer}:
 * <ul>
 *   <li>absmax is the integer maximum of the bit patterns with the sign cleared (the order of non-negative
 *       floats; NaN/∞ patterns exceed every finite one), taken with four independent accumulators;</li>
 *   <li>codes come from the table's bucket accelerator ({@link CodeTable#encodeFinite}), inlined;</li>
 *   <li>decoding multiplies the 16 entries by N once per block: M(c)·N is the same fp32 product whether it is
 *       formed per element or per entry.</li>
 * </ul>
 * Cost per element of a row segment: quantize one read of x (the block stays in L1 between its absmax and its
 * encoding), a multiply, a table load and half a byte written; dequantize half a byte read, one table load
 * and one store. Instances are immutable and thread-safe.
 */
class BlockKernel {

    static final int INF_BITS = 0x7f800000;
    /** Four bytes of a byte[] as one little-endian int. */
    private static final VarHandle LE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    final CodeTable table;
    /** Bucket accelerator and thresholds of {@link CodeTable#encodeFinite} (shared, never modified). */
    final byte[] buckets;
    final float[] th;
    final float[] values;
    /** Whether the 4-bit methods may be called: a 4-bit table with a bucket accelerator. */
    final boolean fourBit;

    BlockKernel(CodeTable table) {
        this.table = table;
        this.buckets = table.buckets();
        this.th = table.thresholdsArray();
        this.values = table.valuesArray();
        this.fourBit = table.bits() == 4 && buckets != null;
    }

    /** scale = 1/N in fp32 (IEEE division), or 0 for N = 0 (step 2 of the {@link BlockQuantizer} contract). */
    static float reciprocal(float n) {
        return n > 0f ? 1.0f / n : 0f;
    }

    /** max over k in [from, to) of the bit pattern of |a[k]| (≥ {@value #INF_BITS} iff a non-finite element). */
    int maxAbsBits(float[] a, int from, int to) {
        int m0 = 0;
        int m1 = 0;
        int m2 = 0;
        int m3 = 0;
        int k = from;
        for (; k + 3 < to; k += 4) {
            m0 = Math.max(m0, Float.floatToRawIntBits(a[k]) & 0x7fffffff);
            m1 = Math.max(m1, Float.floatToRawIntBits(a[k + 1]) & 0x7fffffff);
            m2 = Math.max(m2, Float.floatToRawIntBits(a[k + 2]) & 0x7fffffff);
            m3 = Math.max(m3, Float.floatToRawIntBits(a[k + 3]) & 0x7fffffff);
        }
        for (; k < to; k++) {
            m0 = Math.max(m0, Float.floatToRawIntBits(a[k]) & 0x7fffffff);
        }
        return Math.max(Math.max(m0, m1), Math.max(m2, m3));
    }

    /**
     * Quantizes a[off … off + len) as consecutive blocks of {@code b} elements (the last one shorter) into
     * scales[s0 …] and the 4-bit codes starting at the low nibble of out[byte0]: a row of the row-segment
     * layout. Requires a 4-bit kernel and an even len. Returns false at the first block holding a non-finite
     * element (its scale and codes, and those after it, are then not written).
     */
    boolean rowSegments4(float[] a, int off, int len, int b, float[] scales, int s0, byte[] out, int byte0) {
        for (int s = 0, r = 0; s < len; s += b, r++) {
            int e = Math.min(s + b, len);
            int m = maxAbsBits(a, off + s, off + e);
            if (m >= INF_BITS) {
                return false;
            }
            float n = Float.intBitsToFloat(m);
            scales[s0 + r] = n;
            encode4(a, off + s, off + e, reciprocal(n), out, byte0 + (s >>> 1));
        }
        return true;
    }

    /**
     * Codes of a[from … to)·scale, packed two per byte from out[byte0] (the lower index in the low nibble).
     * Requires a 4-bit kernel and an even run length; any scale, +∞ included.
     */
    void encode4(float[] a, int from, int to, float scale, byte[] out, int byte0) {
        if (scale == Float.POSITIVE_INFINITY) {
            // N < 2^-128: 0·∞ = NaN and ±x·∞ = ±∞ are possible; the reference rule maps them like the kernel.
            for (int k = from, bi = byte0; k < to; k += 2, bi++) {
                out[bi] = (byte) (table.encode(a[k] * scale) | table.encode(a[k + 1] * scale) << 4);
            }
            return;
        }
        final byte[] bk = buckets;
        final float[] t = th;
        final int quads = (to - from) >>> 2;
        // four codes per iteration and one test for the rare buckets that hold a threshold (bit 7 set), with one
        // induction variable (q) so that the JIT drops the range checks on a and out
        for (int q = 0; q < quads; q++) {
            int k = from + 4 * q;
            float x0 = a[k] * scale;
            float x1 = a[k + 1] * scale;
            float x2 = a[k + 2] * scale;
            float x3 = a[k + 3] * scale;
            int c0 = bk[Float.floatToRawIntBits(x0) >>> CodeTable.BUCKET_SHIFT];
            int c1 = bk[Float.floatToRawIntBits(x1) >>> CodeTable.BUCKET_SHIFT];
            int c2 = bk[Float.floatToRawIntBits(x2) >>> CodeTable.BUCKET_SHIFT];
            int c3 = bk[Float.floatToRawIntBits(x3) >>> CodeTable.BUCKET_SHIFT];
            if ((c0 | c1 | c2 | c3) < 0) {
                c0 = settle(c0, x0, t);
                c1 = settle(c1, x1, t);
                c2 = settle(c2, x2, t);
                c3 = settle(c3, x3, t);
            }
            out[byte0 + 2 * q] = (byte) (c0 | (c1 << 4));
            out[byte0 + 2 * q + 1] = (byte) (c2 | (c3 << 4));
        }
        if ((to - from & 2) != 0) {
            float x0 = a[to - 2] * scale;
            float x1 = a[to - 1] * scale;
            int c0 = settle(bk[Float.floatToRawIntBits(x0) >>> CodeTable.BUCKET_SHIFT], x0, t);
            int c1 = settle(bk[Float.floatToRawIntBits(x1) >>> CodeTable.BUCKET_SHIFT], x1, t);
            out[byte0 + 2 * quads] = (byte) (c0 | (c1 << 4));
        }
    }

    /**
     * The code from bucket entry e of x̄: e itself, or for a bucket holding a threshold (bit 7 set) c = e &amp;
     * 0x7f plus [x̄ &gt; t_c] (see {@link CodeTable#encodeFinite}).
     */
    private static int settle(int e, float x, float[] t) {
        if (e >= 0) {
            return e;
        }
        int c = e & 0x7f;
        return x > t[c] ? c + 1 : c;
    }

    /** The 16 products M(c)·n, c = 0 … 15, in fp32. */
    final float[] scaledValues(float n, float[] into) {
        for (int c = 0; c < 16; c++) {
            into[c] = values[c] * n;
        }
        return into;
    }

    /**
     * dst[off + 2p], dst[off + 2p + 1] = M(low nibble)·n, M(high nibble)·n of codes[byte0 + p], p &lt; pairs
     * (fp32 products). Requires a 4-bit table (no bucket accelerator needed); {@code scratch} has 16 entries.
     */
    void decode4(byte[] codes, int byte0, int pairs, float n, float[] dst, int off, float[] scratch) {
        final float[] v = scaledValues(n, scratch);
        final int quads = pairs >>> 2;
        // four code bytes per load: the little-endian int holds codes 0 … 7 in nibbles 0 … 7 (PackedCodes' order)
        for (int q = 0; q < quads; q++) {
            int w = (int) LE_INT.get(codes, byte0 + 4 * q);
            int o = off + 8 * q;
            dst[o] = v[w & 0xf];
            dst[o + 1] = v[(w >>> 4) & 0xf];
            dst[o + 2] = v[(w >>> 8) & 0xf];
            dst[o + 3] = v[(w >>> 12) & 0xf];
            dst[o + 4] = v[(w >>> 16) & 0xf];
            dst[o + 5] = v[(w >>> 20) & 0xf];
            dst[o + 6] = v[(w >>> 24) & 0xf];
            dst[o + 7] = v[w >>> 28];
        }
        for (int p = 4 * quads; p < pairs; p++) {
            int c = codes[byte0 + p];
            dst[off + 2 * p] = v[c & 0xf];
            dst[off + 2 * p + 1] = v[(c >>> 4) & 0xf];
        }
    }

    /** As the float overload, each fp32 product widened exactly to double. */
    void decode4(byte[] codes, int byte0, int pairs, float n, double[] dst, int off, float[] scratch) {
        final float[] v = scaledValues(n, scratch);
        final int quads = pairs >>> 2;
        for (int q = 0; q < quads; q++) {
            int w = (int) LE_INT.get(codes, byte0 + 4 * q);
            int o = off + 8 * q;
            dst[o] = v[w & 0xf];
            dst[o + 1] = v[(w >>> 4) & 0xf];
            dst[o + 2] = v[(w >>> 8) & 0xf];
            dst[o + 3] = v[(w >>> 12) & 0xf];
            dst[o + 4] = v[(w >>> 16) & 0xf];
            dst[o + 5] = v[(w >>> 20) & 0xf];
            dst[o + 6] = v[(w >>> 24) & 0xf];
            dst[o + 7] = v[w >>> 28];
        }
        for (int p = 4 * quads; p < pairs; p++) {
            int c = codes[byte0 + p];
            dst[off + 2 * p] = v[c & 0xf];
            dst[off + 2 * p + 1] = v[(c >>> 4) & 0xf];
        }
    }
}
