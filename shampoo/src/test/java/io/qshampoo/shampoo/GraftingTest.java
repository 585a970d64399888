package io.qshampoo.shampoo;

import static io.qshampoo.shampoo.FirstOrderFixtures.U;
import static io.qshampoo.shampoo.FirstOrderFixtures.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** Grafting's rescale P ← P·‖D‖/‖P‖ (Agarwal et al. 2020): norm, direction, zeros, extreme scales, errors. */
class GraftingTest {

    /** Values of random sign, magnitude 10^[−e, e], a fifth of them zero. */
    private static double[] values(Random rnd, int n, int e) {
        double[] x = new double[n];
        for (int k = 0; k < n; k++) {
            x[k] = rnd.nextInt(5) == 0 ? 0 : (rnd.nextBoolean() ? 1 : -1) * Math.pow(10, e * (2 * rnd.nextDouble() - 1));
        }
        return x;
    }

    /** ‖x‖ the plain way; fine for |x| ≤ 1e20 and n ≤ 64 (no overflow, no underflow that matters). */
    private static double plainNorm(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    @Test
    void rescaledDirectionHasTheGraftedNormAndKeepsItsDirection() {
        FirstOrderFixtures.qt().forAll(integers().between(1, 64), integers().between(0, 20), FirstOrderFixtures.seeds())
                .checkAssert((n, e, seed) -> {
                    Random rnd = new Random(seed);
                    double[] p = values(rnd, n, e);
                    double[] d = values(rnd, n, e);
                    double[] p0 = p.clone();
                    Grafting.rescaleToNorm(p, d);
                    if (plainNorm(p0) == 0) {
                        assertArrayEquals(FirstOrderFixtures.bits(p0), FirstOrderFixtures.bits(p), "P = 0 stays as it is");
                        return;
                    }
                    // Implementation: each norm within (n/2 + 3)·u, three roundings per element: ‖P'‖ within
                    // (n + 9)·u of ‖D‖; measuring both here adds (n/2 + 2)·u each: (2n + 13)·u relative, worst case.
                    double target = plainNorm(d);
                    assertEquals(target, plainNorm(p), (2 * n + 13) * U * target, "‖P'‖ must equal ‖D‖");
                    if (target == 0) {
                        for (double v : p) {
                            assertEquals(0, v, 0);
                        }
                        return;
                    }
                    // Direction: P'_k = c·P_k with one c > 0; each ratio carries ≤ 3 + 1 roundings, so ratios agree to 8u.
                    double lo = Double.POSITIVE_INFINITY;
                    double hi = 0;
                    for (int k = 0; k < n; k++) {
                        if (p0[k] == 0) {
                            assertEquals(0, p[k], 0, "a zero stays zero");
                            continue;
                        }
                        double c = p[k] / p0[k];
                        assertTrue(c > 0, "sign of element " + k + " must be kept");
                        lo = Math.min(lo, c);
                        hi = Math.max(hi, c);
                    }
                    assertTrue(hi <= lo * (1 + 8 * U), "ratios " + lo + " .. " + hi + " must be one constant");
                });
    }

    /**
     * The rescale takes both norms in one pass; each must be the norm {@link Grafting#frobeniusNorm} returns, bit for
     * bit (the same sum in the same order), so the result is P_k·(‖D‖/‖P‖) with those norms, exactly, at every scale
     * where that factor is a normal number (up to 10^±80 here).
     */
    @Test
    void rescaleUsesExactlyTheNormsFrobeniusNormReturns() {
        FirstOrderFixtures.qt().forAll(integers().between(1, 300), integers().between(0, 80), FirstOrderFixtures.seeds())
                .checkAssert((n, e, seed) -> {
                    Random rnd = new Random(seed);
                    double[] p = values(rnd, n, e);
                    double[] d = values(rnd, n, e);
                    double f = Grafting.frobeniusNorm(d) / Grafting.frobeniusNorm(p);
                    double[] expected = p.clone();
                    for (int k = 0; k < n; k++) {
                        expected[k] *= f;
                    }
                    if (Grafting.frobeniusNorm(p) == 0) {
                        expected = p.clone();
                    }
                    double[] got = p.clone();
                    Grafting.rescaleToNorm(got, d);
                    assertArrayEquals(expected, got, 0.0);
                });
    }

    @Test
    void sgdGraftingHandsOverTheGradientItselfAfterTheSameChecks() {
        DiagonalState s = Grafting.SGD.method().newState(3);
        double[] g = {1, -2, 3};
        double[] scratch = new double[3];
        assertTrue(g == s.directionIn(g, scratch, 1), "the identity direction is the gradient: no copy");
        assertArrayEquals(new double[3], scratch, 0.0, "scratch untouched");
        assertMessage(IllegalArgumentException.class, () -> s.directionIn(new double[2], scratch, 1), "expected 3");
        assertMessage(IllegalArgumentException.class, () -> s.directionIn(g, new double[4], 1), "expected 3");
        DiagonalState adam = Grafting.ADAM.method().newState(3);
        double[] out = adam.directionIn(g, scratch, 1);
        assertTrue(out == scratch, "other methods write into scratch");
        double[] direct = new double[3];
        Grafting.ADAM.method().newState(3).direction(g, direct, 1);
        assertArrayEquals(direct, out, 0.0);
    }

    @Test
    void zeroPreconditionedDirectionStaysZeroAndNeverNaN() {
        double[] p = {0, -0.0, 0};
        Grafting.rescaleToNorm(p, new double[] {1, 2, 3});
        assertArrayEquals(FirstOrderFixtures.bits(new double[] {0, -0.0, 0}), FirstOrderFixtures.bits(p));
        double[] q = {0, 0};
        Grafting.rescaleToNorm(q, new double[] {0, 0});
        assertArrayEquals(new double[] {0, 0}, q);
    }

    @Test
    void zeroGraftedDirectionZeroesP() {
        double[] p = {1, -2};
        Grafting.rescaleToNorm(p, new double[] {0, 0});
        // P_k/‖P‖·0 keeps each element's sign; assertArrayEquals tells 0.0 from −0.0.
        assertArrayEquals(new double[] {0, -0.0}, p);
    }

    @Test
    void extremeScalesNeitherOverflowNorUnderflow() {
        // Squares of 1e200 overflow and squares of 1e-200 underflow in double; the scaled norms do not.
        // ‖D‖ = 5e-200, P/‖P‖ = ±0.5: P' = ±2.5e-200, within the 3 roundings per element and the norms' few u.
        double[] p = {1e200, -1e200, 1e200, 1e200};
        Grafting.rescaleToNorm(p, new double[] {3e-200, 4e-200, 0, 0});
        FirstOrderFixtures.assertClose(new double[] {2.5e-200, -2.5e-200, 2.5e-200, 2.5e-200}, p, 16 * U * 2.5e-200);
        double[] q = {3e-300, 4e-300};
        Grafting.rescaleToNorm(q, new double[] {6e150, 8e150});
        FirstOrderFixtures.assertClose(new double[] {6e150, 8e150}, q, 16 * U * 1e151);
    }

    @Test
    void frobeniusNormIsScaled() {
        assertEquals(5e-200, Grafting.frobeniusNorm(new double[] {3e-200, -4e-200}), 4 * U * 5e-200);
        assertEquals(5e200, Grafting.frobeniusNorm(new double[] {3e200, -4e200}), 4 * U * 5e200);
        assertEquals(0, Grafting.frobeniusNorm(new double[] {0, -0.0}), 0);
        // Documented: infinite only when the true norm exceeds the double range.
        assertEquals(Double.POSITIVE_INFINITY, Grafting.frobeniusNorm(new double[] {1.5e308, 1.5e308}), 0);
    }

    @Test
    void sgdGraftingRescalesToTheGradientNorm() {
        double[] g = {3, 0, -4};
        double[] dir = new double[3];
        Grafting.SGD.method().newState(3).direction(g, dir, 1);
        double[] p = {0.1, 0.2, 0.2}; // ‖P‖ = 0.3
        Grafting.rescaleToNorm(p, dir);
        // P' = P·5/0.3 = (5/3, 10/3, 10/3), 3 roundings per element plus the norms' few u.
        FirstOrderFixtures.assertClose(new double[] {5.0 / 3, 10.0 / 3, 10.0 / 3}, p, 16 * U * 4);
    }

    @Test
    void refusesBadArguments() {
        assertMessage(IllegalArgumentException.class, () -> Grafting.rescaleToNorm(new double[2], new double[3]),
                "2 elements", "3", "equal lengths");
        assertMessage(IllegalArgumentException.class, () -> Grafting.rescaleToNorm(new double[] {1, Double.NaN}, new double[2]),
                "preconditioned direction", "NaN", "index 1", "finite");
        assertMessage(IllegalArgumentException.class,
                () -> Grafting.rescaleToNorm(new double[2], new double[] {Double.NEGATIVE_INFINITY, 0}),
                "grafted direction", "-Infinity", "index 0", "finite");
        assertMessage(IllegalArgumentException.class,
                () -> Grafting.rescaleToNorm(new double[] {1, 1}, new double[] {1.5e308, 1.5e308}),
                "grafted direction's Frobenius norm exceeds", "double range");
        assertMessage(IllegalArgumentException.class, () -> Grafting.frobeniusNorm(new double[] {Double.NaN}), "NaN", "finite");
    }
}
