package io.qshampoo.linalg;

import org.ejml.data.DMatrixRMaj;

/**
 * Boundary validation shared by every public entry point of {@code linalg}.
 *
 * <p>Each check throws an {@link IllegalArgumentException} whose message names the argument, what was
 * found and what was expected. Inside the module the invariants are trusted, not re-checked.
 *
 * <p>Cost: {@link #requireFinite} and {@link #requireSymmetric} read every element once, O(n²).
 */
public final class MatrixChecks {

    /**
     * Default relative tolerance for symmetry: |a_ij − a_ji| ≤ tol · max|a|. Products such as G·Gᵀ
     * formed in floating point are symmetric only up to rounding, about n·u·max|a| with u = 2⁻⁵³;
     * 1e-10 accepts those for n up to ~10⁵ while rejecting any matrix that is meaningfully asymmetric.
     */
    public static final double DEFAULT_SYMMETRY_TOLERANCE = 1e-10;

    private MatrixChecks() {
    }

    /** Requires a non-null matrix. */
    public static DMatrixRMaj requireNonNull(DMatrixRMaj a, String name) {
        if (a == null) {
            throw new IllegalArgumentException(name + " is null; expected a matrix");
        }
        return a;
    }

    /** Requires a square matrix with at least one row. */
    public static DMatrixRMaj requireSquare(DMatrixRMaj a, String name) {
        requireNonNull(a, name);
        if (a.numRows != a.numCols || a.numRows == 0) {
            throw new IllegalArgumentException(name + " is " + shape(a) + "; expected a non-empty square matrix");
        }
        return a;
    }

    /** Requires exactly the given shape. */
    public static DMatrixRMaj requireShape(DMatrixRMaj a, int rows, int cols, String name) {
        requireNonNull(a, name);
        if (a.numRows != rows || a.numCols != cols) {
            throw new IllegalArgumentException(name + " is " + shape(a) + "; expected " + rows + "x" + cols);
        }
        return a;
    }

    /** Requires every element to be finite; the message names the first offending index. */
    public static DMatrixRMaj requireFinite(DMatrixRMaj a, String name) {
        requireNonNull(a, name);
        final double[] d = a.data;
        final int size = a.getNumElements();
        for (int k = 0; k < size; k++) {
            if (!Double.isFinite(d[k])) {
                throw new IllegalArgumentException(name + "[" + (k / a.numCols) + ", " + (k % a.numCols) + "] is "
                        + d[k] + "; expected finite values");
            }
        }
        return a;
    }

    /**
     * Requires a finite square matrix, symmetric to within {@code relTol} of its largest magnitude.
     * The message names the worst asymmetric pair.
     */
    public static DMatrixRMaj requireSymmetric(DMatrixRMaj a, String name, double relTol) {
        requireSquare(a, name);
        requireFinite(a, name);
        final int n = a.numRows;
        double maxAbs = 0;
        for (int k = 0; k < n * n; k++) {
            maxAbs = Math.max(maxAbs, Math.abs(a.data[k]));
        }
        double worst = 0;
        int wi = 0;
        int wj = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double diff = Math.abs(a.data[i * n + j] - a.data[j * n + i]);
                if (diff > worst) {
                    worst = diff;
                    wi = i;
                    wj = j;
                }
            }
        }
        if (worst > relTol * maxAbs) {
            throw new IllegalArgumentException(String.format(
                    "%s is not symmetric: |a[%d,%d] - a[%d,%d]| = %.3e exceeds %.1e * max|a| = %.3e; expected a symmetric matrix",
                    name, wi, wj, wj, wi, worst, relTol, relTol * maxAbs));
        }
        return a;
    }

    /** {@link #requireSymmetric(DMatrixRMaj, String, double)} with {@link #DEFAULT_SYMMETRY_TOLERANCE}. */
    public static DMatrixRMaj requireSymmetric(DMatrixRMaj a, String name) {
        return requireSymmetric(a, name, DEFAULT_SYMMETRY_TOLERANCE);
    }

    /** Requires a finite, non-negative scalar. */
    public static double requireNonNegative(double x, String name) {
        if (!(x >= 0) || !Double.isFinite(x)) {
            throw new IllegalArgumentException(name + " is " + x + "; expected a finite value >= 0");
        }
        return x;
    }

    /** Requires a positive integer. */
    public static int requirePositive(int x, String name) {
        if (x <= 0) {
            throw new IllegalArgumentException(name + " is " + x + "; expected a value >= 1");
        }
        return x;
    }

    /** "rows x cols" of a matrix, for messages. */
    public static String shape(DMatrixRMaj a) {
        return a.numRows + "x" + a.numCols;
    }
}
