package io.qshampoo.linalg.openblas;

import static org.bytedeco.openblas.global.openblas.CblasLower;
import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.LAPACK_COL_MAJOR;

import java.util.Arrays;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;
import org.ejml.data.DMatrixRMaj;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.DenseKernelsFactory;
import io.qshampoo.linalg.HouseholderQr;
import io.qshampoo.linalg.QrSignRule;
import io.qshampoo.linalg.SymmetricEigen;
import io.qshampoo.linalg.ThinSvd;

/**
 * {@link DenseKernels} on native OpenBLAS with its LAPACK (org.bytedeco:openblas, the library inside the jar for the
 * build machine's platform, nothing installed on the system), float64. Results agree with EJML's to rounding
 * (differences of order n·u·‖A‖, and they vary with the CPU's core type and the thread count), so EJML stays the
 * bit-stable reference for golden tests. One exception: for a repeated eigenvalue any orthonormal basis of its
 * eigenspace is a correct answer, and LAPACK and EJML return different ones.
 *
 * <h2>What each kernel calls</h2>
 * <ul>
 *   <li>{@code mult}, {@code multTransA}, {@code multTransB}: {@code cblas_dgemm} in row-major order; a Gram product
 *       ({@code multTransB(a, a, c)} = A·Aᵀ, {@code multTransA(a, a, c)} = AᵀA) is {@code cblas_dsyrk} (half the
 *       flops) with its lower triangle mirrored, so it is exactly symmetric;</li>
 *   <li>{@code multChain} (L̂·G·R̂): two {@code cblas_dgemm} calls with the intermediate kept in native memory;</li>
 *   <li>{@code choleskyLower}: {@code LAPACKE_dpotrf_work}. A symmetric row-major array read column-major is the
 *       same matrix, so no transpose: the column-major upper factor U (UᵀU = A) read row-major is the lower
 *       factor L = Uᵀ;</li>
 *   <li>{@code symmetricEigen}: {@code LAPACKE_dsyevr_work} (MRRR, scipy's default driver), then one tiled in-place
 *       transpose that also reverses LAPACK's ascending order;</li>
 *   <li>{@code thinSvd}: {@code LAPACKE_dgesdd_work} (scipy's default) on a tall matrix: a wide M's row-major array
 *       read column-major is the tall Mᵀ = V·Σ·Uᵀ, whose {@code VT} output read row-major is M's U; a tall M is
 *       transposed in and its U out (two O(m·k) copies).</li>
 * </ul>
 * All LAPACK calls use the {@code _work} variants with workspaces queried once per call ({@code lwork = -1}) and
 * kept per thread ({@link NativeWorkspace}); operands travel by one bulk copy each way. Cost: the library's
 * (n³-order, see {@link DenseKernels}) plus 2–3 copies of n² doubles.
 *
 * <h2>Threads</h2>
 * One OpenBLAS thread by default (system property {@value #THREADS_PROPERTY} changes it): on a loaded machine
 * multi-threaded OpenBLAS can collapse (a 256×256 {@code potrf} was measured at 550 ms instead of 0.6 ms with 2
 * threads on a busy 2-core VM). Parallelism belongs to the caller (one BLAS thread per worker). Thread-safe.
 *
 * <p>Shapes are checked (a wrong shape would read native memory out of bounds); values are not.
 */
public final class OpenBlasKernels implements DenseKernels {

    /** System property: OpenBLAS threads per call, a positive integer; 1 when unset. */
    public static final String THREADS_PROPERTY = "qshampoo.openblas.threads";

    private static volatile OpenBlasKernels instance;

    private final int threads;

    private OpenBlasKernels(int threads) {
        this.threads = threads;
    }

