package io.qshampoo.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fixed values: the paper's / docs/design.md's table bit patterns, table shapes, tie examples, error messages. */
class CodeTableTest {

    static int[] bits(CodeTable t) {
        int[] out = new int[t.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = Float.floatToRawIntBits(t.value(k));
        }
        return out;
    }

    static int[] hex(String words) {
        String[] w = words.trim().split("\\s+");
        int[] out = new int[w.length];
        for (int k = 0; k < w.length; k++) {
            out[k] = Integer.parseUnsignedInt(w[k], 16);
        }
        return out;
    }

    @Test
    void linear2FourBitBitPatternsAreDesignMds() {
        // docs/design.md, "Code tables": 4-bit linear-2 fp32 bit patterns, index 0..15
        assertArrayEquals(hex("bf800000 bf4048d2 bf09abce beb851ea be5f0122 bde38e37 bd23d703 00000000 3b91a2a2"
                + " 3d23d703 3de38e37 3e5f0122 3eb851ea 3f09abce 3f4048d2 3f800000"), bits(CodeTable.of(Mapping.LINEAR_2, 4)));
    }

    @Test
    void dynamicFourBitBitPatternsAreDesignMds() {
        // docs/design.md, "Code tables": 4-bit dynamic tree fp32 bit patterns, index 0..15
        assertArrayEquals(hex("bf633333 bf29999a bee00000 be599999 bd9eb852 bd051eb9 bbb43958 00000000 3bb43958"
                + " 3d051eb9 3d9eb852 3e599999 3ee00000 3f29999a 3f633333 3f800000"), bits(CodeTable.of(Mapping.DYNAMIC, 4)));
    }

    @Test
    void linear2FourBitIsLiEq4UpToLinspaceRounding() {
        // Li et al. Eq. 4 at b = 4, in units of 1/225. The fp32 entries square an fp32 linspace whose entries carry
        // a relative error up to ~1e-6 (e.g. 0.0666666f for 1/15), so they are off by up to 18 ulps (index 8:
        // 3b91a2a2 vs 1/225 = 3b91a2b4), not one ulp as an earlier note said; the relative error stays below 2^-18.
        int[] units = {-225, -169, -121, -81, -49, -25, -9, 0, 1, 9, 25, 49, 81, 121, 169, 225};
        CodeTable t = CodeTable.of(Mapping.LINEAR_2, 4);
        int maxUlps = 0;
        for (int k = 0; k < 16; k++) {
            double exact = units[k] / 225.0;
            assertTrue(Math.abs(t.value(k) - exact) <= Math.scalb(Math.abs(exact), -18), "entry " + k);
            maxUlps = Math.max(maxUlps, Math.abs(Float.floatToRawIntBits(t.value(k)) - Float.floatToRawIntBits((float) exact)));
        }
        assertEquals(18, maxUlps);
    }

    @Test
    void tableShapes() {
        for (int b : new int[] {3, 4, 8}) {
            int n = 1 << b;
            CodeTable l2 = CodeTable.of(Mapping.LINEAR_2, b);
            CodeTable dt = CodeTable.of(Mapping.DYNAMIC, b);
            CodeTable lin = CodeTable.of(Mapping.LINEAR, b);
            for (CodeTable t : List.of(l2, dt, lin)) {
                assertEquals(n, t.size());
                assertEquals(b, t.bits());
                assertEquals(1f, t.value(n - 1), t.toString());
                for (int k = 0; k + 1 < n; k++) {
                    assertTrue(t.value(k) < t.value(k + 1), t + " sorted at " + k);
                }
            }
            // linear-2: exact 0 at 2^(b-1) - 1, -1 at 0, and the asymmetry +v0² without -v0²
            assertEquals(0, Float.floatToRawIntBits(l2.value(n / 2 - 1)));
            assertEquals(-1f, l2.value(0));
            for (int j = 0; j < n; j++) {
                if (j != n / 2 - 1 && j != n / 2) {
                    assertEquals(-l2.value(j), l2.value(n - 1 - j), 0f, "linear-2 ±v² pair at " + j);
                }
            }
            assertTrue(l2.value(n / 2) > 0 && -l2.value(n / 2) > l2.value(n / 2 - 2)); // +v0² has no negative twin
            // dynamic: 0 and +1, no -1
            assertEquals(0, Float.floatToRawIntBits(dt.value(n / 2 - 1)));
            assertTrue(dt.value(0) > -1f);
            // linear: exactly antisymmetric and no zero entry
            for (int k = 0; k < n; k++) {
                assertEquals(-lin.value(n - 1 - k), lin.value(k), 0f, "linear antisymmetry at " + k);
                assertTrue(lin.value(k) != 0f);
            }
        }
    }

    @Test
    void tablesAreCached() {
        assertSame(CodeTable.of(Mapping.DYNAMIC, 8), CodeTable.of(Mapping.DYNAMIC, 8));
    }

    @Test
    void torchLinspaceMatchesPyTorchValues() {
        // torch.linspace(-1, 1, 16) prints -0.19999993 at index 6 and 0.0666666 at index 8 (fp32 two-sided formula)
        float[] v = TorchLinspace.linspace(-1f, 1f, 16);
        assertEquals(-0.19999993f, v[6]);
        assertEquals(0.0666666f, v[8]);
        assertEquals(-1f, v[0]);
        assertEquals(1f, v[15]);
        assertThrows(IllegalArgumentException.class, () -> TorchLinspace.linspace(0f, 1f, 1));
    }

