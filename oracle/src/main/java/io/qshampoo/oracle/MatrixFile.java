package io.qshampoo.oracle;

import io.qshampoo.oracle.npy.NpyArray;
import io.qshampoo.oracle.npy.NpyDtype;

/**
 * A float32 or float64 array read as a matrix: rank 2 as it is, rank 1 as one row (only where allowed). The
 * values are kept as doubles (float32 widens exactly); {@link #fp32()} gives the float32 values the GPU side
 * stored, rounding float64 input to nearest.
 *
 * @param rows   number of rows
 * @param cols   number of columns
 * @param values row-major, length rows·cols
 * @param dtype  FLOAT32 or FLOAT64, as in the file
 * @param source the file, for messages
 */
public record MatrixFile(int rows, int cols, double[] values, NpyDtype dtype, String source) {

    /**
     * The matrix an array holds.
     *
     * @param what        what the file should hold, for messages ("input matrix", "root", …)
     * @param allowVector whether a 1-D array is accepted (as one row)
     * @throws IllegalArgumentException naming the file if it is not a float32/float64 matrix
     */
    public static MatrixFile of(NpyArray a, String what, boolean allowVector) {
        if (!a.dtype().isFloat()) {
            throw new IllegalArgumentException(a.source() + " holds " + a.describe() + "; the " + what
                    + " must be float32 or float64");
        }
        int rows;
        int cols;
        if (a.rank() == 2) {
            rows = a.dim(0);
            cols = a.dim(1);
        } else if (a.rank() == 1 && allowVector) {
            rows = 1;
            cols = a.dim(0);
        } else {
            throw new IllegalArgumentException(a.source() + " holds " + a.describe() + "; the " + what + " must be a "
                    + (allowVector ? "1-D or 2-D" : "2-D") + " array");
        }
        if (rows == 0 || cols == 0) {
            throw new IllegalArgumentException(a.source() + " holds " + a.describe() + "; the " + what
                    + " must have at least one row and one column");
        }
        return new MatrixFile(rows, cols, a.toDoubles(), a.dtype(), a.source());
    }

    /** Requires a square matrix. */
    public MatrixFile requireSquare(String what) {
        if (rows != cols) {
            throw new IllegalArgumentException(source + " holds a " + rows + " × " + cols + " matrix; the " + what
                    + " must be square");
        }
        return this;
    }

    /** Requires finite values (names the first element that is not). */
    public MatrixFile requireFinite(String what) {
        for (int k = 0; k < values.length; k++) {
            if (!Double.isFinite(values[k])) {
                throw new IllegalArgumentException(source + ": the " + what + " has " + values[k] + " at ["
                        + k / cols + ", " + k % cols + "]; expected finite values");
            }
        }
        return this;
    }

    /** The values as float32: exact for a float32 file, rounded to nearest for float64. */
    public float[] fp32() {
        float[] f = new float[values.length];
        for (int k = 0; k < f.length; k++) {
            f[k] = (float) values[k];
        }
        return f;
    }

    /** "8 × 80 float32". */
    public String describe() {
        return rows + " × " + cols + " " + dtype.numpyName();
    }
}
