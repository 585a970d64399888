package io.qshampoo.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.qshampoo.linalg.CoupledNewtonInverseRoot;
import io.qshampoo.linalg.EigenInverseRoot;
import io.qshampoo.linalg.NewtonSettings;
import io.qshampoo.linalg.Ridge;

/**
 * Mutation testing of the oracle: correct roots from several legitimate implementations, and the same with the
 * faults a kernel writer makes planted in them, judged as {@code check root} judges (factor {@value #FACTOR}).
 * Asserts that no legitimate implementation is flagged (including each calibration route judged against the
 * others alone), and that every planted fault larger than {@value #MULTIPLE} × the factor, in units of the
 * natural spread (max_ij |mutant − correct|_ij / s_ij), is flagged; and the same for traces ({@link TraceMutations}).
 *
 * <p>Regenerate the table of docs/oracle.md: {@code ./mvnw -B -o -q verify -pl verify -am -Dtest='OracleMutationTest'
 * -Dsurefire.failIfNoSpecifiedTests=false -Dqshampoo.mutationReport=$PWD/docs/oracle-mutations.md} (add
 * {@code -Pextended} for {@value #EXTENDED_TRIALS} faults per cell instead of 3).
 */
class OracleMutationTest {

    /** The calibration factor of {@code check root} (its default). */
    static final double FACTOR = 10;
    /** Faults larger than MULTIPLE × FACTOR spreads must be detected (the correct root itself may use FACTOR). */
    static final double MULTIPLE = 2;
    static final int EXTENDED_TRIALS = 20;

    static final MutationTable TABLE = new MutationTable();
    static final int TRIALS = Integer.getInteger("qshampoo.mutationTrials", 3);

    /** A legitimate implementation's root. */
    record Legit(String name, DMatrixRMaj root) {
    }

    private static List<RootCases.Case> cases() {
        List<RootCases.Case> cases = new ArrayList<>();
        cases.add(RootCases.of("a128 (numpy, n=128, κ=1e3)", RootCases.fixture("a128.a.npy"), 4));
        cases.add(RootCases.of("a64 (numpy, n=64, κ=1e4, λmax=100)", RootCases.fixture("a64.a.npy"), 4));
        cases.add(RootCases.of("g64 (n=64, κ=1e2)", RootCases.spd(64, 1e2, 1, 64), 4));
        if (TRIALS >= EXTENDED_TRIALS) {
            cases.add(RootCases.of("g96 (n=96, κ=1e5, λmax=0.01)", RootCases.spd(96, 1e5, 0.01, 96), 4));
            cases.add(RootCases.of("g128 (n=128, κ=1e3)", RootCases.spd(128, 1e3, 1, 128), 4));
        }
        return cases;
    }

    /** The fp32 roots of correct implementations: the calibration routes, numpy's, and two more orders. */
    private static List<Legit> legitimate(RootCases.Case c) {
        List<Legit> out = new ArrayList<>();
        for (RootCalibration.Route r : c.calibration().routes()) {
            out.add(new Legit(r.route().name().toLowerCase(java.util.Locale.ROOT), r.root()));
        }
        String base = c.name().startsWith("a128") ? "a128" : c.name().startsWith("a64") ? "a64" : null;
        if (base != null) {
            out.add(new Legit("numpy eigh(A + rI)", RootCases.fixture(base + ".root4.eigh.npy")));
            out.add(new Legit("numpy eigh(A), w + r", RootCases.fixture(base + ".root4.eighw.npy")));
        }
        DMatrixRMaj input = RootRoute.rounded(c.shifted(), Precision.FP32);
        out.add(new Legit("eigen fp32, blocked sums", RootRoute.rounded(new EigenInverseRoot(Ridge.absolute(0),
                new RoundedKernels(Precision.FP32, RoundedKernels.Summation.BLOCKED)).compute(input, c.p()).root(),
                Precision.FP32)));
        out.add(new Legit("coupled Newton fp32, pairwise sums", RootRoute.rounded(new CoupledNewtonInverseRoot(
                new NewtonSettings(60, c.n() * 0x1p-24, Double.POSITIVE_INFINITY, Ridge.absolute(0)),
                new RoundedKernels(Precision.FP32, RoundedKernels.Summation.PAIRWISE)).compute(input, c.p()).root(),
                Precision.FP32)));
        return out;
    }

