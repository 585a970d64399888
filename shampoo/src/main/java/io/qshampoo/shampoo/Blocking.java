package io.qshampoo.shampoo;

import java.util.ArrayList;
import java.util.List;

import org.ejml.data.DMatrixRMaj;

/**
 * How a parameter tensor is cut into the matrix blocks Shampoo preconditions (Wang et al. code; Li et al.
 * App. C.3): a tensor of rank ≥ 3 is viewed as the matrix (d0, d1·…·d_{r−1}) — its row-major data
 * unchanged — and each matrix dimension larger than the maximum order is split into chunks of that order
 * plus a remainder. Rank ≤ 1 tensors are not blocked (they use the grafted diagonal method).
 *
 * <p>Invariant: the blocks tile the matrix view exactly, in row-major block order.
 */
final class Blocking {

    /** One block: rows [row, row + rows) and columns [col, col + cols) of the matrix view. */
    record Block(int index, int row, int rows, int col, int cols) {
    }

    private final int rows;
    private final int cols;
    private final List<Block> blocks;

    private Blocking(int rows, int cols, List<Block> blocks) {
        this.rows = rows;
        this.cols = cols;
        this.blocks = blocks;
    }

    /** Whether a tensor of this shape is preconditioned as a matrix (rank ≥ 2). */
    static boolean isMatrix(int[] shape) {
        return shape.length >= 2;
    }

    /**
     * How many blocks {@link #of} cuts a rank ≥ 2 shape into, ⌈rows/maxOrder⌉·⌈cols/maxOrder⌉ of the matrix view,
     * without building them (so it also answers for shapes too large to build); saturates at {@code Long.MAX_VALUE}.
     * Cost O(rank).
     */
    static long count(int[] shape, int maxOrder) {
        long cols = 1;
        for (int d = 1; d < shape.length; d++) {
            cols = multiplySaturated(cols, shape[d]);
        }
        return multiplySaturated((shape[0] + (long) maxOrder - 1) / maxOrder, (cols + maxOrder - 1) / maxOrder);
    }

    private static long multiplySaturated(long a, long b) {
        long p = a * b;
        return Math.multiplyHigh(a, b) != 0 || p < 0 ? Long.MAX_VALUE : p;
    }

    /** The blocks of a rank ≥ 2 shape. */
    static Blocking of(int[] shape, int maxOrder) {
        if (!isMatrix(shape)) {
            throw new IllegalArgumentException("a tensor of rank " + shape.length
                    + " has no matrix blocks; expected rank >= 2 (rank <= 1 uses the diagonal method)");
        }
        int rows = shape[0];
        long rest = 1;
        for (int d = 1; d < shape.length; d++) {
            rest *= shape[d];
        }
        int cols = (int) rest;
        List<Block> blocks = new ArrayList<>();
        for (int r = 0; r < rows; r += maxOrder) {
            for (int c = 0; c < cols; c += maxOrder) {
                blocks.add(new Block(blocks.size(), r, Math.min(maxOrder, rows - r), c, Math.min(maxOrder, cols - c)));
            }
        }
        return new Blocking(rows, cols, List.copyOf(blocks));
    }

    int rows() {
        return rows;
    }

    int cols() {
        return cols;
    }

    List<Block> blocks() {
        return blocks;
    }

    /** The block's entries of a tensor, as a new float64 matrix. Cost O(block size). */
    DMatrixRMaj extract(DenseTensor t, Block b) {
        DMatrixRMaj m = new DMatrixRMaj(b.rows(), b.cols());
        extract(t, b, m);
        return m;
    }

    /** Writes the block's entries of a tensor into {@code dst} (the block's shape), widened to float64. Cost O(block size). */
    void extract(DenseTensor t, Block b, DMatrixRMaj dst) {
        final int bc = b.cols();
        float[] f32 = t.float32Data();
        double[] f64 = t.float64Data();
        for (int i = 0; i < b.rows(); i++) {
            int src = (b.row() + i) * cols + b.col();
            int to = i * bc;
            if (f32 != null) {
                for (int j = 0; j < bc; j++) {
                    dst.data[to + j] = f32[src + j];
                }
            } else {
                System.arraycopy(f64, src, dst.data, to, bc);
            }
        }
    }

    /** Writes a block-shaped array (row-major) into the block's place of a flat matrix-view array. */
    void insert(double[] blockValues, Block b, double[] flat) {
        for (int i = 0; i < b.rows(); i++) {
            System.arraycopy(blockValues, i * b.cols(), flat, (b.row() + i) * cols + b.col(), b.cols());
        }
    }
}
