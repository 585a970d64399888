package io.qshampoo.linalg;

import org.ejml.data.DMatrixRMaj;

/**
 * The backend seam: the few dense kernels that dominate a Shampoo step. Everything else in qshampoo
 * is written against this interface, so a faster CPU backend (SIMD, native BLAS) or a GPU one is a
 * single switch. {@link EjmlKernels} is the float64 reference.
 *
 * <p>Implementations validate nothing: callers have already checked shapes and finiteness.
 *
 * <p>Backends: {@link #reference()} (EJML, pure Java, the bit-stable default); {@link #named(String)} and
 * {@link #fromProperty()} select one by name, e.g. {@code openblas} from the optional module
 * {@code qshampoo-linalg-openblas} (see {@link DenseKernelsFactory}).
 */
public interface DenseKernels {

    /** c = a·b. Cost O(m·k·n). {@code c} must not alias {@code a} or {@code b}. */
    void mult(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c);

    /** c = aᵀ·b. Cost O(m·k·n). */
    void multTransA(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c);

    /** c = a·bᵀ. Cost O(m·k·n). */
    void multTransB(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c);

    /**
     * out = a·b·c, evaluated as (a·b)·c: Shampoo's preconditioned gradient L̂·G·R̂ (Li et al. 2025, Alg. 1 line 15)
     * in one call. The default is {@code mult(a, b, work)} then {@code mult(work, c, out)}, so a backend that does
     * not override it computes what those two calls compute, bit for bit (EJML). A native backend may keep a·b in its own memory
     * and leave {@code work} untouched; either way its contents afterwards are unspecified. Cost O(m·k·p + m·p·n)
     * for a m×k, b k×p, c p×n.
     *
     * @param work scratch for a·b (reshaped to m×p); must not be {@code a}, {@code b}, {@code c} or {@code out}
     * @param out  the result, reshaped to m×n; must not be {@code a}, {@code b}, {@code c} or {@code work}
     * @throws IllegalArgumentException if the inner dimensions differ or an output is also an operand
     */
    default void multChain(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c, DMatrixRMaj work, DMatrixRMaj out) {
        requireChain(a, b, c, work, out);
        mult(a, b, work);
        mult(work, c, out);
    }

    /**
     * The argument checks of {@link #multChain}, for backends that override it: the shapes chain, and neither output
     * is an operand or shares the other output's array.
     *
     * @throws IllegalArgumentException otherwise, saying what was found
     */
    static void requireChain(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c, DMatrixRMaj work, DMatrixRMaj out) {
        if (a.numCols != b.numRows || b.numCols != c.numRows) {
            throw new IllegalArgumentException("multChain: a is " + a.numRows + "x" + a.numCols + ", b " + b.numRows
                    + "x" + b.numCols + ", c " + c.numRows + "x" + c.numCols
                    + "; expected a.cols == b.rows and b.cols == c.rows");
        }
        if (work == a || work == b || work == c || out == a || out == b || out == c || out == work
                || (work.data == out.data && work.data.length > 0)) {
            throw new IllegalArgumentException("multChain: work or out is also an operand or shares the other's array;"
                    + " expected separate matrices");
        }
    }

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

    /**
     * Thin QR factorization A = Q·R of an m×k matrix (k ≤ m) with the given sign rule. The default is
     * {@link HouseholderQr} in Java (LAPACK's algorithm and signs); a native backend may call {@code dgeqrf}/{@code
     * dorgqr}, whose signs are {@link QrSignRule#HOUSEHOLDER} by construction. Cost about 4mk² − 4k³/3 flops.
     */
    default HouseholderQr.Result qr(DMatrixRMaj a, QrSignRule signs) {
        return HouseholderQr.factor(a, signs);
    }

    /** Short name of the backend, as {@link #named(String)} accepts it and reports print it (e.g. {@code ejml}). */
    default String name() {
        return getClass().getSimpleName();
    }

    /** Threads one kernel call may use (1 for EJML; the BLAS thread count for a native backend). */
    default int threads() {
        return 1;
    }

    /** The float64 EJML reference kernels. */
    static DenseKernels reference() {
        return EjmlKernels.INSTANCE;
    }

    /**
     * The backend called {@code name} ({@code ejml}, or one a {@link DenseKernelsProvider} on the class path offers,
     * e.g. {@code openblas}); where it cannot load, EJML, with the reason said once on standard error.
     *
     * @throws IllegalArgumentException if no backend has that name
     */
    static DenseKernels named(String name) {
        return DenseKernelsFactory.select(name).kernels();
    }

    /** The backend named by the system property {@value DenseKernelsFactory#PROPERTY}, EJML when it is unset. */
    static DenseKernels fromProperty() {
        return DenseKernelsFactory.fromProperty().kernels();
    }
}