    @Test
    void unsupportedBitsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CodeTable.of(Mapping.LINEAR_2, 5));
        assertEquals("bits must be 3, 4 or 8, got 5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CodeTable.of(Mapping.LINEAR, 2));
        assertThrows(IllegalArgumentException.class, () -> CodeTable.of(Mapping.LINEAR, 16));
    }

    @Test
    void mappingIds() {
        assertEquals(Mapping.LINEAR_2, Mapping.fromId("linear-2"));
        assertEquals(Mapping.DYNAMIC, Mapping.fromId("dynamic"));
        assertEquals(Mapping.LINEAR, Mapping.fromId("linear"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Mapping.fromId("quantile"));
        assertEquals("unknown mapping \"quantile\"; expected one of linear-2, dynamic, linear", e.getMessage());
    }

    @Test
    void tiesAtFp32MidpointsGoToTheEvenIndex() {
        CodeTable t = CodeTable.of(Mapping.LINEAR_2, 4);
        float[] m = t.midpoints();
        assertEquals(6, t.encode(m[6])); // midpoint of -9/225 (index 6) and 0 (index 7)
        assertEquals(8, t.encode(m[7])); // midpoint of 0 (index 7) and +1/225 (index 8)
        assertEquals(6, t.encode(Math.nextDown(m[6])));
        assertEquals(7, t.encode(Math.nextUp(m[6])));
    }

    @Test
    void zeroEncodesToTheZeroEntryOrTheEvenNeighbour() {
        assertEquals(7, CodeTable.of(Mapping.LINEAR_2, 4).encode(0f));
        assertEquals(7, CodeTable.of(Mapping.DYNAMIC, 4).encode(-0f));
        // linear has no zero: 0 is the exact midpoint of ±1/15, indices 7 and 8 -> the even one
        assertEquals(8, CodeTable.of(Mapping.LINEAR, 4).encode(0f));
        assertEquals(8, CodeTable.of(Mapping.LINEAR, 4).encode(-0f));
        assertEquals(0, CodeTable.of(Mapping.LINEAR_2, 4).encode(Float.NaN));
        assertEquals(0, CodeTable.of(Mapping.LINEAR_2, 4).encode(Float.NEGATIVE_INFINITY));
        assertEquals(15, CodeTable.of(Mapping.LINEAR_2, 4).encode(Float.POSITIVE_INFINITY));
    }

    /**
     * The Javadoc claims 3 values x̄ for 4-bit linear-2 at which the kernel rule (fp32 midpoint, tie → even)
     * and exact nearest-distance rounding disagree; they are exactly the rounded fp32 midpoints whose rounding
     * went towards the odd neighbour. Enumerate them.
     */
    @Test
    void kernelRuleDiffersFromExactNearestAtThreeLinear2Midpoints() {
        CodeTable t = CodeTable.of(Mapping.LINEAR_2, 4);
        float[] m = t.midpoints();
        List<Integer> differing = new ArrayList<>();
        for (int k = 0; k < m.length; k++) {
            BigDecimal lo = new BigDecimal(t.value(k));
            BigDecimal hi = new BigDecimal(t.value(k + 1));
            BigDecimal x = new BigDecimal(m[k]);
            int cmp = x.subtract(lo).abs().compareTo(hi.subtract(x).abs());
            int code = t.encode(m[k]);
            assertEquals(k % 2 == 0 ? k : k + 1, code, "tie rule at midpoint " + k);
            if (cmp != 0 && code != (cmp < 0 ? k : k + 1)) {
                differing.add(k);
            }
        }
        assertEquals(3, differing.size(), "midpoints " + differing);
    }

    @Test
    void maxHalfGapIsExact() {
        for (Mapping mp : Mapping.values()) {
            for (int b : new int[] {3, 4, 8}) {
                CodeTable t = CodeTable.of(mp, b);
                BigDecimal g = BigDecimal.ZERO;
                for (int k = 0; k + 1 < t.size(); k++) {
                    g = g.max(new BigDecimal(t.value(k + 1)).subtract(new BigDecimal(t.value(k))));
                }
                assertEquals(0, g.divide(BigDecimal.valueOf(2)).compareTo(new BigDecimal(t.maxHalfGap())), t.toString());
                assertTrue(t.maxRoundingDistance() >= t.maxHalfGap());
            }
        }
        // the dynamic tree has no -1: its end gap 1 - 0.8875 equals half its widest gap 0.225 (up to fp32 rounding)
        CodeTable dt = CodeTable.of(Mapping.DYNAMIC, 4);
        assertEquals(0.1125, dt.maxRoundingDistance(), 1e-7);
        assertEquals(0.1125, dt.maxHalfGap(), 1e-7);
    }

    @Test
    void bucketsThatHoldAThresholdAreRare() {
        // the performance claim of encodeFinite: for b ≤ 4 only 2^b − 1 buckets need a comparison
        for (Mapping mp : Mapping.values()) {
            for (int b : new int[] {3, 4}) {
                byte[] buckets = CodeTable.of(mp, b).buckets();
                int flagged = 0;
                for (byte e : buckets) {
                    flagged += e < 0 ? 1 : 0;
                }
                assertTrue(flagged <= (1 << b) - 1, mp + "/" + b + ": " + flagged);
            }
        }
    }
}
