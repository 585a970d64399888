package io.qshampoo.oracle;

import java.util.Map;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.SymmetricEigen;
import io.qshampoo.shampoo.Conventions;
import io.qshampoo.shampoo.ShampooConfig;

/**
 * κ = (λmax + r)/(λmin + r) of one Kronecker factor's statistic as the reference holds it at a step, with the
 * ridge its root adds: r = ε·λmax for the dense variants (Li et al. Eqs. 6, 12), r = sketchEpsilon·(σ₁² + ρ) for
 * Sketchy. The statistic is read from {@code ShampooOptimizer.inspect()}: L (fp32, vq), C·Cᵀ (cq, cq+ef),
 * the eigenvalue estimates S (eigen4, eigen4+ef), or the sketch's spectrum {σᵢ² + ρ} ∪ {ρ} (sketchy; {σᵢ² : σᵢ > 0} when
 * ρ = 0 and the conventions drop the zero-tail complement). Negative eigenvalues
 * of a dequantized L count as 0. Cost: one symmetric eigendecomposition (dense variants), O(n³).
 */
final class Conditioning {

    private Conditioning() {
    }

    /**
     * κ of the factor whose states are keyed {@code prefix + ".<state>"} (e.g. prefix "w#0.left"), or 1 when the
     * statistic is zero.
     */
    static double of(Map<String, DMatrixRMaj> states, String prefix, ShampooConfig config) {
        return of(states, prefix, config, DenseKernels.reference());
    }

    /**
     * As {@link #of(Map, String, ShampooConfig)}, the Gram product and the eigendecomposition on {@code kernels} (the
     * replay's backend: a whole-model check spends as much here as in the replay's own root refreshes).
     */
    static double of(Map<String, DMatrixRMaj> states, String prefix, ShampooConfig config, DenseKernels kernels) {
        double max;
        double min;
        double ridge;
        switch (config.variant()) {
            case FP32, VQ -> {
                DMatrixRMaj l = states.get(prefix + ".L").copy();
                DMatrixRMaj t = new DMatrixRMaj(l.numRows, l.numCols);
                CommonOps_DDRM.transpose(l, t);
                CommonOps_DDRM.add(0.5, l, 0.5, t, l);
                SymmetricEigen e = SymmetricEigen.of(l, kernels);
                max = e.max();
                min = e.min();
                ridge = config.epsilon() * max;
            }
            case CQ, CQ_EF -> {
                DMatrixRMaj c = states.get(prefix + ".C");
                DMatrixRMaj l = new DMatrixRMaj(c.numRows, c.numRows);
                kernels.multTransB(c, c, l); // a Gram product: exactly symmetric on every backend
                SymmetricEigen e = SymmetricEigen.of(l, kernels);
                max = e.max();
                min = e.min();
                ridge = config.epsilon() * max;
            }
            case EIGEN4, EIGEN4_EF -> {
                DMatrixRMaj s = states.get(prefix + ".S");
                max = CommonOps_DDRM.elementMax(s);
                min = CommonOps_DDRM.elementMin(s);
                ridge = config.epsilon() * max;
            }
            case SKETCHY, SKETCHY4 -> {
                DMatrixRMaj sigma = states.get(prefix + ".sigma");
                double rho = states.get(prefix + ".rho").get(0);
                int n = states.get(prefix + ".U").numRows;
                double top = sigma.getNumElements() == 0 ? 0 : sigma.get(0) * sigma.get(0);
                double low = sigma.getNumElements() == 0 ? 0 : sigma.get(sigma.getNumElements() - 1);
                max = top + rho;
                min = sigma.getNumElements() < n ? rho : low * low + rho;
                if (rho == 0 && config.conventions().zeroTail() == Conventions.ZeroTail.DROP) {
                    // The complement is dropped, so only the held directions (σᵢ > 0) are inverted.
                    double least = top;
                    for (int i = 0; i < sigma.getNumElements(); i++) {
                        least = sigma.get(i) > 0 ? Math.min(least, sigma.get(i) * sigma.get(i)) : least;
                    }
                    min = least;
                }
                ridge = config.epsilon() * max;
            }
            default -> throw new AssertionError(config.variant());
        }
        if (!(max > 0)) {
            return 1;
        }
        return (max + ridge) / (Math.max(min, 0) + ridge);
    }
}
