package io.qshampoo.linalg;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

import org.ejml.EjmlParameters;
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
    public String name() {
        return DenseKernelsFactory.EJML;
    }

    @Override
    public String toString() {
        return "ejml (EJML, pure Java, 1 thread)";
    }

    @Override
    public void mult(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        CommonOps_DDRM.mult(a, b, c);
    }

    @Override
    public void multTransA(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        CommonOps_DDRM.multTransA(a, b, c);
    }

    /**
     * c = a·bᵀ, formed as a·(bᵀ) with an explicit O(k·n) transpose once a has {@value #TRANSPOSE_MIN_ROWS} rows or
     * more: EJML's row-major {@code mult} runs its inner loop as an axpy over rows of b, which the JIT vectorizes,
     * while {@code multTransB} runs dot products, which it cannot (measured at n = 1200 on the 2-core reference
     * machine: 1.5 s against 3.5 s). Bit-identical to {@code CommonOps_DDRM.multTransB}: both sum
     * a[i,0]·b[j,0] + a[i,1]·b[j,1] + … in the same order (up to the sign of an all-zero sum).
     */
    @Override
    public void multTransB(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        if (a.numRows >= TRANSPOSE_MIN_ROWS && b.numRows >= EjmlParameters.MULT_COLUMN_SWITCH && a != c && b != c) {
            CommonOps_DDRM.mult(a, CommonOps_DDRM.transpose(b, null), c);
        } else {
            CommonOps_DDRM.multTransB(a, b, c);
        }
    }

    /** Rows of a from which {@link #multTransB} transposes b first: the O(k·n) copy is then under 1/32 of the product. */
    static final int TRANSPOSE_MIN_ROWS = 32;

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
        // EJML's QR iteration neither converges nor stays accurate on subnormal entries (its shifts and
        // deflation tests underflow); the decomposition is equivariant under scaling by a power of two, which is
        // exact, so such a matrix (or one near overflow) is decomposed at order 1 and the eigenvalues scaled back.
        // Matrices in the usual range are not touched (their results stay bit-identical).
        int e = scalingExponent(a);
        if (e != 0) {
            DMatrixRMaj scaled = a.copy();
            for (int i = 0; i < scaled.getNumElements(); i++) {
                scaled.data[i] = Math.scalb(scaled.data[i], -e);
            }
            SymmetricEigen s = symmetricEigen(scaled);
            double[] values = s.values().clone();
            for (int i = 0; i < values.length; i++) {
                values[i] = Math.scalb(values[i], e);
            }
            return new SymmetricEigen(values, s.vectors());
        }
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

    /**
     * Thin SVD by EJML's implicit-QR SVD, checked: EJML caps its QR sweeps (no setter) and, on matrices with
     * many exactly-zero rows (dead ReLU units in a Frequent-Directions update), can give up, return NaN, or
     * return non-orthonormal vectors. The result is accepted only if every σ is finite and U is orthonormal
     * (after {@link #completeNullColumns}); otherwise the decomposition is recomputed with Commons Math's
     * Golub–Kahan SVD. Cost: the SVD, plus a Gram check U·Uᵀ of O(rows·r²), about 15% more.
     */
    @Override
    public ThinSvd thinSvd(DMatrixRMaj m) {
        // Entries near the ends of the double range (subnormal gradients, say) defeat both SVDs below; the SVD is
        // equivariant under scaling by a power of two, which is exact, so such a matrix is scaled to order 1 first.
        // Matrices in the usual range are not touched (their results stay bit-identical).
        int e = scalingExponent(m);
        if (e != 0) {
            DMatrixRMaj scaled = m.copy();
            for (int i = 0; i < scaled.getNumElements(); i++) {
                scaled.data[i] = Math.scalb(scaled.data[i], -e); // 2^−e itself overflows for a subnormal max
            }
            ThinSvd t = thinSvd(scaled);
            double[] sigma = t.sigma().clone();
            for (int i = 0; i < sigma.length; i++) {
                sigma[i] = Math.scalb(sigma[i], e);
            }
            return new ThinSvd(t.u(), sigma);
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(m.numRows, m.numCols, true,
                false, true);
        if (svd.decompose(svd.inputModified() ? m.copy() : m)) {
            ThinSvd t = sortedAndCompleted(svd.getSingularValues(), svd.getU(null, false), m.numRows);
            if (t != null) {
                return t;
            }
        }
        double[][] rowsData = new double[m.numRows][m.numCols];
        for (int i = 0; i < m.numRows; i++) {
            System.arraycopy(m.data, i * m.numCols, rowsData[i], 0, m.numCols);
        }
        org.apache.commons.math3.linear.SingularValueDecomposition cm =
                new org.apache.commons.math3.linear.SingularValueDecomposition(
                        new org.apache.commons.math3.linear.Array2DRowRealMatrix(rowsData, false));
        ThinSvd t = sortedAndCompleted(cm.getSingularValues(), new DMatrixRMaj(cm.getU().getData()), m.numRows);
        if (t == null) {
            throw new ArithmeticException("SVD failed for a " + m.numRows + "x" + m.numCols
                    + " matrix (EJML and Commons Math both returned non-finite or non-orthonormal factors)");
        }
        return t;
    }

    /**
     * The exponent e of max|m| (subnormals included) when it lies outside [2^-500, 2^500], so that m·2^−e has its
     * largest magnitude in [1, 2); 0 for a matrix in that range, a zero matrix or a non-finite one.
     */
    private static int scalingExponent(DMatrixRMaj m) {
        double max = CommonOps_DDRM.elementMaxAbs(m);
        if (max > 0 && Double.isFinite(max) && (max < 0x1p-500 || max > 0x1p500)) {
            // getExponent reports every subnormal as −1023; 2^54 lifts it into the normal range exactly
            return Math.getExponent(max * 0x1p54) - 54;
        }
        return 0;
    }

    /** Sorts descending, completes null columns, and returns null unless σ is finite and U orthonormal. */
    private static ThinSvd sortedAndCompleted(double[] raw, DMatrixRMaj u, int rows) {
        final int r = Math.min(raw.length, u.numCols);
        for (int j = 0; j < r; j++) {
            if (!Double.isFinite(raw[j])) {
                return null;
            }
        }
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
        completeNullColumns(sorted, sigma);
        DMatrixRMaj gram = new DMatrixRMaj(r, r);
        CommonOps_DDRM.multTransA(sorted, sorted, gram);
        // A backward-stable SVD leaves |UᵀU − I| ≈ rows·u; 1e-8 accepts that for any practical size and
        // rejects the O(1) failures seen.
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < r; j++) {
                double d = gram.data[i * r + j] - (i == j ? 1.0 : 0.0);
                if (!(Math.abs(d) <= 1e-8)) {
                    return null;
                }
            }
        }
        return new ThinSvd(sorted, sigma);
    }

    /**
     * Left singular vectors of (numerically) zero singular values are arbitrary, and are not always returned
     * orthonormal. Each such column is replaced by an orthonormal completion: Gram–Schmidt (twice, for
     * stability) of the column as computed, or failing that of unit vectors, against the columns before it.
     * Columns of non-zero singular values are left as computed. Cost O(rows·r) per replaced column.
     */
    private static void completeNullColumns(DMatrixRMaj u, double[] sigma) {
        final int rows = u.numRows;
        final int r = u.numCols;
        if (r == 0) {
            return;
        }
        // A singular value below r·u·σ₁ is zero to working precision (the SVD's backward error).
        double zero = r * 0x1p-52 * sigma[0];
        int nextUnit = 0;
        double[] v = new double[rows];
        for (int j = 0; j < r; j++) {
            if (sigma[j] > zero) {
                continue;
            }
            sigma[j] = 0.0;
            boolean fromColumn = true;
            while (true) {
                if (fromColumn) {
                    for (int i = 0; i < rows; i++) {
                        v[i] = Double.isFinite(u.data[i * r + j]) ? u.data[i * r + j] : 0.0;
                    }
                    fromColumn = false;
                } else {
                    Arrays.fill(v, 0.0);
                    v[nextUnit++ % rows] = 1.0;
                }
                for (int pass = 0; pass < 2; pass++) {
                    for (int k = 0; k < j; k++) {
                        double dot = 0;
                        for (int i = 0; i < rows; i++) {
                            dot += u.data[i * r + k] * v[i];
                        }
                        for (int i = 0; i < rows; i++) {
                            v[i] -= dot * u.data[i * r + k];
                        }
                    }
                }
                double norm = 0;
                for (double x : v) {
                    norm += x * x;
                }
                norm = Math.sqrt(norm);
                // The column is independent of the previous ones if a good part of it survives the projection.
                if (norm > 0.5 || nextUnit > 2 * rows) {
                    for (int i = 0; i < rows; i++) {
                        u.data[i * r + j] = v[i] / norm;
                    }
                    break;
                }
            }
        }
    }
}
