package io.qshampoo.linalg;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;
import org.ejml.dense.row.decomposition.eig.SymmetricQRAlgorithmDecomposition_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * {@link DenseKernels} on EJML's row-major float64 dense routines: the reference backend.
 * Stateless and thread-safe (a fresh EJML decomposition object per call).
 */
final class EjmlKernels implements DenseKernels {

    static final EjmlKernels INSTANCE = new EjmlKernels();

    private EjmlKernels() {
    }

    @Override
    public void mult(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        CommonOps_DDRM.mult(a, b, c);
    }

    @Override
    public void multTransA(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        CommonOps_DDRM.multTransA(a, b, c);
    }

    @Override
    public void multTransB(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        CommonOps_DDRM.multTransB(a, b, c);
    }

    @Override
    public DMatrixRMaj choleskyLower(DMatrixRMaj a) {
        CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(a.numRows, true);
        DMatrixRMaj work = chol.inputModified() ? a.copy() : a;
        if (!chol.decompose(work)) {
            return null;
        }
        DMatrixRMaj lower = chol.getT(null);
        // EJML may leave the input's upper triangle in the returned storage; the contract is zeros above.
        for (int i = 0; i < lower.numRows; i++) {
            Arrays.fill(lower.data, i * lower.numCols + i + 1, (i + 1) * lower.numCols, 0.0);
        }
        return lower;
    }

    /**
     * QR-iteration budgets of the symmetric eigensolver. EJML's default cap gives up on matrices with a few
     * hugely degenerate eigenvalue clusters (e.g. the papers' A = U·diag(1 ×600, 1e-4 ×600)·Uᵀ); the same
     * algorithm converges with a larger cap, and where the default converges the cap is never reached, so the
     * result is unchanged.
     */
    private static final int[] EIGEN_ITERATION_BUDGETS = {1000, 20000};

    @Override
    public SymmetricEigen symmetricEigen(DMatrixRMaj a) {
        final int n = a.numRows;
        for (int budget : EIGEN_ITERATION_BUDGETS) {
            SymmetricQRAlgorithmDecomposition_DDRM eig =
                    new SymmetricQRAlgorithmDecomposition_DDRM(DecompositionFactory_DDRM.tridiagonal(n), true);
            eig.setMaxIterations(budget);
            if (!eig.decompose(a.copy())) {
                continue;
            }
            double[] raw = new double[n];
            for (int i = 0; i < n; i++) {
                raw[i] = eig.getEigenvalue(i).real;
            }
            Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.comparingDouble((Integer i) -> raw[i]).reversed());
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
        throw new ArithmeticException("EJML symmetric eigendecomposition did not converge for a " + n + "x" + n
                + " matrix, even with " + EIGEN_ITERATION_BUDGETS[EIGEN_ITERATION_BUDGETS.length - 1] + " QR iterations");
    }

    @Override
    public ThinSvd thinSvd(DMatrixRMaj m) {
        final int rows = m.numRows;
        final int r = Math.min(rows, m.numCols);
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(rows, m.numCols, true, false,
                true);
        if (!svd.decompose(svd.inputModified() ? m.copy() : m)) {
            throw new ArithmeticException("EJML SVD did not converge for a " + rows + "x" + m.numCols + " matrix");
        }
        double[] raw = svd.getSingularValues();
        DMatrixRMaj u = svd.getU(null, false);
        Integer[] order = IntStream.range(0, r).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> raw[i]).reversed());
        double[] sigma = new double[r];
        DMatrixRMaj sorted = new DMatrixRMaj(rows, r);
        for (int j = 0; j < r; j++) {
            sigma[j] = raw[order[j]];
            int src = order[j];
            for (int i = 0; i < rows; i++) {
                sorted.data[i * r + j] = u.get(i, src);
            }
        }
        return new ThinSvd(sorted, sigma);
    }
}
