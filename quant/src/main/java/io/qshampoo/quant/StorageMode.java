package io.qshampoo.quant;

/**
 * Which elements of a row-major matrix are quantized, in what order they are stored, and what is kept in
 * fp32 beside them.
 */
public enum StorageMode {
    /**
     * Every element is quantized; the stored sequence is the row-major matrix (code k is element
     * (k / cols, k mod cols)). Used for eigenvector matrices (Wang et al.).
     */
    FULL,
    /**
     * "DiagReal" / off-diagonal quantization (square only): the diagonal is kept in fp32, and is set to 0
     * before the per-block absmax and the encoding, so it neither inflates a block's scale nor costs
     * precision; dequantization writes the fp32 diagonal back. Codes are stored for all n² positions, the
     * diagonal ones included (they hold the code of 0·scale), exactly like the official
     * {@code quantize_blockwise_diagreal} kernels. Used for L, R and their inverse roots (VQ, Li §4.1).
     */
    DIAG_REAL,
    /**
     * A lower-triangular (Cholesky) factor C (square only, Li et al. §4.2): the diagonal is kept in fp32
     * and only the n(n−1)/2 strictly-lower elements are quantized and stored, in row-major order over the
     * strictly lower triangle: (1,0), (2,0), (2,1), (3,0), (3,1), (3,2), … — element (i, j), j &lt; i, is
     * number i(i−1)/2 + j. Elements above the diagonal are never read, and dequantize to 0.
     */
    STRICTLY_LOWER;

    /** Whether this mode needs a square matrix. */
    public boolean requiresSquare() {
        return this != FULL;
    }

    /** Whether this mode keeps the diagonal in fp32. */
    public boolean keepsDiagonal() {
        return this != FULL;
    }

    /** Number of quantized (stored) elements of a rows × cols matrix: rows·cols, or n(n−1)/2 for STRICTLY_LOWER. */
    public long codeCount(int rows, int cols) {
        return this == STRICTLY_LOWER ? (long) rows * (rows - 1) / 2 : (long) rows * cols;
    }

    /** Length of the fp32 diagonal: n, or 0 for FULL. */
    public int diagonalLength(int rows, int cols) {
        return keepsDiagonal() ? rows : 0;
    }

    /**
     * Number of values the fp32 fallback (matrices below {@link QuantizationConfig#minElements()}) stores:
     * rows·cols, or n(n+1)/2 (lower triangle with diagonal, row-major) for STRICTLY_LOWER.
     */
    public long fp32Count(int rows, int cols) {
        return this == STRICTLY_LOWER ? (long) rows * (rows + 1) / 2 : (long) rows * cols;
    }

    /** Position i(i−1)/2 + j of strictly-lower element (i, j), j &lt; i, in the STRICTLY_LOWER code sequence. */
    public static long triangleIndex(int i, int j) {
        return (long) i * (i - 1) / 2 + j;
    }

    /**
     * The row i of the strictly-lower element at position t of the STRICTLY_LOWER sequence: the largest i with
     * i(i−1)/2 ≤ t (its column is t − i(i−1)/2). Cost O(1): a square root, corrected by at most a step each way.
     */
    public static int triangleRow(long t) {
        int i = (int) ((1 + Math.sqrt(1 + 8.0 * t)) / 2);
        while (triangleIndex(i, 0) > t) {
            i--;
        }
        while (triangleIndex(i + 1, 0) <= t) {
            i++;
        }
        return i;
    }
}
