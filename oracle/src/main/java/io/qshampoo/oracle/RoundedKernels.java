package io.qshampoo.oracle;

import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_FDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F32;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.SymmetricEigen;
import io.qshampoo.linalg.ThinSvd;

/**
 * {@link DenseKernels} that compute as a device working in a lower {@link Precision} would: matrix-product
 * operands rounded to the format, every product and partial sum rounded to the accumulator (float32 for fp32,
 * tf32 and bf16, as tensor cores accumulate; float64 for fp64), the result rounded to the format, the terms
 * summed in a chosen {@link Summation} order. Emulating float32 in float64 this way is exact: float64 holds the
 * exact product and sum of two floats before the single rounding to float32, so no double rounding occurs.
 * The symmetric eigendecomposition runs in float32 (EJML's float tridiagonal QR) below fp64.
 *
 * <p>Used by {@link RootCalibration} to recompute a root "the way a legitimate implementation in that precision
 * would", in several summation orders, so the spread of correct answers can be measured rather than bounded.
 * Cost: the products are O(n³) scalar loops (about 3× EJML's float64 product); Cholesky and SVD are delegated to
 * the float64 reference (the calibration uses them only as checks).
 */
public final class RoundedKernels implements DenseKernels {

    /** The order in which a dot product's n terms are added. */
    public enum Summation {
        /** Left to right, one accumulator (a naive loop). */
        SEQUENTIAL,
        /** Runs of {@value RoundedKernels#BLOCK} terms summed left to right, the run sums then added in order (a tiled GEMM). */
        BLOCKED,
        /** Recursive halving (a tree reduction). */
        PAIRWISE
    }

    /** Run length of {@link Summation#BLOCKED}, a typical GEMM tile depth. */
    static final int BLOCK = 32;

    private final Precision precision;
    private final Summation summation;
    private final boolean floatAccumulator;

    public RoundedKernels(Precision precision, Summation summation) {
        this.precision = precision;
        this.summation = summation;
        this.floatAccumulator = precision != Precision.FP64;
    }

    private double acc(double x) {
        return floatAccumulator ? (float) x : x;
    }

    @Override
    public void mult(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        product(rounded(a, false), rounded(b, true), a.numRows, b.numCols, a.numCols, c);
    }

    @Override
    public void multTransA(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        product(rounded(a, true), rounded(b, true), a.numCols, b.numCols, a.numRows, c);
    }

    @Override
    public void multTransB(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        product(rounded(a, false), rounded(b, false), a.numRows, b.numRows, a.numCols, c);
    }

    /**
     * The operand rounded to the format, as rows of length k: m's rows, or m's columns when {@code transpose}.
     */
    private double[][] rounded(DMatrixRMaj m, boolean transpose) {
        int rows = transpose ? m.numCols : m.numRows;
        int k = transpose ? m.numRows : m.numCols;
        double[][] out = new double[rows][k];
        for (int i = 0; i < m.numRows; i++) {
            for (int j = 0; j < m.numCols; j++) {
                double v = precision.round(m.data[i * m.numCols + j]);
                if (transpose) {
                    out[j][i] = v;
                } else {
                    out[i][j] = v;
                }
            }
        }
        return out;
    }

    /** c(i, j) = Σ_l a[i][l]·b[j][l] in the chosen order, then rounded to the format. */
    private void product(double[][] a, double[][] b, int m, int n, int k, DMatrixRMaj c) {
        c.reshape(m, n);
        double[] terms = new double[k];
        for (int i = 0; i < m; i++) {
            double[] ai = a[i];
            for (int j = 0; j < n; j++) {
                double[] bj = b[j];
                for (int l = 0; l < k; l++) {
                    terms[l] = acc(ai[l] * bj[l]);
                }
                c.data[i * n + j] = precision.round(sum(terms, 0, k));
            }
        }
    }

    private double sum(double[] t, int from, int to) {
        switch (summation) {
            case SEQUENTIAL:
                return sequential(t, from, to);
            case BLOCKED: {
                double s = 0;
                for (int l = from; l < to; l += BLOCK) {
                    s = acc(s + sequential(t, l, Math.min(to, l + BLOCK)));
                }
                return s;
            }
            default:
                return pairwise(t, from, to);
        }
    }

    private double sequential(double[] t, int from, int to) {
        double s = 0;
        for (int l = from; l < to; l++) {
            s = acc(s + t[l]);
        }
        return s;
    }

    private double pairwise(double[] t, int from, int to) {
        if (to - from <= 2) {
            return sequential(t, from, to);
        }
        int mid = (from + to) >>> 1;
        return acc(pairwise(t, from, mid) + pairwise(t, mid, to));
    }

    @Override
    public DMatrixRMaj choleskyLower(DMatrixRMaj a) {
        return DenseKernels.reference().choleskyLower(a);
    }

    /**
     * Below fp64: EJML's float32 symmetric eigensolver on the input rounded to float32, eigenvalues sorted
     * descending; fp64: the reference.
     */
    @Override
    public SymmetricEigen symmetricEigen(DMatrixRMaj a) {
        if (!floatAccumulator) {
            return DenseKernels.reference().symmetricEigen(a);
        }
        int n = a.numRows;
        FMatrixRMaj f = new FMatrixRMaj(n, n);
        for (int i = 0; i < n * n; i++) {
            f.data[i] = (float) a.data[i];
        }
        EigenDecomposition_F32<FMatrixRMaj> eig = DecompositionFactory_FDRM.eig(n, true, true);
        if (!eig.decompose(f)) {
            throw new IllegalStateException("the float32 eigensolver did not converge on a " + n + " × " + n
                    + " matrix");
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Float.compare(eig.getEigenvalue(y).real, eig.getEigenvalue(x).real));
        double[] values = new double[n];
        DMatrixRMaj vectors = new DMatrixRMaj(n, n);
        for (int j = 0; j < n; j++) {
            values[j] = eig.getEigenvalue(order[j]).real;
            FMatrixRMaj v = eig.getEigenVector(order[j]);
            for (int i = 0; i < n; i++) {
                vectors.data[i * n + j] = v.data[i];
            }
        }
        return new SymmetricEigen(values, vectors);
    }

    @Override
    public ThinSvd thinSvd(DMatrixRMaj m) {
        return DenseKernels.reference().thinSvd(m);
    }

    @Override
    public String toString() {
        return precision.id() + " products, " + summation.name().toLowerCase(java.util.Locale.ROOT) + " summation";
    }
}
