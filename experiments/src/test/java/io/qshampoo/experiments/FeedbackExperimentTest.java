package io.qshampoo.experiments;

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
import io.qshampoo.experiments.FeedbackExperiment.DecayRun;
import io.qshampoo.experiments.FeedbackExperiment.Method;
import io.qshampoo.experiments.FeedbackExperiment.Settings;

class FeedbackExperimentTest {

    private static final double BETA = 0.95;
    private static final double EPS = 1e-6;

    private static Settings tiny(List<Method> methods, int steps) {
        return new Settings(16, 8, steps, List.of(1.0), 0.05, BETA, 0.95, EPS, Mapping.LINEAR_2, 4,
                BlockLayout.rowSegments(32), 1, 4, false, methods, 3, 1);
    }

    /**
     * A long step loop says how far it is: with the interval at 0 every step after the first reports its number,
     * the percentage and the time left, then the decay's end is reported.
     */
    @Test
    void theStepLoopReportsItsProgress() {
        List<String> lines = new java.util.ArrayList<>();
        new FeedbackExperiment(tiny(List.of(Method.EMA_FP64), 4)).run(lines::add, 0);
        assertEquals(4, lines.size(), lines::toString);
        assertTrue(lines.get(0).startsWith("feedback: decay 1, step 1 of 4 (25.0%), ") && lines.get(0).endsWith(" s left"),
                lines::toString);
        assertTrue(lines.get(2).startsWith("feedback: decay 1, step 3 of 4 (75.0%)"), lines::toString);
        assertTrue(lines.get(3).startsWith("feedback: decay 1 done in "), lines::toString);
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

    /**
     * eigen+bjorck+ef against its parent: E₀ = 0, so the first step's root is eigen+bjorck's exactly; after it the
     * carried error changes the stored basis, and the summary prints the ratio of the two.
     */
    @Test
    void eigenvectorFeedbackStartsAsItsParentAndIsComparedWithIt() {
        Settings s = tiny(List.of(Method.EIGEN_BJORCK, Method.EIGEN_BJORCK_EF), 4);
        DecayRun r = new FeedbackExperiment(s).run(line -> { }).get(0);
        FeedbackExperiment.Curves plain = r.curves().get(Method.EIGEN_BJORCK);
        FeedbackExperiment.Curves ef = r.curves().get(Method.EIGEN_BJORCK_EF);
        assertEquals(plain.nre()[0], ef.nre()[0], 0.0);
        assertTrue(plain.nre()[3] != ef.nre()[3], plain.nre()[3] + " = " + ef.nre()[3]);
        String text = FeedbackOutput.text(s, List.of(r));
        assertTrue(text.contains("eigen+bjorck+ef / eigen+bjorck ratio"), text);
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
