package io.qshampoo.verify.experiments;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.decomposition.eig.SymmetricQRAlgorithmDecomposition_DDRM;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.SymmetricEigen;

/**
 * Symmetric eigendecomposition for the experiments: the reference kernels first, and when they give up, EJML's
 * symmetric QR algorithm again with a larger iteration budget.
 *
 * <p>Why: EJML's symmetric QR algorithm stops after a fixed number of iterations, and on matrices with a few
 * hugely degenerate eigenvalue clusters — exactly the papers' synthetic A = U·diag(1 ×600, 1e-4 ×600)·Uᵀ at
 * n = 1200 — it reports non-convergence ({@code DenseKernels.reference().symmetricEigen} throws). With
 * {@code setMaxIterations(1000)} the same algorithm converges (measured: about 5 s at n = 1200). A result that
 * converged is as accurate either way (backward stable QR iterations); only the cap differs.
 */
final class Eigen {

    private static final int[] BUDGETS = {1000, 20000};

    private Eigen() {
    }

    /** Eigenvalues (descending) and orthonormal eigenvectors of a symmetric matrix (not modified). */
    static SymmetricEigen of(DMatrixRMaj sym) {
        try {
            return DenseKernels.reference().symmetricEigen(sym);
        } catch (ArithmeticException e) {
            return patient(sym);
        }
    }

    /** The same algorithm with a larger iteration budget. */
    static SymmetricEigen patient(DMatrixRMaj sym) {
        final int n = sym.numRows;
        for (int budget : BUDGETS) {
            SymmetricQRAlgorithmDecomposition_DDRM eig = new SymmetricQRAlgorithmDecomposition_DDRM(true);
            eig.setMaxIterations(budget);
            if (!eig.decompose(sym.copy())) {
                continue;
            }
            Integer[] order = new Integer[n];
            double[] raw = new double[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
                raw[i] = eig.getEigenvalue(i).real;
            }
            java.util.Arrays.sort(order, (x, y) -> Double.compare(raw[y], raw[x]));
            double[] values = new double[n];
            DMatrixRMaj vectors = new DMatrixRMaj(n, n);
            for (int j = 0; j < n; j++) {
                values[j] = raw[order[j]];
                DMatrixRMaj v = eig.getEigenVector(order[j]);
                for (int i = 0; i < n; i++) {
                    vectors.data[i * n + j] = v.data[i];
                }
            }
            return new SymmetricEigen(values, vectors);
        }
        throw new ArithmeticException("symmetric eigendecomposition did not converge for a " + n + "x" + n
                + " matrix, even with " + BUDGETS[BUDGETS.length - 1] + " QR iterations");
    }
}
