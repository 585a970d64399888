package io.qshampoo.shampoo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;
import org.junit.jupiter.api.Test;

import io.qshampoo.linalg.EigenInverseRoot;
import io.qshampoo.linalg.Kronecker;
import io.qshampoo.linalg.Ridge;
import io.qshampoo.linalg.SymmetricEigen;

/**
 * The variants against each other and against explicit full-matrix preconditioning, on small matrix
 * parameters where every state is exact enough to compare.
 */
class ShampooEquivalenceTest {

    private static final double U32 = 0x1p-24;
    // Square blocks: a single Gaussian G gives full-rank G·Gᵀ and Gᵀ·G, so every statistic is
    // positive definite from the first step and κ stays moderate.
    private static final int M = 4;
    private static final int N = 4;
    private static final double LR = 0.1;

    /** A fixed stream of well-spread gradients. */
    private static DMatrixRMaj[] gradients(int steps, long seed) {
        Random rnd = new Random(seed);
        DMatrixRMaj[] gs = new DMatrixRMaj[steps];
        for (int t = 0; t < steps; t++) {
            gs[t] = new DMatrixRMaj(M, N);
            for (int k = 0; k < M * N; k++) {
                gs[t].data[k] = rnd.nextGaussian();
            }
        }
        return gs;
    }

    /** Runs one optimizer over the stream; returns the parameter after every step. */
    private static DMatrixRMaj[] run(ShampooConfig config, DMatrixRMaj[] gs) {
        DenseTensor w = DenseTensor.float64(M, N);
        ShampooOptimizer opt = ShampooOptimizer.builder(config, new Sgd(), LR).parameter("w", w).build();
        DMatrixRMaj[] trace = new DMatrixRMaj[gs.length];
        for (int t = 0; t < gs.length; t++) {
            opt.step(Map.of("w", DenseTensor.wrap(gs[t].data.clone(), M, N)));
            trace[t] = DMatrixRMaj.wrap(M, N, w.float64Data().clone());
        }
        return trace;
    }

    private static ShampooConfig.Builder exactEvery(Variant v) {
        return ShampooConfig.builder().variant(v).intervals(1, 1).bits(32).rootMethod(RootMethod.EIGEN);
    }

    private static double relative(DMatrixRMaj expected, DMatrixRMaj actual) {
        DMatrixRMaj d = actual.copy();
        CommonOps_DDRM.subtractEquals(d, expected);
        return NormOps_DDRM.normF(d) / NormOps_DDRM.normF(expected);
    }

    @Test
    void fp32ShampooEqualsFullMatrixPreconditioningWithTheKroneckerProduct() {
        ShampooConfig config = exactEvery(Variant.FP32).build();
        DMatrixRMaj[] gs = gradients(12, 1);
        DMatrixRMaj[] trace = run(config, gs);

        // Independent float64 reference: L, R by Li Eq. (2), roots by the eigen method, and the
        // preconditioned gradient as (R̂ ⊗ L̂)·vec(G) (Li Eq. 14–15), grafted to ‖G‖_F (SGD grafting).
        double beta = config.beta();
        double eps = config.epsilon();
        DMatrixRMaj l = CommonOps_DDRM.identity(M);
        CommonOps_DDRM.scale(eps, l);
        DMatrixRMaj r = CommonOps_DDRM.identity(N);
        CommonOps_DDRM.scale(eps, r);
        DMatrixRMaj w = new DMatrixRMaj(M, N);
        EigenInverseRoot root = new EigenInverseRoot(Ridge.relative(eps));
        for (int t = 0; t < gs.length; t++) {
            DMatrixRMaj g = gs[t];
            DMatrixRMaj ggt = new DMatrixRMaj(M, M);
            CommonOps_DDRM.multTransB(g, g, ggt);
            CommonOps_DDRM.add(beta, l, 1 - beta, ggt, l);
            DMatrixRMaj gtg = new DMatrixRMaj(N, N);
            CommonOps_DDRM.multTransA(g, g, gtg);
            CommonOps_DDRM.add(beta, r, 1 - beta, gtg, r);
            DMatrixRMaj lr = root.compute(l, 4).root();
            DMatrixRMaj rr = root.compute(r, 4).root();
            DMatrixRMaj vecP = new DMatrixRMaj(M * N, 1);
            CommonOps_DDRM.mult(Kronecker.kron(CommonOps_DDRM.transpose(rr, null), lr), Kronecker.vec(g), vecP);
            DMatrixRMaj p = Kronecker.unvec(vecP, M, N);
            CommonOps_DDRM.scale(NormOps_DDRM.normF(g) / NormOps_DDRM.normF(p), p);
            CommonOps_DDRM.addEquals(w, -LR, p);

            // The optimizer stores L, R and the roots in fp32. A relative perturbation δ ≤ u₃₂ of the
            // statistic's entries moves its root by ≲ κ·δ/4 in relative terms (κ = λmax/λmin of the
            // ridged statistic), twice (L and R), plus the fp32 rounding of the roots themselves; the
            // parameter accumulates these over t steps of size LR·‖G‖.
            double kappa = Math.max(condition(l, eps), condition(r, eps));
            double tol = (t + 1) * 4 * (kappa / 4 + 2) * U32;
            double rel = relative(w, trace[t]);
            int step = t + 1;
            assertTrue(rel <= tol, () -> "step " + step + ": relative difference " + rel + " > " + tol);
        }
    }

