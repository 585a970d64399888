package io.qshampoo.shampoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;
import org.junit.jupiter.api.Test;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.EigenInverseRoot;
import io.qshampoo.linalg.Ridge;
import io.qshampoo.linalg.SymmetricEigen;

/**
 * What every {@link KroneckerFactor} must satisfy, whatever its variant (EJML's abstract-suite style, Meta's
 * {@code AbstractPreconditionerListTest}): a subclass names the variant; the properties are shared.
 */
abstract class KroneckerFactorContract {

    /** Unit roundoff of float64. */
    static final double U = 0x1p-53;
    static final int M = 6;
    static final int N = 5;
    static final double EPS = 1e-12;
    static final double BETA = 0.95;

    /** The variant under test, with T1 = T2 = 1. */
    protected abstract Variant variant();

    /** Whether its root at exact storage (bits = 64) is the EMA root (Li Eq. 2): not for one-QR-step eigen, or FD. */
    protected boolean rootIsTheEmaRootAtFullPrecision() {
        return true;
    }

    /** The storage bit widths the variant has: fp32 is 32 or 64, vq quantizes, a sketch is fp32 or quantized. */
    int[] storageBits() {
        return switch (variant()) {
            case FP32 -> new int[] {32, 64};
            case VQ -> new int[] {4};
            case SKETCHY -> new int[] {32};
            case SKETCHY4 -> new int[] {4};
            default -> new int[] {4, 32, 64};
        };
    }

    ShampooConfig config(int bits) {
        ShampooConfig.Builder b = ShampooConfig.builder().variant(variant()).intervals(1, 1).bits(bits)
                .minQuantizedElements(0).layout(io.qshampoo.quant.BlockLayout.rowSegments(32)).epsilon(EPS).beta(BETA);
        return (variant().sketched() ? b.sketchRank(8) : b).build();
    }

    KroneckerFactor factor(Side side, int bits) {
        return KroneckerFactor.create("f", side == Side.LEFT ? M : N, side, config(bits), DenseKernels.reference());
    }

