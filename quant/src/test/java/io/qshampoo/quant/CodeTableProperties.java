package io.qshampoo.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.floats;
import static org.quicktheories.generators.SourceDSL.integers;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** The nearest-code rule against brute force, a transliteration of the kernel's search, and the fast path. */
class CodeTableProperties {

    static final int EXAMPLES = Integer.getInteger("QT_EXAMPLES", 200);

    static final List<CodeTable> TABLES = new ArrayList<>();

    static {
        for (Mapping m : Mapping.values()) {
            for (int b : new int[] {3, 4, 8}) {
                TABLES.add(CodeTable.of(m, b));
            }
        }
    }

    static Gen<CodeTable> tables() {
        return integers().between(0, TABLES.size() - 1).map(TABLES::get);
    }

    /** Finite floats: half uniformly in [-1.1, 1.1] (where x̄ lives), half any finite bit pattern. */
    static Gen<Float> values() {
        return floats().between(-1.1f, 1.1f).mix(integers().all().map(Float::intBitsToFloat)
                .assuming(Float::isFinite));
    }

    /** Indices of the entries at minimal exact distance from x (BigDecimal: exact for floats). */
    static List<Integer> nearest(CodeTable t, float x) {
        BigDecimal bx = new BigDecimal(x);
        BigDecimal best = null;
        List<Integer> arg = new ArrayList<>();
        for (int k = 0; k < t.size(); k++) {
            BigDecimal d = bx.subtract(new BigDecimal(t.value(k))).abs();
            int c = best == null ? -1 : d.compareTo(best);
            if (c < 0) {
                best = d;
                arg.clear();
            }
            if (c <= 0) {
                arg.add(k);
            }
        }
        return arg;
    }

    /**
     * The official kernel's search, re-expressed independently: binary search over the sorted table ending at
     * an even pivot, then a comparison with the fp32 midpoint of that pivot and its neighbour, staying at the
     * pivot on equality.
     */
    static int kernelSearch(CodeTable t, float x) {
        int n = t.size();
        int pivot = n / 2 - 1;
        int upperPivot = n - 1;
        int lowerPivot = 0;
        float lower = -1f;
        float upper = 1f;
        float val = t.value(pivot);
        for (int i = n / 4; i > 0; i >>= 1) {
            if (x > val) {
                lowerPivot = pivot;
                lower = val;
                pivot += i;
            } else {
                upperPivot = pivot;
                upper = val;
                pivot -= i;
            }
            val = t.value(pivot);
        }
        if (upperPivot == n - 1) {
            upper = t.value(upperPivot);
        }
        if (lowerPivot == 0) {
            lower = t.value(lowerPivot);
        }
        if (x > val) {
            return x > (upper + val) * 0.5f ? upperPivot : pivot;
        }
        return x < (lower + val) * 0.5f ? lowerPivot : pivot;
    }

    static int midpointIndex(CodeTable t, float x) {
        float[] m = t.midpoints();
        for (int k = 0; k < m.length; k++) {
            if (m[k] == x) {
                return k;
            }
        }
        return -1;
    }

    @Test
    void codeIsTheExactlyNearestEntryAwayFromFp32Midpoints() {
        qt().withExamples(EXAMPLES).forAll(tables(), values()).checkAssert((t, x) -> {
            int code = t.encode(x);
            int k = midpointIndex(t, x);
            if (k < 0) {
                // not at a fp32 midpoint: no exact tie is possible and the code is the unique nearest entry
                assertEquals(List.of(code), nearest(t, x), t + " x=" + x);
            } else {
                assertEquals(k % 2 == 0 ? k : k + 1, code, t + " tie at midpoint " + k);
            }
        });
    }

    @Test
    void everyFp32MidpointAndItsNeighbours() {
        // exhaustive over all 9 tables: at m_k the even index; one float below, k; one float above, k + 1
        for (CodeTable t : TABLES) {
            float[] m = t.midpoints();
            for (int k = 0; k < m.length; k++) {
                assertEquals(k % 2 == 0 ? k : k + 1, t.encode(m[k]), t + " at m_" + k);
                assertEquals(k, t.encode(Math.nextDown(m[k])), t + " below m_" + k);
                assertEquals(k + 1, t.encode(Math.nextUp(m[k])), t + " above m_" + k);
                // exact ties (m_k exactly representable) go to the even index, as brute force with "even" says
                List<Integer> near = nearest(t, m[k]);
                if (near.size() == 2) {
                    assertEquals(near.get(0) % 2 == 0 ? near.get(0) : near.get(1), t.encode(m[k]));
                }
                assertEquals(kernelSearch(t, m[k]), t.encode(m[k]));
                assertEquals(kernelSearch(t, Math.nextDown(m[k])), t.encode(Math.nextDown(m[k])));
                assertEquals(kernelSearch(t, Math.nextUp(m[k])), t.encode(Math.nextUp(m[k])));
            }
        }
    }

    @Test
    void codeEqualsTheKernelSearch() {
        qt().withExamples(EXAMPLES).forAll(tables(), values()).checkAssert((t, x) ->
                assertEquals(kernelSearch(t, x), t.encode(x), t + " x=" + x));
        for (CodeTable t : TABLES) {
            assertEquals(kernelSearch(t, Float.NaN), t.encode(Float.NaN));
            assertEquals(kernelSearch(t, Float.POSITIVE_INFINITY), t.encode(Float.POSITIVE_INFINITY));
            assertEquals(kernelSearch(t, Float.NEGATIVE_INFINITY), t.encode(Float.NEGATIVE_INFINITY));
        }
    }

    @Test
    void codeIsMonotone() {
        qt().withExamples(EXAMPLES).forAll(tables(), values(), values()).checkAssert((t, x, y) ->
                assertTrue(Math.min(x, y) == x ? t.encode(x) <= t.encode(y) : t.encode(x) >= t.encode(y)));
    }

    /**
     * encodeFinite and encode are both non-decreasing step functions of x; they agree everywhere iff they
     * agree just below, at and just above every point where either can jump: the thresholds and the ends of
     * every bucket. Those points are enumerated exhaustively, for every table (2^18 buckets each).
     */
    @Test
    void fastPathAgreesAtEveryJumpPoint() {
        for (CodeTable t : TABLES) {
            assertTrue(t.buckets() != null, t + " has the bucket accelerator");
            for (float m : t.midpoints()) {
                for (float x : new float[] {Math.nextDown(Math.nextDown(m)), Math.nextDown(m), m, Math.nextUp(m)}) {
                    assertEquals(t.encode(x), t.encodeFinite(x), t + " x=" + x);
                }
            }
            for (int b = 0; b < 1 << CodeTable.BUCKET_BITS; b++) {
                int lo = b << CodeTable.BUCKET_SHIFT;
                for (int bits : new int[] {lo, lo + 1, lo | ((1 << CodeTable.BUCKET_SHIFT) - 1)}) {
                    float x = Float.intBitsToFloat(bits);
                    if (!Float.isNaN(x)) {
                        assertEquals(t.encode(x), t.encodeFinite(x), t + " x=" + x);
                    }
                }
            }
        }
    }

    @Test
    void fastPathAgreesOnRandomInput() {
        qt().withExamples(EXAMPLES).forAll(tables(), values()).checkAssert((t, x) ->
                assertEquals(t.encode(x), t.encodeFinite(x), t + " x=" + x));
    }
}
