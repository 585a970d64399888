package io.qshampoo.quant;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The inner loops of {@link CpuBlockQuantizer} for one code table: the block absmax N, and for 4-bit tables
 * scale → encode → pack and unpack → M(code)·N. This class is the portable scalar version (JDK 17); on JDK 25
 * with {@code jdk.incubator.vector} in the boot layer, {@link BlockKernels#forTable} returns a Vector API
 * subclass from the multi-release jar instead. Every implementation returns bit for bit the same results
 * (tested exhaustively over every fp32 x̄ in [−1, 1] under the {@code extended} profile).
 *
 * <p>Exactness of the shortcuts:
 * <ul>
 *   <li>absmax is the integer maximum of the bit patterns with the sign cleared (the order of non-negative
 *       floats; NaN/∞ patterns exceed every finite one), taken as two independent maxima;</li>
 *   <li>codes come from the table's bucket accelerator ({@link CodeTable#encodeFinite}), four at a time with one
 *       test for the rare buckets that hold a threshold ({@link GroupedBucketEncoder});</li>
 *   <li>decoding reads four code bytes (eight codes) as one little-endian int and forms each product M(c)·N
 *       with one fp32 multiply, as the reference does.</li>
 * </ul>
 * JDK 17's C2 vectorizes none of these loops (the float-to-bits moves and the table loads stay scalar), so
 * their cost is the count of scalar operations and how well C2 schedules them: per element, the absmax takes a
 * load, a mask and a compare-and-move; encoding a multiply, a bits move, a shift, a table load and a quarter of a
 * branch and of a 2-byte store; decoding an eighth of a 4-byte load, a shift and mask, a table load, a multiply
 * and a store. {@link #rowSegments4}
 * instead of the quantizer's own per-block loop, and decoding through 16 pre-scaled entries were measured no
 * faster in the whole quantizer on JDK 17 (bench/RESULTS.md). Instances are immutable and thread-safe.
 */
class BlockKernel {

    static final int INF_BITS = 0x7f800000;

    /** Four bytes of a byte[] as one little-endian int: the low byte holds the first two codes. */
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

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

    /**
     * max over k in [from, to) of the bit pattern of |a[k]| (≥ {@value #INF_BITS} iff a non-finite element). Two
     * independent maxima (even and odd k): one compare-and-move chain costs 2 cycles per element on its own.
     */
    int maxAbsBits(float[] a, int from, int to) {
        int m0 = 0;
        int m1 = 0;
        int k = from;
        for (; k < to - 1; k += 2) {
            m0 = Math.max(m0, Float.floatToRawIntBits(a[k]) & 0x7fffffff);
            m1 = Math.max(m1, Float.floatToRawIntBits(a[k + 1]) & 0x7fffffff);
        }
        if (k < to) {
            m0 = Math.max(m0, Float.floatToRawIntBits(a[k]) & 0x7fffffff);
        }
        return Math.max(m0, m1);
    }

    /**
     * Whether {@link CpuBlockQuantizer} should quantize 4-bit row segments through {@link #rowSegments4}: true
     * where measured faster than its own per-block loop (the Vector API kernel), false here.
     */
    boolean fusesRows() {
        return false;
    }

    /**
     * Quantizes a[off … off + len) as consecutive blocks of {@code b} elements (the last one shorter) into
     * scales[s0 …] and the 4-bit codes starting at the low nibble of out[byte0]: one row of the row-segment
     * layout, absmax, scale and codes block after block (the second read of a block hits L1). Requires a
     * 4-bit kernel and an even len. Returns false at the first block holding a non-finite element (its scale
     * and codes, and those after it, are then not written).
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
        GroupedBucketEncoder.encode(buckets, th, a, from, to, scale, out, byte0);
    }

    /**
     * dst[off + 2p], dst[off + 2p + 1] = M(low nibble)·n, M(high nibble)·n of codes[byte0 + p], p &lt; pairs
     * (fp32 products). Requires a 4-bit table (no bucket accelerator needed). Four code bytes per int load (the
     * byte at the lowest address in the low bits, so nibble i of the int is code i); the last pairs byte by byte.
     */
    void decode4(byte[] codes, int byte0, int pairs, float n, float[] dst, int off) {
        final float[] v = values;
        int p = 0;
        for (; p < pairs - 3; p += 4) {
            int w = (int) INT_LE.get(codes, byte0 + p);
            int o = off + 2 * p;
            dst[o] = v[w & 0xf] * n;
            dst[o + 1] = v[(w >>> 4) & 0xf] * n;
            dst[o + 2] = v[(w >>> 8) & 0xf] * n;
            dst[o + 3] = v[(w >>> 12) & 0xf] * n;
            dst[o + 4] = v[(w >>> 16) & 0xf] * n;
            dst[o + 5] = v[(w >>> 20) & 0xf] * n;
            dst[o + 6] = v[(w >>> 24) & 0xf] * n;
            dst[o + 7] = v[w >>> 28] * n;
        }
        for (; p < pairs; p++) {
            int c = codes[byte0 + p];
            dst[off + 2 * p] = v[c & 0xf] * n;
            dst[off + 2 * p + 1] = v[(c >>> 4) & 0xf] * n;
        }
    }

    /** As the float overload, each fp32 product widened exactly to double. */
    void decode4(byte[] codes, int byte0, int pairs, float n, double[] dst, int off) {
        final float[] v = values;
        int p = 0;
        for (; p < pairs - 3; p += 4) {
            int w = (int) INT_LE.get(codes, byte0 + p);
            int o = off + 2 * p;
            dst[o] = v[w & 0xf] * n;
            dst[o + 1] = v[(w >>> 4) & 0xf] * n;
            dst[o + 2] = v[(w >>> 8) & 0xf] * n;
            dst[o + 3] = v[(w >>> 12) & 0xf] * n;
            dst[o + 4] = v[(w >>> 16) & 0xf] * n;
            dst[o + 5] = v[(w >>> 20) & 0xf] * n;
            dst[o + 6] = v[(w >>> 24) & 0xf] * n;
            dst[o + 7] = v[w >>> 28] * n;
        }
        for (; p < pairs; p++) {
            int c = codes[byte0 + p];
            dst[off + 2 * p] = v[c & 0xf] * n;
            dst[off + 2 * p + 1] = v[(c >>> 4) & 0xf] * n;
        }
    }
}