    /** Gaussian M×N gradients: full-rank G·Gᵀ (M > N: the left statistic is rank-deficient until two steps). */
    static DMatrixRMaj[] gradients(int steps, long seed) {
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

    static DMatrixRMaj applied(KroneckerFactor f, DMatrixRMaj g) {
        DMatrixRMaj out = new DMatrixRMaj(g.numRows, g.numCols);
        f.apply(g, out);
        return out;
    }

    @Test
    void startsAsTheIdentity() {
        for (Side side : Side.values()) {
            for (int bits : storageBits()) {
                DMatrixRMaj g = gradients(1, 1)[0];
                // L̂₀ = I (Li Alg. 1): the first direction is G itself, exactly
                assertArrayEquals(g.data, applied(factor(side, bits), g).data, 0.0, variant() + " " + side + " " + bits);
            }
        }
    }

    @Test
    void saveAndRestoreContinueBitForBit() throws Exception {
        for (int bits : storageBits()) {
            DMatrixRMaj[] gs = gradients(8, 2);
            KroneckerFactor a = factor(Side.LEFT, bits);
            for (int t = 0; t < 4; t++) {
                a.updateStatistics(gs[t]);
                a.refreshRoot(t + 1);
            }
            StateOutput out = new StateOutput();
            a.save(out);
            KroneckerFactor b = factor(Side.LEFT, bits);
            b.restore(new StateInput(out.toByteArray(), "saved factor"));
            for (int t = 4; t < gs.length; t++) {
                a.updateStatistics(gs[t]);
                a.refreshRoot(t + 1);
                b.updateStatistics(gs[t]);
                b.refreshRoot(t + 1);
                String where = variant() + " at " + bits + " bits, step " + (t + 1);
                assertArrayEquals(applied(a, gs[t]).data, applied(b, gs[t]).data, 0.0, where);
                assertArrayEquals(a.statistic().data, b.statistic().data, 0.0, where);
            }
        }
    }

    @Test
    void atFullPrecisionTheRootIsTheEmaRoot() {
        assumeTrue(rootIsTheEmaRootAtFullPrecision(), variant() + " does not compute the EMA root by design");
        DMatrixRMaj[] gs = gradients(10, 3);
        for (Side side : Side.values()) {
            KroneckerFactor f = factor(side, 64);
            int n = side == Side.LEFT ? M : N;
            DMatrixRMaj l = CommonOps_DDRM.identity(n);
            CommonOps_DDRM.scale(EPS, l);
            for (int t = 0; t < gs.length; t++) {
                f.updateStatistics(gs[t]);
                f.refreshRoot(t + 1);
                DMatrixRMaj gram = new DMatrixRMaj(n, n);
                if (side == Side.LEFT) {
                    CommonOps_DDRM.multTransB(gs[t], gs[t], gram);
                } else {
                    CommonOps_DDRM.multTransA(gs[t], gs[t], gram);
                }
                CommonOps_DDRM.add(BETA, l, 1 - BETA, gram, l); // Li Eq. 2 in float64
                if (t < 1) {
                    continue; // the M×M left statistic has rank N < M after one step: κ ≈ 1/ε, nothing to compare
                }
                DMatrixRMaj x = new EigenInverseRoot(Ridge.relative(EPS)).compute(l, 4).root();
                SymmetricEigen e = SymmetricEigen.of(l);
                double kappa = e.max() / e.min();
                // Rounding: both roots are backward stable in float64, relative error ≲ n·κ·u each (Higham ch. 19,
                // with a factor 10 of slack). CQ's statistic exceeds Eq. 2's by at most ε·Σβⁱ = ε/(1 − β) times I
                // (Li Eq. 7's shift), which moves the root by ≤ ε/((1 − β)·p·λmin) relative (the derivative of
                // x^(−1/4) at λmin); the other variants have no shift and the term only loosens their bound.
                double tol = 20 * n * kappa * U + 2 * EPS / ((1 - BETA) * 4 * e.min());
                DMatrixRMaj expected = side == Side.LEFT ? mult(x, gs[t]) : mult(gs[t], x);
                DMatrixRMaj actual = applied(f, gs[t]);
                double rel = relative(expected, actual);
                int step = t + 1;
                assertTrue(rel <= tol, () -> variant() + " " + side + " step " + step + ": " + rel + " > " + tol);
            }
        }
    }

    @Test
    void neverPreconditioningIsGraftingAndTheBaseOptimizer() {
        // startStep beyond the run: Alg. 1 applies the grafted direction (‖G‖_F-grafting: G itself) to SGD, whatever
        // the preconditioner computes meanwhile — a test of the optimizer's gating, per variant (Meta's grafting test).
        DMatrixRMaj[] gs = gradients(6, 4);
        ShampooConfig cfg = config(storageBits()[0]).toBuilder().startStep(1_000).build();
        DenseTensor w = DenseTensor.float64(M, N);
        ShampooOptimizer opt = ShampooOptimizer.builder(cfg, new Sgd(0.9, false, 0.01), 0.1).parameter("w", w).build();
        DenseTensor v = DenseTensor.float64(M, N);
        ParameterUpdate sgd = new Sgd(0.9, false, 0.01).newState(M * N);
        for (int t = 0; t < gs.length; t++) {
            opt.step(Map.of("w", DenseTensor.wrap(gs[t].data.clone(), M, N)));
            sgd.apply(v, gs[t].data.clone(), t + 1, 0.1);
            assertArrayEquals(v.float64Data(), w.float64Data(), 0.0, variant() + " step " + (t + 1));
        }
    }

    static DMatrixRMaj mult(DMatrixRMaj a, DMatrixRMaj b) {
        DMatrixRMaj c = new DMatrixRMaj(a.numRows, b.numCols);
        CommonOps_DDRM.mult(a, b, c);
        return c;
    }

    static double relative(DMatrixRMaj expected, DMatrixRMaj actual) {
        DMatrixRMaj d = actual.copy();
        CommonOps_DDRM.subtractEquals(d, expected);
        return NormOps_DDRM.normF(d) / NormOps_DDRM.normF(expected);
    }
}
