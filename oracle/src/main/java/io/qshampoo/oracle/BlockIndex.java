package io.qshampoo.oracle;

import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.StorageMode;

/**
 * Which scale (block) an element of a quantized matrix belongs to, and which element a code index stands for —
 * the formulas of {@link BlockLayout} and {@link StorageMode} (their Javadoc is the contract; the triangle
 * arithmetic is {@link StorageMode#triangleIndex} and {@link StorageMode#triangleRow}), so that a report can name
 * the block and the (row, column) of every mismatch. {@code BlockIndexTest} checks them against
 * {@code QuantizedMatrix.scaleOf}.
 */
public final class BlockIndex {

    private BlockIndex() {
    }

    /**
     * Scale index of element (i, j) of a rows × cols matrix: row segments i·⌈cols/B⌉ + ⌊j/B⌋; tiles
     * ⌊i/B⌋·⌈cols/B⌉ + ⌊j/B⌋; for STRICTLY_LOWER (j &lt; i) the triangle index t = i(i−1)/2 + j cut into runs of
     * B (row segments, t/B) or the lower tiles I(I+1)/2 + J.
     */
    public static int of(BlockLayout layout, StorageMode mode, int cols, int i, int j) {
        int b = layout.blockSize();
        boolean rows = layout.kind() == BlockLayout.Kind.ROW_SEGMENTS;
        if (mode == StorageMode.STRICTLY_LOWER) {
            if (rows) {
                return (int) (triangleIndex(i, j) / b);
            }
            int ti = i / b;
            return ti * (ti + 1) / 2 + j / b;
        }
        int perRow = (cols + b - 1) / b;
        return rows ? i * perRow + j / b : (i / b) * perRow + j / b;
    }

    /** Position i(i−1)/2 + j of strictly-lower element (i, j), j &lt; i, in the stored sequence. */
    public static long triangleIndex(int i, int j) {
        return StorageMode.triangleIndex(i, j);
    }

    /**
     * The (row, column) of code number k: (k / cols, k mod cols) for FULL and DIAG_REAL; for STRICTLY_LOWER the
     * strictly-lower element whose triangle index is k.
     */
    public static int[] element(StorageMode mode, int cols, long k) {
        if (mode != StorageMode.STRICTLY_LOWER) {
            return new int[] {(int) (k / cols), (int) (k % cols)};
        }
        int i = StorageMode.triangleRow(k);
        return new int[] {i, (int) (k - StorageMode.triangleIndex(i, 0))};
    }
}
