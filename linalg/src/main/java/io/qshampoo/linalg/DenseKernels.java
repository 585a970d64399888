package io.qshampoo.linalg;

import org.ejml.data.DMatrixRMaj;

/**
 * The backend seam: the few dense kernels that dominate a Shampoo step. Everything else in qshampoo
 * is written against this interface, so a faster CPU backend (SIMD, native BLAS) or a GPU one is a
 * single switch. {@link EjmlKernels} is the float64 reference.
 *
 * <p>Implementations validate nothing: callers have already checked shapes and finiteness.
 */
public interface DenseKernels {

    /** c = a·b. Cost O(m·k·n). {@code c} must not alias {@code a} or {@code b}. */
    void mult(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c);

    /** c = aᵀ·b. Cost O(m·k·n). */
    void multTransA(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c);

    /** c = a·bᵀ. Cost O(m·k·n). */
    void multTransB(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c);

    /**
     * Lower Cholesky factor C of a symmetric positive definite matrix, C·Cᵀ = a. Cost n³/3 flops.
     *
     * @return a new lower-triangular matrix (zeros above the diagonal), or {@code null} when a pivot
     *         is not positive
     */
    DMatrixRMaj choleskyLower(DMatrixRMaj a);

    /** Symmetric eigendecomposition, eigenvalues descending. Cost about 9n³ flops. */
    SymmetricEigen symmetricEigen(DMatrixRMaj a);

    /** Thin SVD (left vectors and singular values, descending) of an m×k matrix. Cost O(m·k·min(m,k)). */
    ThinSvd thinSvd(DMatrixRMaj m);

    /** The float64 EJML reference kernels. */
    static DenseKernels reference() {
        return EjmlKernels.INSTANCE;
    }
}
