package io.qshampoo.shampoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;
import org.junit.jupiter.api.Test;

import io.qshampoo.linalg.DenseKernels;

/**
 * Each Sketchy switch of {@link Conventions} changes what {@link SketchyFactor} and {@link SketchyAdaGrad} compute:
 * every test here fails if the switch is ignored.
 */
class SketchyConventionsTest {

    /** Relative rounding of a state stored in fp32 (a few roundings of 2⁻²⁴ each; 1e-6 leaves a margin of 4). */
    private static final double FP32_STATE = 1e-6;

    private static final double BETA = 0.81;

    private static ShampooConfig config(Conventions c, int rank) {
        return ShampooConfig.builder().variant(Variant.SKETCHY).sketchRank(rank).beta(BETA).epsilon(1e-7)
                .conventions(c).build();
    }

    private static SketchyFactor left(Conventions c, int n, int rank) {
        return new SketchyFactor("w#0.left", n, Side.LEFT, config(c, rank), Backend.reference());
    }

    private static DMatrixRMaj gaussian(Random r, int rows, int cols) {
        DMatrixRMaj g = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < g.data.length; i++) {
            g.data[i] = r.nextGaussian();
        }
        return g;
    }

    /** Nonzero only in rows [from, to). */
    private static DMatrixRMaj rows(Random r, int n, int cols, int from, int to) {
        DMatrixRMaj g = new DMatrixRMaj(n, cols);
        for (int i = from; i < to; i++) {
            for (int j = 0; j < cols; j++) {
                g.set(i, j, r.nextGaussian());
            }
        }
        return g;
    }

    private static Map<String, DMatrixRMaj> inspect(SketchyFactor f) {
        Map<String, DMatrixRMaj> out = new HashMap<>();
        f.inspect("w#0.left", out);
        return out;
    }

    @Test
    void rankCountsKeptDirectionsOrTheBuffer() {
        Random r = new Random(1);
        SketchyFactor kept = left(Conventions.qshampoo().withSketchRank(Conventions.SketchRank.KEPT_DIRECTIONS), 10, 3);
        SketchyFactor buffer = left(Conventions.qshampoo(), 10, 3);
        for (int t = 0; t < 4; t++) {
            DMatrixRMaj g = gaussian(r, 10, 6);
            kept.updateStatistics(g);
            buffer.updateStatistics(g);
        }
        DMatrixRMaj sigmaKept = inspect(kept).get("w#0.left.sigma");
        DMatrixRMaj sigmaBuffer = inspect(buffer).get("w#0.left.sigma");
        assertEquals(3, sigmaKept.getNumElements(), "rank 3 kept directions");
        assertEquals(2, sigmaBuffer.getNumElements(), "an FD buffer of 3 keeps 2");
        assertTrue(sigmaKept.get(2) > 0, "all three kept directions are held");
        assertEquals(3, inspect(kept).get("w#0.left.U").numCols);
        // Same buffer, same sketch: KEPT_DIRECTIONS with rank r is BUFFER with r + 1.
        SketchyFactor buffer4 = left(Conventions.qshampoo(), 10, 4);
        Random again = new Random(1);
        for (int t = 0; t < 4; t++) {
            buffer4.updateStatistics(gaussian(again, 10, 6));
        }
        assertArrayEquals(sigmaKept.data, inspect(buffer4).get("w#0.left.sigma").data, 0.0);
    }

    @Test
    void tailDecaysByBetaOrItsSquareRoot() {
        Random r = new Random(2);
        SketchyFactor beta = left(Conventions.qshampoo(), 12, 3);
        SketchyFactor sqrt = left(Conventions.qshampoo().withTailDecay(Conventions.TailDecay.SQRT_BETA), 12, 3);
        DMatrixRMaj g1 = gaussian(r, 12, 8);
        DMatrixRMaj g2 = gaussian(r, 12, 8);
        beta.updateStatistics(g1);
        sqrt.updateStatistics(g1);
        double rho1 = inspect(beta).get("w#0.left.rho").get(0);
        assertEquals(rho1, inspect(sqrt).get("w#0.left.rho").get(0), 0.0, "one update: no decay yet");
        assertTrue(rho1 > 0);
        beta.updateStatistics(g2);
        sqrt.updateStatistics(g2);
        double rhoBeta = inspect(beta).get("w#0.left.rho").get(0);
        double rhoSqrt = inspect(sqrt).get("w#0.left.rho").get(0);
        // The sketches are the same; only the carried tail differs: (√β − β)·ρ₁.
        assertArrayEquals(inspect(beta).get("w#0.left.sigma").data, inspect(sqrt).get("w#0.left.sigma").data, 0.0);
        double expected = (Math.sqrt(BETA) - BETA) * rho1;
        assertEquals(expected, rhoSqrt - rhoBeta, FP32_STATE * (rhoSqrt + rhoBeta));
    }

    @Test
    void zeroTailComplementIsScaledOrDropped() {
        Random r = new Random(3);
        int n = 8;
        Conventions scaleC = Conventions.qshampoo().withSketchRank(Conventions.SketchRank.KEPT_DIRECTIONS);
        SketchyFactor scale = left(scaleC, n, 4);
        SketchyFactor drop = left(scaleC.withZeroTail(Conventions.ZeroTail.DROP), n, 4);
        DMatrixRMaj g = rows(r, n, 5, 0, 2); // rank 2 < 4 kept directions: nothing escapes
        scale.updateStatistics(g);
        drop.updateStatistics(g);
        assertEquals(0.0, inspect(drop).get("w#0.left.rho").get(0), 0.0, "precondition: the tail is exactly 0");
        // Two directions are held, two masked (σ = 0, reported as zero columns).
        DMatrixRMaj sigma = inspect(drop).get("w#0.left.sigma");
        assertTrue(sigma.get(1) > 0 && sigma.get(2) == 0 && sigma.get(3) == 0, sigma.toString());
        DMatrixRMaj u = inspect(drop).get("w#0.left.U");
        assertEquals(0.0, NormOps_DDRM.normF(CommonOps_DDRM.extract(u, 0, n, 2, 4)), 0.0);

        DMatrixRMaj outside = rows(r, n, 5, 4, 8); // orthogonal to every held direction
        DMatrixRMaj scaled = new DMatrixRMaj(n, 5);
        DMatrixRMaj dropped = new DMatrixRMaj(n, 5);
        scale.apply(outside, scaled);
        drop.apply(outside, dropped);
        assertEquals(0.0, NormOps_DDRM.normF(dropped), 0.0, "the complement is dropped");
        // SCALE: (ρ + ε)^(−1/4)·X with ρ = 0, ε = 1e-7·σ₁².
        double c = Math.pow(1e-7 * sigma.get(0) * sigma.get(0), -0.25);
        DMatrixRMaj expected = outside.copy();
        CommonOps_DDRM.scale(c, expected);
        assertTrue(relative(expected, scaled) < 1e-12, "scaled by ε^(−1/4): " + relative(expected, scaled));

        DMatrixRMaj inside = rows(r, n, 5, 0, 2); // in the span of the held directions: both rules agree
        scale.apply(inside, scaled);
        drop.apply(inside, dropped);
        // The complement of an in-span X is only U's fp32 rounding (≲ √n·2⁻²⁴ relative), amplified by c/d₁ ≈ 56.
        assertTrue(relative(scaled, dropped) < 1e-4, "in-span: " + relative(scaled, dropped));
    }

    @Test
    void emptySketchIsIdentityOrZero() {
        DMatrixRMaj g = gaussian(new Random(4), 6, 3);
        DMatrixRMaj out = new DMatrixRMaj(6, 3);
        left(Conventions.qshampoo(), 6, 3).apply(g, out);
        assertArrayEquals(g.data, out.data, 0.0, "L̂₀ = I");
        left(Conventions.qshampoo().withZeroTail(Conventions.ZeroTail.DROP), 6, 3).apply(g, out);
        assertEquals(0.0, NormOps_DDRM.normF(out), 0.0, "nothing held, complement dropped");
    }

    @Test
    void updatePhaseDecidesWhetherStepOneUpdatesTheSketch() {
        for (Conventions.UpdatePhase phase : Conventions.UpdatePhase.values()) {
            ShampooConfig cfg = config(Conventions.qshampoo().withUpdatePhase(phase), 3).toBuilder().intervals(2, 1)
                    .build();
            DenseTensor w = DenseTensor.float64(6, 5);
            ShampooOptimizer opt = ShampooOptimizer.builder(cfg, new Sgd(), 0.1).parameter("w", w).build();
            double[] g = new double[30];
            Random r = new Random(5);
            for (int i = 0; i < g.length; i++) {
                g[i] = r.nextGaussian();
            }
            opt.step(Map.of("w", DenseTensor.wrap(g, 6, 5)));
            double sigma1 = opt.inspect().get("w#0.left.sigma").get(0);
            if (phase == Conventions.UpdatePhase.FIRST_STEP) {
                assertTrue(sigma1 > 0, "tearfree updates at count 0");
            } else {
                assertEquals(0.0, sigma1, 0.0, "k mod T1 = 0: step 1 of T1 = 2 does not update");
            }
        }
    }

    @Test
    void vectorsCountTheRankAsConfigured() {
        int n = 9;
        for (Conventions.SketchRank rank : Conventions.SketchRank.values()) {
            Conventions c = Conventions.qshampoo().withSketchRank(rank);
            DiagonalState s = new SketchyAdaGrad(3, BETA, 1e-7, c, DenseKernels.reference()).newState(n);
            int w = rank == Conventions.SketchRank.KEPT_DIRECTIONS ? 4 : 3;
            // U (n×w), σ (w) and the two escaped masses, in fp32.
            assertEquals(4L * (n * w + w + 2), s.stateBytes().get(StateKind.FP32_STATES), rank.toString());
        }
    }

    @Test
    void vectorsArePreconditionedOrOnlyGrafted() {
        double[] g = {2, -1, 0, 2}; // ‖g‖ = 3
        for (Conventions.SketchyVectors rule : Conventions.SketchyVectors.values()) {
            ShampooConfig cfg = config(Conventions.qshampoo().withSketchyVectors(rule), 3);
            DenseTensor w = DenseTensor.float64(4);
            ShampooOptimizer opt = ShampooOptimizer.builder(cfg, new Sgd(), 1.0).parameter("b", w).build();
            opt.step(Map.of("b", DenseTensor.wrap(g.clone(), 4)));
            double[] moved = {-w.get(0), -w.get(1), -w.get(2), -w.get(3)};
            if (rule == Conventions.SketchyVectors.GRAFTED) {
                assertArrayEquals(g, moved, 0.0, "SGD grafting alone: the gradient itself");
            } else {
                // S-AdaGrad after one step: (g·gᵀ + ε·‖g‖²·I)^(−1/2)·g = g/‖g‖·(1 + ε)^(−1/2), a unit step. U is
                // stored in fp32, so g − U·Uᵀg ≈ √n·2⁻²⁴·‖g‖ survives and is scaled by (ε·‖g‖²)^(−1/2), i.e. by
                // ε^(−1/2) ≈ 3.2e3 relative to the kept direction: ≈ 4e-4 of the step; 1e-3 allows it.
                for (int i = 0; i < 4; i++) {
                    assertEquals(g[i] / 3, moved[i], 1e-3, "S-AdaGrad normalizes the first step");
                }
            }
        }
    }

    private static double relative(DMatrixRMaj ref, DMatrixRMaj x) {
        DMatrixRMaj d = new DMatrixRMaj(ref.numRows, ref.numCols);
        CommonOps_DDRM.subtract(ref, x, d);
        return NormOps_DDRM.normF(d) / NormOps_DDRM.normF(ref);
    }
}
