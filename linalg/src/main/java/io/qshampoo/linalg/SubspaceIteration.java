package io.qshampoo.linalg;

import org.ejml.data.DMatrixRMaj;

/**
 * One step of QR (orthogonal) subspace iteration with Rayleigh-quotient eigenvalues — Wang et al.'s
 * (2024) eigenvector refresh: given the statistic L and the current eigenvector estimate V,
 *
 * <pre>  Q·R = L·V,  V' = Q,  sᵢ = (V'ᵀ·L·V')ᵢᵢ  </pre>
 *
 * The signs of V''s columns follow a {@link QrSignRule}: diag(R) ≥ 0 (the default) keeps column i of V' aligned
 * with column i of V when V is already close; Householder signs are what {@code torch.linalg.qr} returns.
 *
 * <p>Cost for n×n L and n×k V: two products L·V and L·V' (4n²k) and a QR (about 2nk²).
 */
public final class SubspaceIteration {

    /**
     * Refreshed eigenvectors and their Rayleigh-quotient eigenvalue estimates.
     *
     * @param vectors orthonormal columns
     * @param values  sᵢ = vᵢᵀ·L·vᵢ, in the column order of {@code vectors}
     */
    public record Step(DMatrixRMaj vectors, double[] values) {
    }

    private final DenseKernels kernels;

    public SubspaceIteration() {
        this(DenseKernels.reference());
    }

    public SubspaceIteration(DenseKernels kernels) {
        if (kernels == null) {
            throw new IllegalArgumentException("kernels is null; expected a DenseKernels backend");
        }
        this.kernels = kernels;
    }

    /** One subspace-iteration step with diag(R) ≥ 0 ({@link QrSignRule#POSITIVE_DIAGONAL}). */
    public Step step(DMatrixRMaj l, DMatrixRMaj v) {
        return step(l, v, QrSignRule.POSITIVE_DIAGONAL);
    }

    /**
     * One subspace-iteration step.
     *
     * @param l     symmetric n×n
     * @param v     n×k, 1 ≤ k ≤ n, finite
     * @param signs the sign rule of Q's columns ({@link HouseholderQr})
     */
    public Step step(DMatrixRMaj l, DMatrixRMaj v, QrSignRule signs) {
        MatrixChecks.requireSymmetric(l, "statistic");
        MatrixChecks.requireFinite(v, "eigenvectors");
        final int n = l.numRows;
        if (v.numRows != n || v.numCols < 1 || v.numCols > n) {
            throw new IllegalArgumentException("eigenvectors is " + MatrixChecks.shape(v) + "; expected " + n
                    + " x k with 1 <= k <= " + n);
        }
        final int k = v.numCols;
        DMatrixRMaj lv = new DMatrixRMaj(n, k);
        kernels.mult(l, v, lv);
        DMatrixRMaj q = kernels.qr(lv, signs).q();
        DMatrixRMaj lq = new DMatrixRMaj(n, k);
        kernels.mult(l, q, lq);
        double[] values = new double[k];
        for (int j = 0; j < k; j++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += q.data[i * k + j] * lq.data[i * k + j];
            }
            values[j] = s;
        }
        return new Step(q, values);
    }
}
