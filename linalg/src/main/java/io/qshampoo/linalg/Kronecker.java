package io.qshampoo.linalg;

import org.ejml.data.DMatrixRMaj;

/**
 * The Kronecker product and the identity that lets Shampoo avoid it:
 * vec(L·G·R) = (Rᵀ ⊗ L)·vec(G), with vec the column-stacking map.
 *
 * <p>Shampoo's full-matrix preconditioner for a matrix parameter is a Kronecker product of a left and a
 * right factor; applying it never needs that (mn)×(mn) matrix, only the "sandwich" L·G·R. {@link #kron}
 * and {@link #vec} exist so that tests and students can check the identity on small matrices;
 * {@link #sandwich} computes L·G·R in one call. The optimizer does the same two products, one factor at a time
 * ({@code KroneckerFactor.apply}: L̂·G, then ·R̂), because each factor holds its own stored root.
 *
 * <p>Every argument must be non-null, non-empty and finite; violations throw
 * {@link IllegalArgumentException} naming the argument, what was found and what was expected.
 */
public final class Kronecker {

    private final DenseKernels kernels;

    /** Sandwich products through the float64 reference kernels. */
    public Kronecker() {
        this(DenseKernels.reference());
    }

    /** Sandwich products through the given backend. */
    public Kronecker(DenseKernels kernels) {
        if (kernels == null) {
            throw new IllegalArgumentException("kernels is null; expected a DenseKernels backend");
        }
        this.kernels = kernels;
    }

    /**
     * Explicit Kronecker product A ⊗ B: the (pr)×(qs) block matrix whose block (i, j) is aᵢⱼ·B, for
     * A p×q and B r×s. Cost O(pqrs) time and memory — for tests and teaching only.
     */
    public static DMatrixRMaj kron(DMatrixRMaj a, DMatrixRMaj b) {
        requireMatrix(a, "a");
        requireMatrix(b, "b");
        final int p = a.numRows;
        final int q = a.numCols;
        final int r = b.numRows;
        final int s = b.numCols;
        final int rows = checkedProduct(p, r, "a.rows * b.rows");
        final int cols = checkedProduct(q, s, "a.cols * b.cols");
        checkedProduct(rows, cols, "number of elements of a ⊗ b");
        DMatrixRMaj k = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < q; j++) {
                final double aij = a.data[i * q + j];
                for (int bi = 0; bi < r; bi++) {
                    final int dst = (i * r + bi) * cols + j * s;
                    final int src = bi * s;
                    for (int bj = 0; bj < s; bj++) {
                        k.data[dst + bj] = aij * b.data[src + bj];
                    }
                }
            }
        }
        return k;
    }

    /**
     * vec(G): the columns of the m×n matrix G stacked into an (mn)×1 column, so that
     * vec(G)[i + j·m] = G[i, j] (column-major order, as in the identity above). Cost O(mn).
     */
    public static DMatrixRMaj vec(DMatrixRMaj g) {
        requireMatrix(g, "g");
        final int m = g.numRows;
        final int n = g.numCols;
        DMatrixRMaj v = new DMatrixRMaj(m * n, 1);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                v.data[i + j * m] = g.data[i * n + j];
            }
        }
        return v;
    }

    /**
     * The inverse of {@link #vec}: reshapes an (rows·cols)×1 column into a rows×cols matrix, filling
     * column by column. Cost O(rows·cols).
     */
    public static DMatrixRMaj unvec(DMatrixRMaj v, int rows, int cols) {
        MatrixChecks.requirePositive(rows, "rows");
        MatrixChecks.requirePositive(cols, "cols");
        final int size = checkedProduct(rows, cols, "rows * cols");
        MatrixChecks.requireShape(v, size, 1, "v");
        MatrixChecks.requireFinite(v, "v");
        DMatrixRMaj g = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                g.data[i * cols + j] = v.data[i + j * rows];
            }
        }
        return g;
    }

    /**
     * L·G·R for L p×m, G m×n, R n×q, as two products through the backend, never forming Rᵀ ⊗ L.
     * The cheaper association is chosen: (L·G)·R costs pmn + pnq multiply-adds, L·(G·R) costs
     * mnq + pmq; for square factors (p = m, q = n) both are m²n + mn².
     *
     * @return a new p×q matrix
     */
    public DMatrixRMaj sandwich(DMatrixRMaj l, DMatrixRMaj g, DMatrixRMaj r) {
        requireMatrix(l, "l");
        requireMatrix(g, "g");
        requireMatrix(r, "r");
        if (l.numCols != g.numRows || g.numCols != r.numRows) {
            throw new IllegalArgumentException("l is " + MatrixChecks.shape(l) + ", g is " + MatrixChecks.shape(g)
                    + ", r is " + MatrixChecks.shape(r)
                    + "; expected l.cols == g.rows and g.cols == r.rows for the product l*g*r");
        }
        final long p = l.numRows;
        final long m = g.numRows;
        final long n = g.numCols;
        final long q = r.numCols;
        DMatrixRMaj out = new DMatrixRMaj(l.numRows, r.numCols);
        if (p * m * n + p * n * q <= m * n * q + p * m * q) {
            DMatrixRMaj lg = new DMatrixRMaj(l.numRows, g.numCols);
            kernels.mult(l, g, lg);
            kernels.mult(lg, r, out);
        } else {
            DMatrixRMaj gr = new DMatrixRMaj(g.numRows, r.numCols);
            kernels.mult(g, r, gr);
            kernels.mult(l, gr, out);
        }
        return out;
    }

    private static void requireMatrix(DMatrixRMaj a, String name) {
        MatrixChecks.requireNonNull(a, name);
        if (a.numRows == 0 || a.numCols == 0) {
            throw new IllegalArgumentException(name + " is " + MatrixChecks.shape(a)
                    + "; expected at least one row and one column");
        }
        MatrixChecks.requireFinite(a, name);
    }

    private static int checkedProduct(int a, int b, String what) {
        long prod = (long) a * b;
        if (prod > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " is " + prod + "; expected at most " + Integer.MAX_VALUE
                    + " (the size of one Java array)");
        }
        return (int) prod;
    }
}
