package io.qshampoo.verify.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.Mapping;
import io.qshampoo.quant.QuantizationConfig;
import io.qshampoo.quant.StorageMode;
import io.qshampoo.shampoo.DenseTensor;
import io.qshampoo.shampoo.Sgd;
import io.qshampoo.shampoo.ShampooConfig;
import io.qshampoo.shampoo.ShampooOptimizer;
import io.qshampoo.shampoo.Variant;
import io.qshampoo.verify.experiments.FeedbackExperiment.DecayRun;
import io.qshampoo.verify.experiments.FeedbackExperiment.Method;
import io.qshampoo.verify.experiments.FeedbackExperiment.Settings;

class FeedbackExperimentTest {

    private static final double BETA = 0.95;
    private static final double EPS = 1e-6;

    private static Settings tiny(List<Method> methods, int steps) {
        return new Settings(16, 8, steps, List.of(1.0), 0.05, BETA, 0.95, EPS, Mapping.LINEAR_2, 4,
                BlockLayout.rowSegments(32), 1, 4, false, methods, 3, 1);
    }

    /**
     * The trackers perform the optimizer's operations in the optimizer's order, so for the same (fp32-rounded)
     * gradients their stored state must equal {@code ShampooOptimizer.inspect()}'s left factor exactly — any
     * deviation (another order of operations, a missing symmetrization, another storage mode) flips codes.
     */
    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"FP32", "VQ", "CQ", "CQ_EF", "EIGEN"})
    void trackersHoldTheOptimizersStateBitForBit(Variant v) {
        int n = 40;
        int k = 24;
        ShampooConfig config = ShampooConfig.builder().variant(v).intervals(1, 1).bits(4).mapping(Mapping.LINEAR_2)
                .layout(BlockLayout.rowSegments(32)).minQuantizedElements(0).beta(BETA).betaE(0.9).epsilon(EPS)
                .bjorckSteps(1, 4).maxConsecutiveRootFailures(100).build(); // VQ roots fail where Q(L) is indefinite
        ShampooOptimizer opt = ShampooOptimizer.builder(config, new Sgd(), 0.0).parameter("w", DenseTensor.float32(n, k))
                .build();
        QuantizationConfig q = config.quantization();
        TrackedFactor t = switch (v) {
            case FP32 -> new EmaTracked(MatrixStore.fp32(n, n), BETA, EPS);
            case VQ -> new EmaTracked(MatrixStore.quantized(n, n, StorageMode.DIAG_REAL, q), BETA, EPS);
            case CQ -> new CholeskyTracked(n, q, false, BETA, 0.9, EPS);
            case CQ_EF -> new CholeskyTracked(n, q, true, BETA, 0.9, EPS);
            default -> new EigenTracked(MatrixStore.quantized(n, n, StorageMode.FULL, q), true, BETA, EPS, 1, 4);
        };
        GradientStream stream = new GradientStream(n, k, 1.0, 0.05, 11);
        for (int step = 1; step <= 6; step++) {
            DMatrixRMaj g = stream.next();
            DenseTensor grad = DenseTensor.float32(n, k);
            for (int i = 0; i < g.data.length; i++) {
                grad.set(i, g.data[i]);
                g.data[i] = grad.get(i); // the optimizer sees the fp32 gradient
            }
            opt.step(Map.of("w", grad));
            DMatrixRMaj gram = new DMatrixRMaj(n, n);
            DenseKernels.reference().multTransB(g, g, gram);
            t.update(gram);
            Map<String, DMatrixRMaj> state = opt.inspect();
            String where = v + " step " + step;
            switch (v) {
                case FP32, VQ -> assertArrayEquals(state.get("w#0.left.L").data, t.factor().data, 0.0, where);
                case CQ -> assertArrayEquals(state.get("w#0.left.C").data, t.factor().data, 0.0, where);
                case CQ_EF -> {
                    assertArrayEquals(state.get("w#0.left.C").data, t.factor().data, 0.0, where);
                    assertArrayEquals(state.get("w#0.left.E").data, ((CholeskyTracked) t).error().data, 0.0, where);
                }
                default -> {
                    assertArrayEquals(state.get("w#0.left.V").data, t.factor().data, 0.0, where);
                    assertArrayEquals(state.get("w#0.left.S").data, ((EigenTracked) t).values(), 0.0, where);
                }
            }
        }
    }

    /**
     * Li Eqs. (10)–(11) on a 3×3 factor whose strictly-lower part (0.5, −0.25, 1.0) is one block (B = 32), fed the
     * same C four times with β_e = 1/2, worked out by hand with the 4-bit linear-2 table (units of 1/225:
     * …, −81, −49, 0, …, 81, 121, 169, 225; decision midpoints 0.448889 between 81 and 121, −0.288889 between
     * −49 and −81, −0.875556 between −169 and −225):
     * <pre>
     *   step 1: C+E = (0.5, −0.25, 1)           → D(C̄) = (121, −49, 225)/225;  E = (−0.018889, −0.016111, 0)
     *           Q(E): N = 0.018889, −0.85294 → −169/225                     → D(Ē) = (−0.018889, −0.014188, 0)
     *   step 2: C+E = (0.481111, −0.264188, 1)  → same codes;                 E = (−0.037778, −0.030299, 0) → D(Ē) = (−0.037778, −0.028375, 0)
     *   step 3: C+E = (0.462222, −0.278375, 1)  → same codes;                 E = (−0.056667, −0.044486, 0) → D(Ē) = (−0.056667, −0.042563, 0)
     *   step 4: C+E = (0.443333, −0.292563, 1)  → D(C̄) = (81, −81, 225)/225 (both cross their midpoints);
     *           E = (0.013333, 0.012437, 0), ratio 0.9328 → 1                → D(Ē) = (0.013333, 0.013333, 0)
     * </pre>
     * The accumulated error pushes the codes over their midpoints at step 4. Tolerance 1e-6: inputs and table
     * entries are fp32 (relative 6e-8), the hand values are rounded to 6 digits, and every decision above has a
     * margin of at least 0.0037, so no code can differ.
     */
    @Test
    void errorFeedbackFollowsItsRecurrenceOnAHandCheckedCase() {
        QuantizationConfig q = new QuantizationConfig(Mapping.LINEAR_2, 4, BlockLayout.rowSegments(32), 0);
        CholeskyTracked t = new CholeskyTracked(3, q, true, BETA, 0.5, EPS);
        double[][] factors = {{121, -49, 225}, {121, -49, 225}, {121, -49, 225}, {81, -81, 225}};
        double[][] errors = {{-0.018889, -0.014188}, {-0.037778, -0.028375}, {-0.056667, -0.042563}, {0.013333, 0.013333}};
        for (int step = 0; step < 4; step++) {
            DMatrixRMaj c = new DMatrixRMaj(new double[][] {{1, 0, 0}, {0.5, 1, 0}, {-0.25, 1.0, 1}});
            t.compensateAndStore(c);
            DMatrixRMaj f = t.factor();
            DMatrixRMaj e = t.error();
            String where = "step " + (step + 1);
            assertEquals(factors[step][0] / 225, f.get(1, 0), 1e-6, where);
            assertEquals(factors[step][1] / 225, f.get(2, 0), 1e-6, where);
            assertEquals(factors[step][2] / 225, f.get(2, 1), 1e-6, where);
            assertEquals(1.0, f.get(0, 0), 0.0, where); // the diagonal is kept in fp32, uncompensated
            assertEquals(errors[step][0], e.get(1, 0), 1e-6, where);
            assertEquals(errors[step][1], e.get(2, 0), 1e-6, where);
            assertEquals(0.0, e.get(2, 1), 1e-6, where);
            for (int i = 0; i < 3; i++) {
                assertEquals(0.0, e.get(i, i), 0.0, "E has a zero diagonal, " + where);
            }
        }
    }

    /** The reference run compared with itself: every error exactly 0 (same computations on the same data). */
    @Test
    void theUnquantizedEmaHasZeroError() {
        DecayRun r = new FeedbackExperiment(tiny(List.of(Method.EMA_FP64), 5)).run(line -> { }).get(0);
        FeedbackExperiment.Curves c = r.curves().get(Method.EMA_FP64);
        for (int t = 0; t < 5; t++) {
            assertEquals(0.0, c.nre()[t], 0.0);
            assertEquals(0.0, c.aeDegrees()[t], 0.0);
            assertEquals(0.0, c.factorError()[t], 0.0);
            assertEquals(0.0, c.statisticError()[t], 0.0);
            assertEquals(1.0, c.traceRatio()[t], 0.0);
        }
    }

    /**
     * The shadows are the factor references: their factor errors are exactly 0, and a quantized method's are not:
     * a 4-bit code is off by up to half a gap of a 16-entry table times the block's absmax (percent level for a
     * generic factor), so 1e-3 is far below what quantization leaves and far above float64 rounding (1e-16).
     */
    @Test
    void shadowsHaveZeroFactorErrorAndQuantizedMethodsDoNot() {
        DecayRun r = new FeedbackExperiment(tiny(Method.defaults(), 4)).run(line -> { }).get(0);
        for (FeedbackExperiment.Summary s : r.summaries()) {
            boolean shadow = s.method() == Method.CQ_FP64 || s.method() == Method.EIGEN_FP64;
            if (shadow) {
                assertEquals(0.0, s.meanFactorError(), 0.0, s.toString());
            } else if (s.method() != Method.FP32) {
                assertTrue(s.meanFactorError() > 1e-3, s.toString());
            }
        }
    }

    @Test
    void writesTheTableCsvJsonAndOnePlotPairPerDecay(@TempDir Path dir) throws Exception {
        Settings s = new Settings(12, 6, 3, List.of(0.5, 2.0), 0.05, BETA, 0.95, EPS, Mapping.LINEAR_2, 4,
                BlockLayout.rowSegments(32), 1, 4, true, List.of(Method.CQ, Method.CQ_EF, Method.VQ), 1, 2);
        List<DecayRun> runs = new FeedbackExperiment(s).run(line -> { });
        String text = FeedbackOutput.text(s, runs);
        assertTrue(text.contains("cq+ef") && text.contains("cq+ef / cq ratio"), text);
        List<Path> files = FeedbackOutput.write(dir, s, runs, text);
        assertEquals(4 + 2 * 2, files.size());
        for (Path f : files) {
            assertTrue(Files.size(f) > 0, f.toString());
        }
        assertTrue(Files.exists(dir.resolve("nre-decay-0.5.png")) && Files.exists(dir.resolve("factor-error-decay-2.png")));
        List<String> lines = Files.readAllLines(dir.resolve("feedback-steps.csv"));
        assertEquals(1 + 2 * 3 * 3, lines.size()); // header + decays × methods × steps
    }

    /** Cayley rotations keep U exactly orthogonal up to rounding: ‖UᵀU − I‖_F ≤ steps·n·u·√n-ish; 1e-12 is ample. */
    @Test
    void theRotatingBasisStaysOrthogonal() {
        GradientStream s = new GradientStream(20, 5, 1, 0.1, 5);
        for (int t = 0; t < 50; t++) {
            s.next();
        }
        DMatrixRMaj u = s.basis();
        DMatrixRMaj utu = new DMatrixRMaj(20, 20);
        CommonOps_DDRM.multTransA(u, u, utu);
        CommonOps_DDRM.subtractEquals(utu, CommonOps_DDRM.identity(20));
        assertTrue(Dense.normF(utu) < 1e-12, "" + Dense.normF(utu));
    }
}
