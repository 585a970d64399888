package io.qshampoo.linalg;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.ejml.data.DMatrixRMaj;

/**
 * Lower Cholesky factor C of A + ridge·I, so that C·Cᵀ = A + ridge·I (Li et al. 2025, Eq. 7 uses
 * ridge = ε). The factorization is done by the {@link DenseKernels} backend; when it meets a
 * non-positive pivot, the first failing pivot and its value are found (by Commons Math's right-looking
 * factorization, which exposes the Schur-complement pivot) and reported in a
 * {@link NotPositiveDefiniteException}.
 *
 * <p>Cost: n³/3 flops, plus one n×n copy when ridge ≠ 0. The input is never modified.
 */
public final class Cholesky {

    private final DenseKernels kernels;

    /** Cholesky on the float64 reference backend. */
    public Cholesky() {
        this(DenseKernels.reference());
    }

    public Cholesky(DenseKernels kernels) {
        if (kernels == null) {
            throw new IllegalArgumentException("kernels is null; expected a DenseKernels backend");
        }
        this.kernels = kernels;
    }

    /**
     * Lower factor of a symmetric positive definite matrix.
     *
     * @throws IllegalArgumentException     if a is not square, finite and symmetric
     * @throws NotPositiveDefiniteException if a pivot is not positive
     */
    public DMatrixRMaj lower(DMatrixRMaj a) {
        return lower(a, 0.0);
    }

    /**
     * Lower factor C with C·Cᵀ = a + ridge·I.
     *
     * @param ridge finite, ≥ 0
     * @throws IllegalArgumentException     if a is not square, finite and symmetric, or ridge is negative
     * @throws NotPositiveDefiniteException if a + ridge·I has a non-positive pivot
     */
    public DMatrixRMaj lower(DMatrixRMaj a, double ridge) {
        MatrixChecks.requireSymmetric(a, "matrix");
        MatrixChecks.requireNonNegative(ridge, "ridge");
        DMatrixRMaj shifted = a;
        if (ridge != 0) {
            shifted = a.copy();
            addToDiagonal(shifted, ridge);
        }
        DMatrixRMaj c = kernels.choleskyLower(shifted);
        if (c == null) {
            throw diagnose(shifted, ridge);
        }
        return c;
    }

    /** a ← a + s·I, in place. Cost O(n). */
    static void addToDiagonal(DMatrixRMaj a, double s) {
        for (int i = 0; i < a.numRows; i++) {
            a.data[i * a.numCols + i] += s;
        }
    }

    /** Finds the first non-positive Schur-complement pivot of a failed factorization. Error path only. */
    private static NotPositiveDefiniteException diagnose(DMatrixRMaj shifted, double ridge) {
        final int n = shifted.numRows;
        double[][] rows = new double[n][n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(shifted.data, i * n, rows[i], 0, n);
        }
        try {
            // Symmetry has been checked already (relative threshold 1 accepts anything finite here).
            CholeskyDecomposition cm = new CholeskyDecomposition(new Array2DRowRealMatrix(rows, false), 1.0, 0.0);
            // Both factorizations agree in exact arithmetic; at the rounding borderline the backend may fail
            // where Commons Math does not: report the smallest pivot C_ii² it found.
            double[][] l = cm.getL().getData();
            int worst = 0;
            for (int i = 1; i < n; i++) {
                if (l[i][i] < l[worst][worst]) {
                    worst = i;
                }
            }
            return NotPositiveDefiniteException.choleskyPivot("matrix", worst, l[worst][worst] * l[worst][worst], ridge);
        } catch (NonPositiveDefiniteMatrixException e) {
            return NotPositiveDefiniteException.choleskyPivot("matrix", e.getRow(), e.getArgument().doubleValue(), ridge);
        }
    }
}
