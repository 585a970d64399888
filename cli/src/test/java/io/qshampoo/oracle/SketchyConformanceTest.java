package io.qshampoo.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;


import io.qshampoo.linalg.MatrixDiscrepancy;
import io.qshampoo.shampoo.Conventions;
import io.qshampoo.shampoo.DenseTensor;
import io.qshampoo.shampoo.Sgd;
import io.qshampoo.shampoo.ShampooConfig;
import io.qshampoo.shampoo.ShampooOptimizer;
import io.qshampoo.oracle.npy.Fixtures;
import io.qshampoo.oracle.npy.NpyLoader;

/**
 * Conformance with the official Sketchy (google-research/precondition, {@code tearfree/sketchy.py}): the trace in
 * {@code src/test/resources/conformance/sketchy} was written by a NumPy port of that file run in float32
 * ({@code conformance/sketchy/make_trace.py}): 24 × 16 parameter, rank 4, β = 0.9, T1 = 2, 20 steps, zero tails
 * at steps 1–8. With {@link Conventions#officialSketchy()} the replay agrees within the derived fp32 tolerances;
 * with qshampoo's own conventions, or with any one Sketchy switch set back to qshampoo's value, it does not.
 *
 * <p>The manifest carries {@code "conventions": "official"}; the variations below (other conventions, one switch
 * flipped, another rank) are written into a copy of the manifest, as a user would ({@code "conventions"} and the
 * switch names under {@code "config"}), and read back through {@link TraceManifest#read}.
 */
class SketchyConformanceTest {

    private static final int STEPS = 20;
    private static final int ROWS = 24;
    private static final int COLS = 16;

    private static Path fixture;
    private static NpyLoader loader;
    private static TraceManifest manifest;
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void readManifest() throws Exception {
        fixture = Fixtures.resource("conformance/sketchy", "manifest.json").getParent();
        loader = new NpyLoader(fixture);
        manifest = TraceManifest.read(fixture.resolve("manifest.json"));
        assertEquals(Conventions.officialSketchy(), manifest.conventionsValue(),
                "the fixture's \"conventions\": \"official\" selects tearfree's conventions for sketchy");
    }

    @TempDir
    static Path scratch;

