package io.qshampoo.shampoo;

import org.ejml.data.DMatrixRMaj;

/**
 * A matrix stored in fp32: each element rounded to nearest float on {@link #store}. With
 * {@code lowerOnly}, only the lower triangle with its diagonal is kept (n(n+1)/2 floats, row-major over
 * the triangle) and the upper triangle loads as 0 — a 32-bit Cholesky factor.
 */
final class Fp32Matrix implements StoredMatrix {

    private final int rows;
    private final int cols;
    private final boolean lowerOnly;
    private final float[] values;
    private final String tag;

    Fp32Matrix(String tag, int rows, int cols, boolean lowerOnly) {
        if (lowerOnly && rows != cols) {
            throw new IllegalArgumentException(tag + ": a lower-triangular matrix must be square, got " + rows + "x" + cols);
        }
        this.tag = tag;
        this.rows = rows;
        this.cols = cols;
        this.lowerOnly = lowerOnly;
        this.values = new float[lowerOnly ? rows * (rows + 1) / 2 : rows * cols];
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public void store(DMatrixRMaj m) {
        if (!lowerOnly) {
            for (int k = 0; k < values.length; k++) {
                values[k] = (float) m.data[k];
            }
            return;
        }
        int k = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j <= i; j++) {
                values[k++] = (float) m.data[i * cols + j];
            }
        }
    }

    @Override
    public void load(DMatrixRMaj dst) {
        if (!lowerOnly) {
            for (int k = 0; k < values.length; k++) {
                dst.data[k] = values[k];
            }
            return;
        }
        int k = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                dst.data[i * cols + j] = j <= i ? values[k++] : 0.0;
            }
        }
    }

    @Override
    public StateBytes stateBytes() {
        return StateBytes.of(StateKind.FP32_STATES, 4L * values.length);
    }

    @Override
    public void save(StateOutput out) {
        out.writeFloats(tag, values);
    }

    @Override
    public void restore(StateInput in) {
        in.readFloats(tag, values);
    }
}
