package io.qshampoo.quant;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * A sorted fp32 code table {M(0) &lt; M(1) &lt; … &lt; M(2^b − 1)} ⊂ [−1, 1] and the nearest-entry rule that
 * turns a normalized value x̄ into a b-bit code (Li et al. Eq. 3).
 *
 * <h2>Tables</h2>
 * Built in fp32 exactly as Wang et al.'s official code does (see {@link Mapping}); every fp32 linspace is
 * {@link TorchLinspace PyTorch's}:
 * <ul>
 *   <li>{@link Mapping#LINEAR_2}: v = linspace(−1, 1, 2^b); v[2^(b−1) − 1] = 0; M = sign(v)·fl(|v|·|v|).</li>
 *   <li>{@link Mapping#DYNAMIC}: for i = 0 … b − 2, boundaries = linspace(0.1f, 1, 2^i + 1),
 *       means m = fl(fl(bⱼ + bⱼ₊₁)/2), entries ±fl(s·m) with s = fl32(10^(i − (b − 2))); plus 0 and +1;
 *       sorted.</li>
 *   <li>{@link Mapping#LINEAR}: M = linspace(−1, 1, 2^b).</li>
 * </ul>
 *
 * <h2>Encoding rule (bit-compatible with the official {@code dQuantize} kernel)</h2>
 * Let {@code m_k = fl(fl(M(k) + M(k+1)) · 0.5f)} be the fp32 midpoint of neighbours k, k+1. Then
 * <pre>
 *   code(x̄) = #{k : x̄ &gt; m_k} + #{k odd : x̄ == m_k}
 * </pre>
 * i.e. the entry on x̄'s side of the fp32 midpoint, and at an exact tie x̄ == m_k the <em>even</em> one of
 * k, k+1. This is what the kernel's binary search computes: its last step always compares against the
 * midpoint of an even pivot p and p ± 1 with "stay at p" on equality. Away from the fp32 midpoints the
 * code is the exactly nearest entry. At a midpoint that fp32 rounded (fl(M(k) + M(k+1)) inexact) the kernel
 * rule can pick the entry that is farther by less than one ulp of x̄; e.g. 3 such x̄ exist for 4-bit
 * linear-2. We follow the kernel, not exact distance: the contract is bit-identity with it. NaN gets code 0
 * (every comparison is false), as in the kernel; −0 and +0 get the same code.
 *
 * <p>Instances are immutable, cached per (mapping, bits) and safe to share between threads.
 */
public final class CodeTable {

    private static final Map<Mapping, CodeTable[]> CACHE = new EnumMap<>(Mapping.class);

    private final Mapping mapping;
    private final int bits;
    /** Whether the entries were given as data ({@link #custom}) rather than built from the mapping. */
    private final boolean custom;
    private final float[] values;
    private final float[] midpoints;
    /** thresholds[k] = m_k for even k, nextDown(m_k) for odd k; thresholds[size − 1] = +∞. code = #{k : x̄ &gt; thresholds[k]}. */
    private final float[] thresholds;
    /**
     * Bucket accelerator (see {@link #encodeFinite}), indexed by the top {@value #BUCKET_BITS} bits of a float's
     * bit pattern; null if some bucket would hold two thresholds (never for these tables).
     */
    private final byte[] buckets;
    /** A bucket is the 2^BUCKET_SHIFT floats sharing sign, exponent and the top 9 mantissa bits. */
    static final int BUCKET_SHIFT = 14;
    static final int BUCKET_BITS = 32 - BUCKET_SHIFT;

    private CodeTable(Mapping mapping, int bits, float[] values, boolean custom) {
        this.mapping = mapping;
        this.bits = bits;
        this.custom = custom;
        this.values = values;
        int n = values.length;
        for (int k = 0; k + 1 < n; k++) {
            if (!(values[k] < values[k + 1])) {
                throw new IllegalStateException(mapping + " " + bits + "-bit table is not strictly increasing at " + k);
            }
        }
        midpoints = new float[n - 1];
        thresholds = new float[n];
        for (int k = 0; k + 1 < n; k++) {
            float m = (values[k] + values[k + 1]) * 0.5f;
            midpoints[k] = m;
            float t = (k & 1) == 0 ? m : Math.nextDown(m);
            thresholds[k] = t == 0f ? 0f : t; // −0 → +0: the same comparisons, one spelling
        }
        thresholds[n - 1] = Float.POSITIVE_INFINITY;
        for (int k = 0; k + 1 < n; k++) {
            if (thresholds[k] > thresholds[k + 1]) {
                throw new IllegalStateException(mapping + " " + bits + "-bit thresholds are not sorted at " + k);
            }
        }
        this.buckets = buildBuckets();
    }

    /**
     * For every bucket (an interval of floats: one sign, one exponent, the top 9 mantissa bits), the code of
     * its smallest value, plus bit 7 set (b ≤ 4 only) when a threshold lies inside it; null if a bucket holds
     * two thresholds. ±∞ count as values; the NaN patterns share the ∞ buckets (encodeFinite excludes NaN).
     */
    private byte[] buildBuckets() {
        byte[] out = new byte[1 << BUCKET_BITS];
        for (int b = 0; b < out.length; b++) {
            int lo = b << BUCKET_SHIFT;
            int hi = lo | ((1 << BUCKET_SHIFT) - 1);
            // positive patterns grow with the value, negative ones shrink; NaN patterns stand for ±∞
            float vmin = finiteOrInfinite(lo >= 0 ? lo : hi);
            float vmax = finiteOrInfinite(lo >= 0 ? hi : lo);
            int cmin = encode(vmin);
            int cmax = encode(vmax);
            if (cmax - cmin > 1) {
                return null;
            }
            out[b] = (byte) (bits <= 4 && cmax > cmin ? 0x80 | cmin : cmin);
        }
        return out;
    }

    private static float finiteOrInfinite(int bits) {
        float v = Float.intBitsToFloat(bits);
        return Float.isNaN(v) ? (bits >= 0 ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY) : v;
    }

    /**
     * The table for {@code mapping} at {@code bits} = 3, 4 or 8 bits. Cost: the first call per table builds it
     * and its 2^18-entry (256 KiB) bucket accelerator, a few milliseconds; later calls return the cached instance.
     *
     * @throws IllegalArgumentException for any other bit width
     */
    public static CodeTable of(Mapping mapping, int bits) {
        int slot = bitsSlot(bits);
        synchronized (CACHE) {
            CodeTable[] tables = CACHE.computeIfAbsent(mapping, m -> new CodeTable[3]);
            if (tables[slot] == null) {
                tables[slot] = new CodeTable(mapping, bits, build(mapping, bits), false);
            }
            return tables[slot];
        }
    }

    /**
     * A table given as data: the other side's fp32 entries, e.g. a {@code torch.linspace}-built linear-2 table whose
     * entries differ from {@link #of}'s by a few ulps on some CPU dispatch paths. Encoding follows the same rule
     * (fp32 midpoints, ties to the even index), so a quantizer with this table reproduces the other side's codes.
     *
     * @param nominal the mapping the table stands for (reports and checks of the configuration use it)
     * @param values  2^b entries for b = 3, 4 or 8: finite, within [−1, 1], strictly increasing, each pair of
     *                neighbours with its fp32 midpoint strictly between them (copied)
     * @throws IllegalArgumentException naming the first entry that breaks a condition
     */
    public static CodeTable custom(Mapping nominal, float[] values) {
        if (nominal == null || values == null) {
            throw new IllegalArgumentException("custom code table: mapping and values must not be null");
        }
        int bits = Integer.numberOfTrailingZeros(values.length);
        if (values.length != 1 << bits || (bits != 3 && bits != 4 && bits != 8)) {
            throw new IllegalArgumentException("custom code table has " + values.length
                    + " entries; expected 8, 16 or 256 (3, 4 or 8 bits)");
        }
        for (int k = 0; k < values.length; k++) {
            float v = values[k];
            if (!(v >= -1f && v <= 1f)) {
                throw new IllegalArgumentException("custom code table entry " + k + " is " + v + "; expected a finite value in [-1, 1]");
            }
            if (k > 0 && !(values[k - 1] < v)) {
                throw new IllegalArgumentException("custom code table entries " + (k - 1) + " and " + k + " are "
                        + values[k - 1] + " and " + v + "; expected strictly increasing entries");
            }
        }
        for (int k = 0; k + 1 < values.length; k++) {
            // The encoding rule compares with fp32 midpoints; one that rounds onto an entry (neighbours one ulp
            // apart, or subnormal ones) would send that entry to its neighbour's code, or unsort the thresholds.
            float m = (values[k] + values[k + 1]) * 0.5f;
            if (!(values[k] < m && m < values[k + 1])) {
                throw new IllegalArgumentException("custom code table entries " + k + " and " + (k + 1) + " are "
                        + values[k] + " and " + values[k + 1] + ", whose fp32 midpoint rounds to " + m
                        + "; expected entries far enough apart (at least 2 ulps) that it lies strictly between them");
            }
        }
        return new CodeTable(nominal, bits, values.clone(), true);
    }

    /** Whether this table was given as data ({@link #custom}) rather than built from its mapping. */
    public boolean isCustom() {
        return custom;
    }

    static int bitsSlot(int bits) {
        switch (bits) {
            case 3:
                return 0;
            case 4:
                return 1;
            case 8:
                return 2;
            default:
                throw new IllegalArgumentException("bits must be 3, 4 or 8, got " + bits);
        }
    }

    private static float[] build(Mapping mapping, int bits) {
        int n = 1 << bits;
        switch (mapping) {
            case LINEAR:
                return TorchLinspace.linspace(-1f, 1f, n);
            case LINEAR_2: {
                float[] v = TorchLinspace.linspace(-1f, 1f, n);
                v[n / 2 - 1] = 0f;
                for (int j = 0; j < n; j++) {
                    float a = Math.abs(v[j]);
                    v[j] = Math.signum(v[j]) * (a * a);
                }
                return v;
            }
            case DYNAMIC: {
                float[] v = new float[n];
                int w = 0;
                for (int i = 0; i <= bits - 2; i++) {
                    float[] bounds = TorchLinspace.linspace(0.1f, 1f, (1 << i) + 1);
                    // Python's 10 ** k is a correctly rounded double; PyTorch multiplies an fp32 tensor by it in fp32.
                    float s = (float) Double.parseDouble("1e" + (i - (bits - 2)));
                    for (int j = 0; j + 1 < bounds.length; j++) {
                        float mean = (bounds[j] + bounds[j + 1]) / 2f;
                        v[w++] = s * mean;
                        v[w++] = -(s * mean);
                    }
                }
                v[w++] = 0f;
                v[w++] = 1f;
                if (w != n) {
                    throw new AssertionError("dynamic table has " + w + " entries, expected " + n);
                }
                Arrays.sort(v);
                return v;
            }
            default:
                throw new AssertionError(mapping);
        }
    }

    /** The mapping this table was built from. */
    public Mapping mapping() {
        return mapping;
    }

    /** Bits per code b: 3, 4 or 8. */
    public int bits() {
        return bits;
    }

    /** Number of entries, 2^b. */
    public int size() {
        return values.length;
    }

    /**
     * Entry M(code) (fp32).
     *
     * @throws IllegalArgumentException if code lies outside [0, 2^b)
     */
    public float value(int code) {
        if (code < 0 || code >= values.length) {
            throw new IllegalArgumentException("code " + code + " is outside [0, " + values.length + "); expected a "
                    + bits + "-bit code of " + this);
        }
        return values[code];
    }

    /** A copy of all entries, index 0 first (sorted ascending). */
    public float[] values() {
        return values.clone();
    }

    /** Shared, read-only view for the package's hot loops. Never modify. */
    float[] valuesArray() {
        return values;
    }

    /** A copy of the fp32 midpoints m_k = fl(fl(M(k) + M(k+1))·0.5f), k = 0 … 2^b − 2. */
    public float[] midpoints() {
        return midpoints.clone();
    }

    /**
     * The code of the normalized value {@code xbar} under the rule in the class comment (nearest entry by
     * fp32 midpoints, exact tie to the even index, NaN → 0).
     *
     * <p>Cost: O(b) comparisons (binary search over the 2^b − 1 thresholds).
     */
    public int encode(float xbar) {
        int lo = 0;
        int hi = values.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (xbar > thresholds[mid]) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * Same result as {@link #encode} for every non-NaN {@code xbar} (±∞ included), in O(1): one table load,
     * then a comparison — for b ≤ 4 only when x̄ falls in one of the 2^b − 1 buckets that hold a threshold
     * (about 1 x̄ in 500 for x̄ spread over [−1, 1]).
     *
     * <p>Why it is exact: a bucket is an interval of floats [lo, hi] holding at most one threshold (checked when
     * the table is built). Its entry c = code(lo) = #{k : m'_k &lt; lo} counts the thresholds below every x of the
     * bucket; the only other one that x can exceed is m'_c, the next threshold, and it does so iff x &gt; m'_c
     * (m'_{2^b−1} = +∞). For b ≤ 4 the entry also says whether m'_c lies in the bucket at all; if not, x ≤ hi ≤
     * m'_c and the comparison is skipped. (NaN is excluded: its patterns share the ∞ buckets.)
     */
    int encodeFinite(float xbar) {
        if (buckets == null) {
            return encode(xbar);
        }
        int e = buckets[Float.floatToRawIntBits(xbar) >>> BUCKET_SHIFT];
        if (bits <= 4 && e >= 0) {
            return e;
        }
        int c = bits <= 4 ? e & 0x7f : e & 0xff;
        return xbar > thresholds[c] ? c + 1 : c;
    }

    /** The bucket accelerator (shared, never modify), or null. */
    byte[] buckets() {
        return buckets;
    }

    /** thresholds[k] = m_k (even k) or nextDown(m_k) (odd k), thresholds[2^b − 1] = +∞ (shared, never modify). */
    float[] thresholdsArray() {
        return thresholds;
    }

    /** Half the widest gap between neighbouring entries, max_k (M(k+1) − M(k))/2, computed exactly. */
    public double maxHalfGap() {
        double g = 0;
        for (int k = 0; k + 1 < values.length; k++) {
            // The difference of two floats of magnitude ≤ 1 whose ulps are ≥ 2^-149 needs ≤ 150 bits in
            // general, but neighbours here are within a factor 2^29 of each other or one of them is 0, so the
            // double subtraction is exact (checked by CodeTableTest against BigDecimal).
            g = Math.max(g, ((double) values[k + 1] - (double) values[k]) / 2);
        }
        return g;
    }

    /**
     * The largest distance from a point of [−1, 1] to its nearest entry:
     * max(maxHalfGap, M(0) + 1, 1 − M(2^b − 1)). It exceeds {@link #maxHalfGap()} only when the table does not
     * reach ±1 (the dynamic tree has no −1; there the end gap equals the widest half gap up to fp32 rounding).
     * The rule above can pick an entry farther than the nearest by at most half an ulp of a midpoint (≤ 2^-25).
     */
    public double maxRoundingDistance() {
        return Math.max(maxHalfGap(),
                Math.max((double) values[0] + 1.0, 1.0 - (double) values[values.length - 1]));
    }

    /**
     * Two tables are equal when they encode alike: the same mapping, bits and fp32 entries (bit for bit). A table
     * given as data equals a built-in one only if its entries are the built-in's.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof CodeTable t && t.mapping == mapping && t.bits == bits && Arrays.equals(t.values, values);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * mapping.hashCode() + bits) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return (custom ? "custom " : "") + mapping.id() + "/" + bits + "-bit";
    }
}