    /**
     * Loads the native library (once per JVM) and returns the kernels.
     *
     * @throws UnsatisfiedLinkError     if the library does not load on this OS/arch
     * @throws IllegalArgumentException if {@value #THREADS_PROPERTY} is not a positive integer
     */
    public static OpenBlasKernels open() {
        OpenBlasKernels k = instance;
        if (k == null) {
            synchronized (OpenBlasKernels.class) {
                k = instance;
                if (k == null) {
                    int threads = threadsFromProperty();
                    Loader.load(openblas.class);
                    openblas.blas_set_num_threads(threads);
                    k = new OpenBlasKernels(openblas.blas_get_num_threads());
                    instance = k;
                }
            }
        }
        return k;
    }

    private static int threadsFromProperty() {
        String value = System.getProperty(THREADS_PROPERTY);
        if (value == null || value.isBlank()) {
            return 1;
        }
        try {
            int t = Integer.parseInt(value.trim());
            if (t >= 1) {
                return t;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(THREADS_PROPERTY + " is '" + value + "'; expected a positive integer");
    }

    @Override
    public String name() {
        return DenseKernelsFactory.OPENBLAS;
    }

    @Override
    public int threads() {
        return threads;
    }

    @Override
    public String toString() {
        return "openblas (" + openblas.OPENBLAS_VERSION.trim() + ", " + threads + (threads == 1 ? " thread)" : " threads)");
    }

    // ------------------------------------------------------------------------------------------ products

    @Override
    public void mult(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        gemm(false, false, a, b, c);
    }

    @Override
    public void multTransA(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        if (a == b) {
            gram(true, a, c);
        } else {
            gemm(true, false, a, b, c);
        }
    }

    @Override
    public void multTransB(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        if (a == b) {
            gram(false, a, c);
        } else {
            gemm(false, true, a, b, c);
        }
    }

    /** c = op(a)·op(b), row-major {@code cblas_dgemm}. */
    private static void gemm(boolean transA, boolean transB, DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        final int m = transA ? a.numCols : a.numRows;
        final int k = transA ? a.numRows : a.numCols;
        final int kb = transB ? b.numCols : b.numRows;
        final int n = transB ? b.numRows : b.numCols;
        if (k != kb) {
            throw new IllegalArgumentException("inner dimensions differ: op(a) is " + m + "x" + k + ", op(b) is "
                    + kb + "x" + n + "; expected op(a).cols == op(b).rows");
        }
        requireNotAliased(a, b, c);
        if (nothingToMultiply(c, m, n, k == 0)) {
            return;
        }
        NativeWorkspace w = NativeWorkspace.get();
        DoublePointer pa = w.load(NativeWorkspace.A, a);
        DoublePointer pb = b == a ? pa : w.load(NativeWorkspace.B, b);
        DoublePointer pc = w.doubles(NativeWorkspace.C, (long) m * n);
        openblas.cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                m, n, k, 1.0, pa, a.numCols, pb, b.numCols, 0.0, pc, n);
        pc.get(c.data, 0, m * n);
    }

    /**
     * out = (a·b)·c by two {@code cblas_dgemm} calls with a·b kept in native memory: a, b and c are copied in once and
     * the result out once (four copies of the operands' size, where two {@link #mult} calls make six). The same two
     * library calls on the same values as {@code mult(a, b, work)} then {@code mult(work, c, out)}, so the same result
     * bit for bit; {@code work} is left untouched.
     */
    @Override
    public void multChain(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c, DMatrixRMaj work, DMatrixRMaj out) {
        DenseKernels.requireChain(a, b, c, work, out);
        final int m = a.numRows;
        final int k = a.numCols;
        final int p = b.numCols;
        final int n = c.numCols;
        if (nothingToMultiply(out, m, n, k == 0 || p == 0)) {
            return;
        }
        NativeWorkspace w = NativeWorkspace.get();
        DoublePointer pa = w.load(NativeWorkspace.A, a);
        DoublePointer pb = b == a ? pa : w.load(NativeWorkspace.B, b);
        DoublePointer pab = w.doubles(NativeWorkspace.C, (long) m * p);
        openblas.cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, p, k, 1.0, pa, k, pb, p, 0.0, pab, p);
        // a and b are no longer needed: c goes where a was, the result where b was.
        DoublePointer pc = w.load(NativeWorkspace.A, c);
        DoublePointer pout = w.doubles(NativeWorkspace.B, (long) m * n);
        openblas.cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, p, 1.0, pab, p, pc, n, 0.0, pout, n);
        pout.get(out.data, 0, m * n);
    }

    /** c = AᵀA ({@code transA}) or A·Aᵀ by {@code cblas_dsyrk} into the lower triangle, then mirrored. */
    private static void gram(boolean transA, DMatrixRMaj a, DMatrixRMaj c) {
        final int n = transA ? a.numCols : a.numRows;
        final int k = transA ? a.numRows : a.numCols;
        requireNotAliased(a, a, c);
        if (nothingToMultiply(c, n, n, k == 0)) {
            return;
        }
        NativeWorkspace w = NativeWorkspace.get();
        DoublePointer pa = w.load(NativeWorkspace.A, a);
        DoublePointer pc = w.doubles(NativeWorkspace.C, (long) n * n);
        openblas.cblas_dsyrk(CblasRowMajor, CblasLower, transA ? CblasTrans : CblasNoTrans, n, k, 1.0, pa,
                a.numCols, 0.0, pc, n);
        pc.get(c.data, 0, n * n);
        Layouts.mirrorLowerToUpper(c.data, n);
    }

    /**
     * Shapes {@code out} to m × n and finishes the products the library need not see: true when out is already the
     * result (empty, or all zeros because an inner dimension is 0), false when there is a product to compute.
     */
    private static boolean nothingToMultiply(DMatrixRMaj out, int m, int n, boolean emptyInner) {
        out.reshape(m, n);
        if (m == 0 || n == 0) {
            return true;
        }
        if (emptyInner) {
            Arrays.fill(out.data, 0, m * n, 0.0);
            return true;
        }
        return false;
    }

    private static void requireNotAliased(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        if (c == a || c == b) {
            throw new IllegalArgumentException("the output c is also an operand; expected a separate matrix");
        }
    }

    // ------------------------------------------------------------------------------------------ factorizations

    @Override
    public DMatrixRMaj choleskyLower(DMatrixRMaj a) {
        final int n = requireSquare(a, "Cholesky");
        DMatrixRMaj lower = new DMatrixRMaj(n, n);
        if (n == 0) {
            return lower;
        }
        DoublePointer pa = NativeWorkspace.get().load(NativeWorkspace.A, a);
        int info = openblas.LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, (byte) 'U', n, pa, n);
        if (info > 0) {
            return null; // the leading minor of order info is not positive definite
        }
        check(info, "dpotrf", n);
        // row i's factor entries j ≤ i only: the rest of the native row still holds A, and lower's is already 0
        DoublePointer row = new DoublePointer(pa);
        for (int i = 0; i < n; i++) {
            row.position((long) i * n).get(lower.data, i * n, i + 1);
        }
        return lower;
    }

    @Override
    public SymmetricEigen symmetricEigen(DMatrixRMaj a) {
        final int n = requireSquare(a, "symmetric eigendecomposition");
        if (n == 0) {
            return new SymmetricEigen(new double[0], new DMatrixRMaj(0, 0));
        }
        NativeWorkspace w = NativeWorkspace.get();
        DoublePointer pa = w.load(NativeWorkspace.A, a);
        DoublePointer values = w.doubles(NativeWorkspace.VALUES, n);
        DoublePointer z = w.doubles(NativeWorkspace.VECTORS, (long) n * n);
        IntPointer isuppz = w.ints(NativeWorkspace.ISUPPZ, 2L * n);
        IntPointer found = w.ints(NativeWorkspace.SCALAR, 1);
        // Workspace query (lwork = liwork = −1): the optimal sizes come back in work[0] and iwork[0].
        DoublePointer work = w.doubles(NativeWorkspace.WORK, 1);
        IntPointer iwork = w.ints(NativeWorkspace.IWORK, 1);
        check(openblas.LAPACKE_dsyevr_work(LAPACK_COL_MAJOR, (byte) 'V', (byte) 'A', (byte) 'U', n, pa, n, 0, 0, 0, 0,
                0.0, found, values, z, n, isuppz, work, -1, iwork, -1), "dsyevr (workspace query)", n);
        int lwork = (int) work.get(0);
        int liwork = iwork.get(0);
        work = w.doubles(NativeWorkspace.WORK, lwork);
        iwork = w.ints(NativeWorkspace.IWORK, liwork);
        int info = openblas.LAPACKE_dsyevr_work(LAPACK_COL_MAJOR, (byte) 'V', (byte) 'A', (byte) 'U', n, pa, n, 0, 0,
                0, 0, 0.0, found, values, z, n, isuppz, work, lwork, iwork, liwork);
        if (info > 0) {
            throw new ArithmeticException("LAPACK dsyevr did not converge for a " + n + "x" + n + " matrix (info "
                    + info + ")");
        }
        check(info, "dsyevr", n);
        double[] ascending = new double[n];
        values.get(ascending, 0, n);
        double[] descending = new double[n];
        for (int j = 0; j < n; j++) {
            descending[j] = ascending[n - 1 - j];
        }
        DMatrixRMaj vectors = new DMatrixRMaj(n, n);
        z.get(vectors.data, 0, n * n);
        Layouts.reverseRowsThenTranspose(vectors.data, n);
        return new SymmetricEigen(descending, vectors);
    }

    @Override
    public ThinSvd thinSvd(DMatrixRMaj m) {
        final int rows = m.numRows;
        final int cols = m.numCols;
        final int r = Math.min(rows, cols);
        if (r == 0) {
            return new ThinSvd(new DMatrixRMaj(rows, 0), new double[0]);
        }
        // LAPACK must see a tall matrix: its wide path (an LQ factorization walking rows of a column-major array)
        // measured about 25% slower here. A wide or square M: the row-major array read column-major is the tall Mᵀ
        // = V·Σ·Uᵀ, whose VT output read row-major is M's U. A tall M: transposed on the way in, so LAPACK factors M
        // itself, and its column-major U transposed on the way out.
        final boolean tall = rows > cols;
        final int lm = tall ? rows : cols;
        final int ln = tall ? cols : rows;
        NativeWorkspace w = NativeWorkspace.get();
        DoublePointer pa;
        if (tall) {
            double[] t = w.heap(rows * cols);
            Layouts.transpose(m.data, rows, cols, t);
            pa = w.doubles(NativeWorkspace.A, (long) rows * cols);
            pa.put(t, 0, rows * cols);
        } else {
            pa = w.load(NativeWorkspace.A, m);
        }
        DoublePointer s = w.doubles(NativeWorkspace.VALUES, r);
        DoublePointer u = w.doubles(NativeWorkspace.B, (long) lm * r);
        DoublePointer vt = w.doubles(NativeWorkspace.VECTORS, (long) r * ln);
        IntPointer iwork = w.ints(NativeWorkspace.IWORK, 8L * r);
        DoublePointer work = w.doubles(NativeWorkspace.WORK, 1);
        check(openblas.LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, (byte) 'S', lm, ln, pa, lm, s, u, lm, vt, r, work, -1,
                iwork), "dgesdd (workspace query)", r);
        int lwork = (int) work.get(0);
        work = w.doubles(NativeWorkspace.WORK, lwork);
        int info = openblas.LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, (byte) 'S', lm, ln, pa, lm, s, u, lm, vt, r, work,
                lwork, iwork);
        if (info > 0) {
            throw new ArithmeticException("LAPACK dgesdd did not converge for a " + rows + "x" + cols + " matrix (info "
                    + info + ")");
        }
        check(info, "dgesdd", r);
        double[] sigma = new double[r];
        s.get(sigma, 0, r);
        DMatrixRMaj left = new DMatrixRMaj(rows, r);
        if (tall) {
            double[] t = w.heap(rows * r);
            u.get(t, 0, rows * r);
            Layouts.transpose(t, r, rows, left.data); // column-major rows × r is the row-major r × rows Uᵀ
        } else {
            vt.get(left.data, 0, rows * r); // r × rows column-major, read row-major: rows × r
        }
        return new ThinSvd(left, sigma);
    }

    /**
     * Householder QR by LAPACK {@code dgeqrf} and {@code dorgqr}: the reflectors of {@link HouseholderQr} (β =
     * −sign(α)·‖x‖, H = I where the column below the diagonal is already zero), so the raw signs are the
     * {@link QrSignRule#HOUSEHOLDER} ones up to rounding, and {@link QrSignRule#POSITIVE_DIAGONAL} flips as
     * {@link HouseholderQr#applySignRule} does. Cost about 4mk² − 4k³/3 flops; two O(mk) transposes.
     */
    @Override
    public HouseholderQr.Result qr(DMatrixRMaj a, QrSignRule signs) {
        HouseholderQr.requireFactorable(a, signs);
        final int m = a.numRows;
        final int k = a.numCols;
        NativeWorkspace w = NativeWorkspace.get();
        double[] t = w.heap(m * k);
        Layouts.transpose(a.data, m, k, t); // the row-major k × m Aᵀ is the column-major m × k A
        DoublePointer pa = w.doubles(NativeWorkspace.A, (long) m * k);
        pa.put(t, 0, m * k);
        DoublePointer tau = w.doubles(NativeWorkspace.VALUES, k);
        DoublePointer work = w.doubles(NativeWorkspace.WORK, 1);
        check(openblas.LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, m, k, pa, m, tau, work, -1), "dgeqrf (workspace query)", k);
        int lwork = (int) work.get(0);
        check(openblas.LAPACKE_dorgqr_work(LAPACK_COL_MAJOR, m, k, k, pa, m, tau, work, -1), "dorgqr (workspace query)",
                k);
        lwork = Math.max(lwork, (int) work.get(0));
        work = w.doubles(NativeWorkspace.WORK, lwork);
        check(openblas.LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, m, k, pa, m, tau, work, lwork), "dgeqrf", k);
        pa.get(t, 0, m * k);
        DMatrixRMaj r = new DMatrixRMaj(k, k);
        for (int j = 0; j < k; j++) { // R is the upper triangle of the column-major result: R(i, j) at t[j·m + i]
            for (int i = 0; i <= j; i++) {
                r.data[i * k + j] = t[j * m + i];
            }
        }
        check(openblas.LAPACKE_dorgqr_work(LAPACK_COL_MAJOR, m, k, k, pa, m, tau, work, lwork), "dorgqr", k);
        pa.get(t, 0, m * k);
        DMatrixRMaj q = new DMatrixRMaj(m, k);
        Layouts.transpose(t, k, m, q.data); // the column-major m × k Q is the row-major k × m Qᵀ
        HouseholderQr.Result result = new HouseholderQr.Result(q, r);
        HouseholderQr.applySignRule(result, signs);
        return result;
    }

    private static int requireSquare(DMatrixRMaj a, String what) {
        if (a.numRows != a.numCols) {
            throw new IllegalArgumentException(what + " needs a square matrix, found " + a.numRows + "x" + a.numCols);
        }
        return a.numRows;
    }

    /** A negative LAPACK info is an illegal argument: a bug here, never the data's fault. */
    private static void check(int info, String routine, int n) {
        if (info < 0) {
            throw new IllegalStateException("LAPACK " + routine + " rejected argument " + (-info) + " (n = " + n + ")");
        }
    }
}
