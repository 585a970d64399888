package io.qshampoo.verify.experiments;

import org.ejml.data.DMatrixRMaj;

/**
 * One Kronecker factor of one preconditioner variant, run step by step on a stream of gradient Gram matrices
 * G·Gᵀ (T1 = 1): the per-step recurrences of Li et al. (Eqs. 5, 7, 8, 10, 11) and Wang et al. (eigenvector
 * update), written out with linalg and quant exactly as the optimizer's factor classes do (same operations in
 * the same order, so the stored state is bit-identical to {@code ShampooOptimizer}'s — a test checks this).
 */
interface TrackedFactor {

    /** One statistics update with the Gram matrix G·Gᵀ of this step's gradient. */
    void update(DMatrixRMaj gram);

    /** The statistic L̂ the stored state represents now (symmetric n×n). */
    DMatrixRMaj statistic();

    /** D(stored factor): the dequantized L (EMA variants), C (Cholesky variants) or V (eigenvector variants). */
    DMatrixRMaj factor();

    /** The inverse 4th root this variant would compute from its state now (not quantized). */
    DMatrixRMaj root(InverseFourthRoot f);
}