    /**
     * Replays the fixture's manifest with {@code "conventions": conventions} and {@code config} merged into its
     * {@code "config"}; the gradient and state files are the fixture's.
     */
    private static TraceReport replay(String conventions, Map<String, Object> config) {
        try {
            ObjectNode json = (ObjectNode) JSON.readTree(fixture.resolve("manifest.json").toFile());
            json.put("conventions", conventions);
            ObjectNode c = (ObjectNode) json.get("config");
            config.forEach((k, v) -> c.set(k, JSON.valueToTree(v)));
            Path file = Files.createTempFile(scratch, "manifest", ".json");
            JSON.writeValue(file.toFile(), json);
            return new TraceReplay(TraceManifest.read(file), loader, "manifest.json (" + conventions + ", " + config
                    + ")").run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TraceReport replay(String conventions) {
        return replay(conventions, Map.of());
    }

    @Test
    void officialConventionsAgreeStepForStep() {
        ShampooConfig cfg = manifest.shampooConfig().toBuilder().conventions(Conventions.officialSketchy()).build();
        TraceReport report = replay("official");
        List<Measured> measured = measure(cfg);
        TraceTolerance tolerance = new TraceTolerance(cfg, Precision.FP32, null);
        System.out.println("Sketchy conformance, official conventions (max NRE over both sides per step):");
        System.out.println(" step  sketch U·diag(σ²)·Uᵀ   direction      parameter     tol(sketch)   tol(direction)");
        for (Measured m : measured) {
            StateComparison w = parameter(report, m.step);
            double dirTolerance = directionTolerance(w);
            // The sketch plays the statistic L's part: its tolerance is δ = c·d·u_eff·H (TraceTolerance).
            double sketchTolerance = tolerance.delta(m.step, ROWS);
            System.out.printf("%5d  %-20.3g  %-13.3g  %-12.3g  %-12.3g  %.3g%n", m.step, m.sketch, m.direction,
                    w.nre(), sketchTolerance, dirTolerance);
            assertTrue(m.sketch <= sketchTolerance, "step " + m.step + ": sketch NRE " + m.sketch);
            assertTrue(m.direction <= dirTolerance, "step " + m.step + ": direction NRE " + m.direction);
        }
        System.out.println(maxima("official conventions", measured, report));
        assertTrue(report.agrees(), () -> "first divergence: " + report.firstDivergence());
        assertEquals(STEPS * 7, report.comparisons().size(), "U, sigma, rho per side and the parameter, every step");
    }

    @Test
    void qshampooConventionsDisagree() {
        // qshampoo's rank 4 is a buffer of 4 (3 directions): the dumped 24×4 basis does not even have its shape.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> replay("qshampoo"));
        assertTrue(e.getMessage().contains("24 × 3"), e.getMessage());
        // With the buffer matched (ℓ = 5) the sketches coincide, but the direction does not.
        TraceReport same = replay("qshampoo", Map.of("sketchRank", 5));
        System.out.println(maxima("qshampoo conventions, sketchRank 5",
                measure(config(Conventions.qshampoo(), b -> b.sketchRank(5))), same));
        assertFalse(same.agrees());
    }

    @Test
    void eachSketchySwitchMatters() {
        Conventions official = Conventions.officialSketchy();
        record Flip(String key, String value, Conventions conventions) {
        }
        List<Flip> flips = List.of(
                new Flip("tailDecay", "beta", official.withTailDecay(Conventions.TailDecay.BETA)),
                new Flip("zeroTail", "scale", official.withZeroTail(Conventions.ZeroTail.SCALE)),
                new Flip("updatePhase", "multiples", official.withUpdatePhase(Conventions.UpdatePhase.MULTIPLES)));
        for (Flip f : flips) {
            TraceReport r = replay("official", Map.of(f.key(), f.value()));
            System.out.println(maxima("official but " + f.key() + "=" + f.value(), measure(config(f.conventions(),
                    b -> b)), r));
            assertFalse(r.agrees(), f.key() + "=" + f.value() + " should part from the official trace");
        }
        TraceReport buffer = replay("official", Map.of("sketchRankCounts", "buffer", "sketchRank", 5));
        assertTrue(buffer.agrees(), "rank 4 kept directions is an FD buffer of 5: " + buffer.firstDivergence());
    }

    /** (tol_root,left + tol_root,right + c·d·u_eff): the direction's relative error that the parameter's tolerance scales. */
    private static double directionTolerance(StateComparison parameter) {
        Map<String, Object> d = parameter.derivation();
        double c = ((Number) d.get("c")).doubleValue();
        double dim = ((Number) d.get("d")).doubleValue();
        double u = ((Number) d.get("uEff")).doubleValue();
        return ((Number) d.get("rootTolerances")).doubleValue() + c * dim * u;
    }

    private static StateComparison parameter(TraceReport r, int step) {
        return r.comparisons().stream().filter(c -> c.step() == step && c.kind().equals("parameter")).findFirst()
                .orElseThrow();
    }

    private static String describe(StateComparison c) {
        return c == null ? "none" : "step " + c.step() + ", " + c.key() + ": " + c.metricText() + " (tolerance "
                + c.toleranceText() + ")";
    }

    private record Measured(int step, double sketch, double direction) {
    }

    /** Max NRE over the steps of U·diag(σ²)·Uᵀ, the direction and the parameter, for the report. */
    private static String maxima(String what, List<Measured> measured, TraceReport report) {
        double sketch = 0;
        double direction = 0;
        double parameter = 0;
        for (Measured m : measured) {
            sketch = Math.max(sketch, m.sketch);
            direction = Math.max(direction, m.direction);
            parameter = Math.max(parameter, parameter(report, m.step).nre());
        }
        return String.format("%s: max NRE sketch %.3g, direction %.3g, parameter %.3g; first divergence %s", what,
                sketch, direction, parameter, describe(report.firstDivergence()));
    }

    private static ShampooConfig config(Conventions conventions, UnaryOperator<ShampooConfig.Builder> more) {
        return more.apply(manifest.shampooConfig().toBuilder().conventions(conventions)).build();
    }

    /**
     * Replays the gradients with plain SGD at learning rate 1 on a float64 parameter, so that W_{k−1} − W_k is the
     * grafted direction of step k; compares it and U·diag(σ²)·Uᵀ of both sides with the port's.
     */
    private static List<Measured> measure(ShampooConfig cfg) {
        DenseTensor w = DenseTensor.float64(ROWS, COLS);
        ShampooOptimizer opt = ShampooOptimizer.builder(cfg, new Sgd(0, false, 0), 1.0).parameter("w", w).build();
        List<Measured> out = new ArrayList<>();
        double[] before = new double[ROWS * COLS];
        for (int k = 1; k <= STEPS; k++) {
            String key = String.format("%02d", k);
            double[] g = loader.read("gradients.npz:g" + key).toDoubles();
            for (int i = 0; i < before.length; i++) {
                before[i] = w.get(i);
            }
            opt.step(Map.of("w", DenseTensor.wrap(g, ROWS, COLS)));
            double[] mine = new double[before.length];
            for (int i = 0; i < mine.length; i++) {
                mine[i] = before[i] - w.get(i);
            }
            double[] theirs = loader.read("directions.npz:d" + key).toDoubles();
            double direction = nre(DMatrixRMaj.wrap(ROWS, COLS, mine), DMatrixRMaj.wrap(ROWS, COLS, theirs));
            Map<String, DMatrixRMaj> states = opt.inspect();
            double sketch = 0;
            for (String side : new String[] {"left", "right"}) {
                DMatrixRMaj ours = covariance(states.get("w#0." + side + ".U"), states.get("w#0." + side + ".sigma").data);
                int n = ours.numRows;
                double[] u = loader.read("states.npz:s" + key + "_" + side + "_U").toDoubles();
                double[] s = loader.read("states.npz:s" + key + "_" + side + "_sigma").toDoubles();
                DMatrixRMaj theirsU = DMatrixRMaj.wrap(n, s.length, u);
                sketch = Math.max(sketch, nre(ours, covariance(theirsU, s)));
            }
            out.add(new Measured(k, sketch, direction));
        }
        return out;
    }

    /** U·diag(σ²)·Uᵀ. */
    private static DMatrixRMaj covariance(DMatrixRMaj u, double[] sigma) {
        int n = u.numRows;
        DMatrixRMaj c = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double v = 0;
                for (int l = 0; l < sigma.length; l++) {
                    v += u.get(i, l) * sigma[l] * sigma[l] * u.get(j, l);
                }
                c.set(i, j, v);
            }
        }
        return c;
    }

    /** NRE, with 0 when both are zero and ∞ when only one is (as TraceReplay reports it). */
    private static double nre(DMatrixRMaj ref, DMatrixRMaj approx) {
        boolean refZero = org.ejml.dense.row.CommonOps_DDRM.elementMaxAbs(ref) == 0;
        boolean approxZero = org.ejml.dense.row.CommonOps_DDRM.elementMaxAbs(approx) == 0;
        if (refZero || approxZero) {
            return refZero && approxZero ? 0 : Double.POSITIVE_INFINITY;
        }
        return MatrixDiscrepancy.between(ref, approx).nre();
    }
}
