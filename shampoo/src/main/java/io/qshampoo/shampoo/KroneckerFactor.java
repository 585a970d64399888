package io.qshampoo.shampoo;

import org.ejml.data.DMatrixRMaj;

/**
 * One Kronecker factor of a Shampoo block — L (left, m×m) or R (right, n×n) for an m×n gradient — in
 * the storage of one variant. The block's preconditioned gradient is L̂·G·R̂ (Li et al. Eq. 2, Alg. 1
 * line 15). One implementation per variant: {@link EmaShampooFactor} (fp32 and VQ),
 * {@link CholeskyQuantizedFactor}, {@link EigenQuantizedFactor}, {@link SketchyFactor}.
 */
interface KroneckerFactor extends Stateful {

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

    /** out = L̂·g (LEFT) or g·R̂ (RIGHT), with the current inverse root. */
    void apply(DMatrixRMaj g, DMatrixRMaj out);

    /** Failed root refreshes so far (total, not only consecutive). */
    int rootFailures();

    /**
     * Puts this factor's stored matrices, dequantized to float64, into {@code out} under
     * {@code prefix + "." + name}: the statistic ("L", or its factor "C" and error "E", or eigenvectors
     * "V" and eigenvalues "S" as an n×1 matrix, or the sketch basis "U" and singular values "sigma") and the
     * inverse root "root" where one is stored. For inspection and oracle traces; copies, O(order²).
     */
    void inspect(String prefix, java.util.Map<String, DMatrixRMaj> out);
}
