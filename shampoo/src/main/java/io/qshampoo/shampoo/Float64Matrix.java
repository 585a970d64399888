package io.qshampoo.shampoo;

import org.ejml.data.DMatrixRMaj;

/**
 * A matrix kept exactly, in float64 ({@code bits = 64}): the unquantized, unrounded reference that the experiments
 * measure quantized variants against — not a storage format of any GPU implementation. With {@code lowerOnly} the
 * upper triangle loads as 0 (a Cholesky factor).
 */
final class Float64Matrix implements StoredMatrix {

    private final String tag;
    private final int rows;
    private final int cols;
    private final boolean lowerOnly;
    private final double[] values;

    Float64Matrix(String tag, int rows, int cols, boolean lowerOnly) {
        if (lowerOnly && rows != cols) {
            throw new IllegalArgumentException(tag + ": a lower-triangular matrix must be square, got " + rows + "x" + cols);
        }
        this.tag = tag;
        this.rows = rows;
        this.cols = cols;
        this.lowerOnly = lowerOnly;
        this.values = new double[rows * cols];
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
        System.arraycopy(m.data, 0, values, 0, values.length);
        if (lowerOnly) {
            for (int i = 0; i < rows; i++) {
                java.util.Arrays.fill(values, i * cols + i + 1, (i + 1) * cols, 0.0);
            }
        }
    }

    @Override
    public void load(DMatrixRMaj dst) {
        System.arraycopy(values, 0, dst.data, 0, values.length);
    }

    @Override
    public StateBytes stateBytes() {
        long elements = lowerOnly ? (long) rows * (rows + 1) / 2 : (long) rows * cols;
        return StateBytes.of(StateKind.FP64_STATES, 8 * elements);
    }

    @Override
    public void save(StateOutput out) {
        out.writeDoubles(tag, values);
    }

    @Override
    public void restore(StateInput in) {
        in.readDoubles(tag, values);
    }
}
