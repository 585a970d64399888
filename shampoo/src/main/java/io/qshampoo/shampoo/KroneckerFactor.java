package io.qshampoo.shampoo;

import org.ejml.data.DMatrixRMaj;

import io.qshampoo.linalg.DenseKernels;

/**
 * One Kronecker factor of a Shampoo block — L (left, m×m) or R (right, n×n) for an m×n gradient — in
 * the storage of one variant. The block's preconditioned gradient is L̂·G·R̂ (Li et al. Eq. 2, Alg. 1
 * line 15). One implementation per variant: {@link EmaShampooFactor} (fp32 and VQ),
 * {@link CholeskyQuantizedFactor}, {@link EigenQuantizedFactor}, {@link SketchyFactor} (sketchy and sketchy4);
 * {@link #create} builds the one a configuration names. The optimizer, the oracle's trace replay and the
 * experiments all use these classes: each recurrence is implemented once.
 */
public interface KroneckerFactor extends Stateful {

    /** Order of the factor. */
    int order();

    /** Statistics update with this side of gradient g (every T1 steps). */
    void updateStatistics(DMatrixRMaj g);

    /**
     * Recomputes the inverse root from the stored statistic (every T2 steps). On failure the previous
     * root is kept and the failure counted; see {@link RootGuard}.
     *
     * @param step the optimizer step, for messages
     */
    void refreshRoot(long step);

    /**
     * out = L̂·g (LEFT) or g·R̂ (RIGHT), with the current inverse root. Reads the stored state and never changes it
     * (what it caches is derived from the state and not saved): the optimizer undoes a failed steady step without
     * saving the factors.
     */
    void apply(DMatrixRMaj g, DMatrixRMaj out);

    /** Failed root refreshes so far (total, not only consecutive). */
    int rootFailures();

    /**
     * Puts this factor's stored matrices, dequantized to float64, into {@code out} under
     * {@code prefix + "." + name}: the statistic ("L", or its factor "C" and error "E", or eigenvectors
     * "V" and eigenvalues "S" as an n×1 matrix with, under error feedback, the error's coordinates "A" (skew n×n), or
     * the sketch basis "U", singular values "sigma", escaped mass "rho" and, for quantized directions, the bound's
     * quantization term "kappa") and the inverse root "root" where one is stored. For inspection and oracle traces;
     * copies, O(order²).
     */
    void inspect(String prefix, java.util.Map<String, DMatrixRMaj> out);

    /**
     * The statistic the stored state represents now, n×n: D(L̄) (as the root sees it), D(C̄)·D(C̄)ᵀ, V·diag(S)·Vᵀ
     * after the update's Björck steps, or the sketch U·diag(σ²)·Uᵀ. A new matrix; O(order³) at most.
     */
    DMatrixRMaj statistic();

    /**
     * D(stored factor): L (EMA variants), C (Cholesky variants), V (eigenvector variants), all n×n, or the sketch
     * basis U (n×ℓ). A new matrix.
     */
    DMatrixRMaj factor();

    /**
     * The factor a configuration names: EMA (fp32, VQ), Cholesky (CQ, CQ+EF), eigenvector (eigen4, eigen4+ef) or sketch.
     *
     * @param name   tag prefix of its stored records, e.g. {@code "w#0.left"}
     * @param order  n
     * @param side   which side of an m×n gradient it preconditions
     * @param config variant, storage (bits 3/4/8 quantized, 32 fp32, 64 exact), hyper-parameters, conventions
     */
    static KroneckerFactor create(String name, int order, Side side, ShampooConfig config, DenseKernels kernels) {
        return create(name, order, side, config, Backend.of(kernels));
    }

    /** As {@link #create(String, int, Side, ShampooConfig, DenseKernels)}, quantizing with the backend's quantizer. */
    static KroneckerFactor create(String name, int order, Side side, ShampooConfig config, Backend backend) {
        backend.requireCompatible(config);
        return Preconditioners.factor(name, order, side, config, backend);
    }
}