    /** max_ij |a − b|_ij / s_ij: a difference in units of the natural spread. */
    private static double spreads(RootCases.Case c, DMatrixRMaj a, DMatrixRMaj b) {
        double worst = 0;
        double[] s = c.calibration().scale();
        for (int k = 0; k < s.length; k++) {
            double d = Math.abs(a.data[k] - b.data[k]) / s[k];
            worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
        }
        return worst;
    }

    private static void plant(String fault, String size, RootCases.Case c, DMatrixRMaj correct, DMatrixRMaj mutant,
                              List<String> missed) {
        CalibratedVerdict v = c.judge(mutant, FACTOR);
        double magnitude = spreads(c, mutant, correct);
        boolean detected = !v.agrees();
        TABLE.record("check root", fault, size, detected, magnitude, detected ? v.decidedBy().name() : null,
                MULTIPLE * FACTOR);
        if (!detected && magnitude > MULTIPLE * FACTOR) {
            missed.add(c.name() + ": " + fault + " " + size + " (" + String.format("%.3g", magnitude) + " spreads)");
        }
    }

    @Test
    void plantedRootFaultsAreFlaggedAndLegitimateRootsAgree() {
        List<String> missed = new ArrayList<>();
        for (RootCases.Case c : cases()) {
            int n = c.n();
            Random rnd = new Random(c.name().hashCode());
            // No false alarm: every legitimate root, and each route against a calibration without it.
            for (Legit l : legitimate(c)) {
                CalibratedVerdict v = c.judge(l.root(), FACTOR);
                TABLE.legitimate("check root " + c.name() + " " + l.name() + " (" + v.decidedBy().name() + " "
                        + String.format("%.3g", v.decidedBy().ratio()) + ")", v.agrees());
            }
            List<RootCalibration.Route> routes = c.calibration().routes();
            for (RootCalibration.Route out : routes) {
                List<RootCalibration.Route> others = new ArrayList<>(routes);
                others.remove(out);
                RootCalibration loo = RootCalibration.fromRoutes(c.shifted(), c.exact(), c.p(), c.kappa(),
                        Precision.FP32, 0x1p-24, others);
                CalibratedVerdict v = loo.judge(out.root(), out.nre(), out.residual(), c.bound(), FACTOR);
                TABLE.legitimate("check root " + c.name() + " " + out.route() + " against the other routes ("
                        + v.decidedBy().name() + " " + String.format("%.3g", v.decidedBy().ratio()) + ")", v.agrees());
            }
            // Faults planted in each legitimate root.
            for (Legit l : legitimate(c)) {
                DMatrixRMaj x = l.root();
                for (double delta : new double[] {1e-3, 1e-2, 1e-1}) {
                    String size = String.format("%.1f%%", delta * 100);
                    for (int t = 0; t < TRIALS; t++) {
                        int i = rnd.nextInt(n);
                        int j = (i + 1 + rnd.nextInt(n - 1)) % n;
                        plant("one element ×(1+δ)", size, c, x, mutate(x, m -> scale(m, i, j, delta)), missed);
                        plant("element pair (i,j),(j,i) ×(1+δ)", size, c, x,
                                mutate(x, m -> scale(scale(m, i, j, delta), j, i, delta)), missed);
                        plant("row ×(1+δ)", size, c, x, mutate(x, m -> {
                            for (int k = 0; k < n; k++) {
                                scale(m, i, k, delta);
                            }
                            return m;
                        }), missed);
                        plant("column ×(1+δ)", size, c, x, mutate(x, m -> {
                            for (int k = 0; k < n; k++) {
                                scale(m, k, j, delta);
                            }
                            return m;
                        }), missed);
                    }
                }
                plant("upper triangle not written (zeros)", "–", c, x, mutate(x, m -> {
                    for (int i = 0; i < n; i++) {
                        for (int j = i + 1; j < n; j++) {
                            m.set(i, j, 0);
                        }
                    }
                    return m;
                }), missed);
                plant("upper triangle mirrored about the anti-diagonal", "–", c, x, mutate(x, m -> {
                    for (int i = 0; i < n; i++) {
                        for (int j = i + 1; j < n; j++) {
                            m.set(i, j, x.get(n - 1 - j, n - 1 - i));
                        }
                    }
                    return m;
                }), missed);
                plant("stored in bf16 (fp32 stated)", "–", c, x, RootRoute.rounded(x, Precision.BF16), missed);
                plant("stored in fp16 (fp32 stated)", "–", c, x, fp16(x), missed);
            }
            // Faults of the problem solved: wrong p, ridge, ε — roots of another matrix, correctly computed.
            double r = c.ridge();
            double lambdaMax = r / 1e-6;
            Map<String, DMatrixRMaj> wrong = new LinkedHashMap<>();
            for (int q : new int[] {2, 3, 8}) {
                wrong.put("wrong p: " + q + " instead of " + c.p(), root(c, 0, q));
            }
            wrong.put("ridge missing", root(c, -r, c.p()));
            wrong.put("ridge doubled", root(c, r, c.p()));
            wrong.put("ridge ×10", root(c, 9 * r, c.p()));
            // ε absolute (r = ε) instead of relative (r = ε·λmax): the same root when λmax = 1.
            wrong.put("ε absolute instead of relative", root(c, 1e-6 - r, c.p()));
            for (Map.Entry<String, DMatrixRMaj> e : wrong.entrySet()) {
                String kind = e.getKey().startsWith("wrong p") ? "wrong p" : e.getKey();
                String size = e.getKey().startsWith("wrong p") ? e.getKey().substring(9) : String.format("λmax = %.3g", lambdaMax);
                plant(kind, size, c, c.exact(), e.getValue(), missed);
            }
        }
        assertEquals(List.of(), TABLE.falseAlarms(), "legitimate roots flagged");
        assertEquals(List.of(), missed, "faults larger than " + MULTIPLE + " × the factor not flagged");
    }

