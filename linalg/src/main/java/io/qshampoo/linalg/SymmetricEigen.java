package io.qshampoo.linalg;

import org.ejml.data.DMatrixRMaj;

/**
 * Eigendecomposition A = V·diag(λ)·Vᵀ of a real symmetric matrix, eigenvalues in descending order.
 *
 * <p>Invariants: {@code values.length == vectors.numRows == vectors.numCols}; column j of
 * {@code vectors} is the unit eigenvector of {@code values[j]}; {@code values[0] ≥ values[1] ≥ …}.
 *
 * @param values  eigenvalues, descending
 * @param vectors orthogonal matrix whose columns are the eigenvectors, in the order of {@code values}
 */
public record SymmetricEigen(double[] values, DMatrixRMaj vectors) {

    /**
     * Eigendecomposition of a symmetric matrix on the reference backend. Cost about 9n³ flops.
     *
     * @throws IllegalArgumentException if a is not square, finite and symmetric
     */
    public static SymmetricEigen of(DMatrixRMaj a) {
        return of(a, DenseKernels.reference());
    }

    /** Eigendecomposition of a symmetric matrix on the given backend. */
    public static SymmetricEigen of(DMatrixRMaj a, DenseKernels kernels) {
        MatrixChecks.requireSymmetric(a, "matrix");
        return kernels.symmetricEigen(a);
    }

    /** Largest eigenvalue λ₁. */
    public double max() {
        return values[0];
    }

    /** Smallest eigenvalue λₙ. */
    public double min() {
        return values[values.length - 1];
    }

    /** Order n of the decomposed matrix. */
    public int order() {
        return values.length;
    }
}