    private static double condition(DMatrixRMaj a, double eps) {
        SymmetricEigen e = SymmetricEigen.of(a);
        double ridge = eps * e.max();
        return (e.max() + ridge) / (e.min() + ridge);
    }

    @Test
    void choleskyQuantizationWithErrorFeedbackAt32BitsEqualsFp32Shampoo() {
        DMatrixRMaj[] gs = gradients(12, 2);
        // ε = 1e-10: CQ adds ε·I at every Cholesky (Li Eq. 7), so its statistic exceeds Eq. (2)'s by at most
        // ε/(1 − β)·I = 2e-9·I, and the error state only carries fp32 rounding of C (≤ u₃₂·|C|).
        double eps = 1e-10;
        DMatrixRMaj[] fp32 = run(exactEvery(Variant.FP32).epsilon(eps).build(), gs);
        DMatrixRMaj[] cqef = run(exactEvery(Variant.CQ_EF).epsilon(eps).build(), gs);
        double[] kappa = conditionNumbers(gs, eps, 0.95);
        for (int t = 0; t < gs.length; t++) {
            // Both sides store fp32 states: each root is off by ≲ (κ/4 + 2)·u₃₂ relative (as in the test
            // above), the shift by ≲ κ·2e-9/(4·λmax) — negligible; differences accumulate over steps.
            double tol = (t + 1) * 8 * (kappa[t] / 4 + 2) * U32;
            double rel = relative(fp32[t], cqef[t]);
            int step = t + 1;
            assertTrue(rel <= tol, () -> "step " + step + ": " + rel + " > " + tol);
        }
    }

    /** κ of the ridged statistics L and R (the worse of the two) after each step, in float64. */
    private static double[] conditionNumbers(DMatrixRMaj[] gs, double eps, double beta) {
        DMatrixRMaj l = CommonOps_DDRM.identity(M);
        CommonOps_DDRM.scale(eps, l);
        DMatrixRMaj r = CommonOps_DDRM.identity(N);
        CommonOps_DDRM.scale(eps, r);
        double[] kappa = new double[gs.length];
        for (int t = 0; t < gs.length; t++) {
            DMatrixRMaj ggt = new DMatrixRMaj(M, M);
            CommonOps_DDRM.multTransB(gs[t], gs[t], ggt);
            CommonOps_DDRM.add(beta, l, 1 - beta, ggt, l);
            DMatrixRMaj gtg = new DMatrixRMaj(N, N);
            CommonOps_DDRM.multTransA(gs[t], gs[t], gtg);
            CommonOps_DDRM.add(beta, r, 1 - beta, gtg, r);
            kappa[t] = Math.max(condition(l, eps), condition(r, eps));
        }
        return kappa;
    }

    @Test
    void sketchyAtFullRankEqualsShampoo() {
        DMatrixRMaj[] gs = gradients(12, 3);
        double eps = 1e-12;
        double sketchEps = 1e-7;
        DMatrixRMaj[] shampoo = run(exactEvery(Variant.FP32).epsilon(eps).build(), gs);
        // ℓ > n: the sketch is exact. Obs. 6 sums β^(T−t)·G·Gᵀ without the (1 − β) weight of Eq. (2): the
        // statistic differs by that constant factor (and Shampoo's β^T·ε·I start, negligible at ε = 1e-12),
        // which the relative ridges and the grafting to ‖G‖_F cancel.
        DMatrixRMaj[] sketchy = run(ShampooConfig.builder().variant(Variant.SKETCHY).intervals(1, 1).sketchRank(8)
                .beta(0.95).epsilon(sketchEps).build(), gs);
        double[] kappa = conditionNumbers(gs, eps, 0.95);
        for (int t = 0; t < gs.length; t++) {
            // (1) fp32 states on both sides: (κ/4 + 2)·u₃₂ per root, as above, accumulated over the steps;
            // (2) the ridges differ (1e-12 vs 1e-7 relative): root change ≲ 1e-7·κ/4;
            // (3) the factored form c·X + U·diag(d − c)·UᵀX cancels at full rank, where I − UUᵀ is only fp32
            //     rounding (≲ 2·√n·u₃₂) amplified by c/d ≤ (1 + 1/ε_rel)^(1/4).
            double fp32 = (t + 1) * 8 * (kappa[t] / 4 + 2) * U32;
            double ridge = sketchEps * kappa[t] / 4;
            double cancellation = (t + 1) * 4 * Math.sqrt(N) * U32 * Math.pow(1 + 1 / sketchEps, 0.25);
            double tol = fp32 + ridge + cancellation;
            double rel = relative(shampoo[t], sketchy[t]);
            int step = t + 1;
            assertTrue(rel <= tol, () -> "step " + step + ": " + rel + " > " + tol);
        }
    }
}