    @Test
    void plantedTraceFaultsAreFlaggedAndLegitimateTracesAgree(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        List<String> missed = new ArrayList<>();
        TraceMutations t = new TraceMutations(dir, TABLE, missed);
        t.run(TRIALS);
        t.numpyLongTrace();
        t.rootsCaughtByCodesAlone.forEach(System.out::println);
        // Issue 10: a 4-bit root of a wrong trajectory passes the worst-case NRE tolerance; its codes catch it.
        assertEquals(TRIALS, t.rootsCaughtByCodesAlone.size(), t.rootsCaughtByCodesAlone.toString());
        assertEquals(List.of(), TABLE.falseAlarms(), "legitimate traces flagged");
        assertEquals(List.of(), missed, "planted trace faults not flagged");
    }

    /** The float32-rounded exact root of Â + extra·I, order q. */
    private static DMatrixRMaj root(RootCases.Case c, double extra, int q) {
        DMatrixRMaj s = c.shifted().copy();
        for (int i = 0; i < c.n(); i++) {
            s.add(i, i, extra);
        }
        return RootRoute.rounded(new EigenInverseRoot(Ridge.absolute(0)).compute(s, q).root(), Precision.FP32);
    }

    private static DMatrixRMaj mutate(DMatrixRMaj x, UnaryOperator<DMatrixRMaj> f) {
        return RootRoute.rounded(f.apply(x.copy()), Precision.FP32);
    }

    private static DMatrixRMaj scale(DMatrixRMaj m, int i, int j, double delta) {
        m.set(i, j, m.get(i, j) * (1 + delta));
        return m;
    }

    /** Rounded to 11 significant bits, as IEEE half precision stores the magnitudes of these roots (0.1–100). */
    private static DMatrixRMaj fp16(DMatrixRMaj x) {
        DMatrixRMaj r = x.copy();
        for (int k = 0; k < r.getNumElements(); k++) {
            r.data[k] = Precision.roundToBits((float) r.data[k], 11);
        }
        return r;
    }

    @AfterAll
    static void table() throws java.io.IOException {
        TABLE.write(String.format("Planted faults, %d per (legitimate implementation, fault, size) for element, "
                + "pair, row and column faults; one per implementation for the others. check root factor %.0f; "
                + "check trace band factor %.0f.%n%n", TRIALS, FACTOR, TraceBand.FACTOR));
        assertTrue(TABLE.falseAlarms().isEmpty(), "false alarms: " + TABLE.falseAlarms());
    }
}
