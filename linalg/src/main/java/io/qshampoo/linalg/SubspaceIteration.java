package io.qshampoo.linalg;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;

/**
 * One step of QR (orthogonal) subspace iteration with Rayleigh-quotient eigenvalues — Wang et al.'s
 * (2024) eigenvector refresh: given the statistic L and the current eigenvector estimate V,
 *
 * <pre>  Q·R = L·V,  V' = Q (columns signed so that diag(R) ≥ 0),  sᵢ = (V'ᵀ·L·V')ᵢᵢ  </pre>
 *
 * The sign convention keeps column i of V' aligned with column i of V when V is already close.
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

    /**
     * One subspace-iteration step.
     *
     * @param l symmetric n×n
     * @param v n×k, 1 ≤ k ≤ n, finite
     */
    public Step step(DMatrixRMaj l, DMatrixRMaj v) {
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
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(n, k);
        if (!qr.decompose(lv.copy())) {
            throw new ArithmeticException("QR decomposition of L·V failed");
        }
        DMatrixRMaj q = qr.getQ(null, true);
        DMatrixRMaj r = qr.getR(null, true);
        for (int j = 0; j < k; j++) {
            if (r.get(j, j) < 0) {
                for (int i = 0; i < n; i++) {
                    q.data[i * k + j] = -q.data[i * k + j];
                }
            }
        }
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
