package io.qshampoo.quant;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link BlockKernel} on the Vector API (JDK 25, {@code jdk.incubator.vector}), 16 fp32 lanes at a time.
 * Bit for bit the scalar kernel's results:
 * <ul>
 *   <li>absmax: lane-wise maximum of the bit patterns with the sign cleared, then across lanes (integer
 *       maxima: exact, order-free);</li>
 *   <li>x̄ = x·scale: the same IEEE fp32 multiply per lane;</li>
 *   <li>code = #{k : x̄ &gt; t_k} over the 16 sorted thresholds t_0 ≤ … ≤ t_14 &lt; t_15 = +∞ of
 *       {@link CodeTable} (the definition of {@link CodeTable#encode}), found by a branch-free binary search:
 *       c = 8·[x̄ &gt; t_7]; c += 4·[x̄ &gt; t_{c+3}]; c += 2·[x̄ &gt; t_{c+1}]; c += [x̄ &gt; t_c] (fp32
 *       comparisons). Sorted thresholds make {k : x̄ &gt; t_k} a prefix, so x̄ &gt; t_j ⇔ j &lt; code: a step
 *       of size s that starts with code ∈ [c, c + 2s − 1] compares with t_{c+s−1} and leaves
 *       code ∈ [c', c' + s − 1]; from [0, 15] the four steps end at c = code. Each step picks every lane's
 *       threshold from one 16-lane register of threshold bit patterns by a lane permutation
 *       ({@code selectFrom});</li>
 *   <li>packing: lanes 2j, 2j+1 viewed as one 64-bit lane are c_{2j} + 2^32·c_{2j+1}; OR-ing in its shift
 *       right by 28 puts c_{2j+1} in bits 4–7, and the low byte is the packed pair;</li>
 *   <li>decoding: the 16 fp32 products M(c)·N in one register, selected by permutation.</li>
 * </ul>
 * Blocks with scale = +∞, runs shorter than 16 and the remainders of runs go to the scalar code.
 */
final class VectorBlockKernel extends BlockKernel {

    static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    static final VectorSpecies<Byte> B8 = ByteVector.SPECIES_64;
    static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    static final VectorSpecies<Double> D = DoubleVector.SPECIES_512;
    static final int LANES = 16;

    /** Lanes [0, 0, 1, 1, …, 7, 7] and [8, 8, …, 15, 15]: each code byte to the two lanes of its nibbles. */
    private static final VectorShuffle<Integer> LOW_PAIRS;
    private static final VectorShuffle<Integer> HIGH_PAIRS;
    private static final IntVector NIBBLE_SHIFT;

    static {
        int[] lo = new int[LANES];
        int[] hi = new int[LANES];
        int[] sh = new int[LANES];
        for (int l = 0; l < LANES; l++) {
            lo[l] = l >>> 1;
            hi[l] = 8 + (l >>> 1);
            sh[l] = (l & 1) * 4;
        }
        LOW_PAIRS = VectorShuffle.fromArray(I, lo, 0);
        HIGH_PAIRS = VectorShuffle.fromArray(I, hi, 0);
        NIBBLE_SHIFT = IntVector.fromArray(I, sh, 0);
    }

    /** Bit patterns of t_{min(l + 3, 15)}, t_{min(l + 1, 15)}, t_l in lane l. */
    private final int[] plus3 = new int[LANES];
    private final int[] plus1 = new int[LANES];
    private final int[] plus0 = new int[LANES];
    private final float t7;

    VectorBlockKernel(CodeTable table) {
        super(table);
        // other widths use only maxAbsBits here (their encode and decode loops are scalar)
        for (int l = 0; l < LANES && table.bits() == 4; l++) {
            plus3[l] = Float.floatToRawIntBits(th[Math.min(l + 3, LANES - 1)]);
            plus1[l] = Float.floatToRawIntBits(th[Math.min(l + 1, LANES - 1)]);
            plus0[l] = Float.floatToRawIntBits(th[l]);
        }
        t7 = th[Math.min(7, th.length - 1)];
    }

    /** Whether this CPU runs 16 fp32 lanes natively (otherwise the Vector API would emulate them, slowly). */
    static boolean supported() {
        return FloatVector.SPECIES_PREFERRED.length() >= LANES;
    }

    /** Measured about 10% faster than the quantizer's per-block loop with this kernel. */
    @Override
    boolean fusesRows() {
        return true;
    }

    @Override
    int maxAbsBits(float[] a, int from, int to) {
        int k = from;
        int m = 0;
        if (to - from >= 2 * LANES) {
            IntVector m0 = IntVector.zero(I);
            IntVector m1 = IntVector.zero(I);
            for (; k + 2 * LANES <= to; k += 2 * LANES) {
                m0 = m0.max(FloatVector.fromArray(F, a, k).reinterpretAsInts().and(0x7fffffff));
                m1 = m1.max(FloatVector.fromArray(F, a, k + LANES).reinterpretAsInts().and(0x7fffffff));
            }
            m = m0.max(m1).reduceLanes(VectorOperators.MAX);
        }
        return k == to ? m : Math.max(m, super.maxAbsBits(a, k, to));
    }

    @Override
    void encode4(float[] a, int from, int to, float scale, byte[] out, int byte0) {
        if (scale == Float.POSITIVE_INFINITY || to - from < LANES) {
            super.encode4(a, from, to, scale, out, byte0);
            return;
        }
        final IntVector p3 = IntVector.fromArray(I, plus3, 0);
        final IntVector p1 = IntVector.fromArray(I, plus1, 0);
        final IntVector p0 = IntVector.fromArray(I, plus0, 0);
        final IntVector zero = IntVector.zero(I);
        int k = from;
        int bi = byte0;
        for (; k + LANES <= to; k += LANES, bi += LANES / 2) {
            FloatVector x = FloatVector.fromArray(F, a, k).mul(scale);
            IntVector c = zero.blend(8, x.compare(VectorOperators.GT, t7).cast(I));
            c = c.add(4, x.compare(VectorOperators.GT, c.selectFrom(p3).reinterpretAsFloats()).cast(I));
            c = c.add(2, x.compare(VectorOperators.GT, c.selectFrom(p1).reinterpretAsFloats()).cast(I));
            c = c.add(1, x.compare(VectorOperators.GT, c.selectFrom(p0).reinterpretAsFloats()).cast(I));
            LongVector w = c.reinterpretAsLongs();
            w = w.or(w.lanewise(VectorOperators.LSHR, 28));
            ((ByteVector) w.convertShape(VectorOperators.L2B, B8, 0)).intoArray(out, bi);
        }
        if (k < to) {
            super.encode4(a, k, to, scale, out, bi);
        }
    }

    @Override
    void decode4(byte[] codes, int byte0, int pairs, float n, float[] dst, int off) {
        final FloatVector v = FloatVector.fromArray(F, values, 0).mul(n);
        int p = 0;
        for (; p + LANES <= pairs; p += LANES) {
            IntVector c = (IntVector) ByteVector.fromArray(B16, codes, byte0 + p).convertShape(VectorOperators.B2I, I, 0);
            v.rearrange(nibbles(c, LOW_PAIRS)).intoArray(dst, off + 2 * p);
            v.rearrange(nibbles(c, HIGH_PAIRS)).intoArray(dst, off + 2 * p + LANES);
        }
        if (p < pairs) {
            super.decode4(codes, byte0 + p, pairs - p, n, dst, off + 2 * p);
        }
    }

    @Override
    void decode4(byte[] codes, int byte0, int pairs, float n, double[] dst, int off) {
        final FloatVector v = FloatVector.fromArray(F, values, 0).mul(n);
        int p = 0;
        for (; p + LANES <= pairs; p += LANES) {
            IntVector c = (IntVector) ByteVector.fromArray(B16, codes, byte0 + p).convertShape(VectorOperators.B2I, I, 0);
            FloatVector lo = v.rearrange(nibbles(c, LOW_PAIRS));
            FloatVector hi = v.rearrange(nibbles(c, HIGH_PAIRS));
            int o = off + 2 * p;
            ((DoubleVector) lo.convertShape(VectorOperators.F2D, D, 0)).intoArray(dst, o);
            ((DoubleVector) lo.convertShape(VectorOperators.F2D, D, 1)).intoArray(dst, o + LANES / 2);
            ((DoubleVector) hi.convertShape(VectorOperators.F2D, D, 0)).intoArray(dst, o + LANES);
            ((DoubleVector) hi.convertShape(VectorOperators.F2D, D, 1)).intoArray(dst, o + 3 * LANES / 2);
        }
        if (p < pairs) {
            super.decode4(codes, byte0 + p, pairs - p, n, dst, off + 2 * p);
        }
    }

    /** The codes of the bytes selected by {@code pairs} (low nibble, then high), as a shuffle for the fp32 lanes. */
    private static VectorShuffle<Float> nibbles(IntVector bytes, VectorShuffle<Integer> pairs) {
        return bytes.rearrange(pairs).lanewise(VectorOperators.ASHR, NIBBLE_SHIFT).and(0xf).toShuffle().cast(F);
    }
}
