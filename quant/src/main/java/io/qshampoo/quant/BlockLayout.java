package io.qshampoo.quant;

/**
 * How the stored elements of a matrix are cut into blocks that share one fp32 scale (the block's absmax N).
 *
 * <h2>{@link Kind#ROW_SEGMENTS} (the official kernels' layout, the default with B = 64)</h2>
 * <ul>
 *   <li>{@link StorageMode#FULL}, {@link StorageMode#DIAG_REAL}: each row is cut into runs of B consecutive
 *       columns, [0, B), [B, 2B), …; the last run of a row is shorter when B ∤ cols. Blocks never cross rows:
 *       this is what the official CUDA kernels do (grid = rows × ceil(cols/B), one absmax per (row, run)),
 *       and it is <em>not</em> the same as cutting the flattened array into runs of B when B ∤ cols.
 *       rows·ceil(cols/B) blocks; block (i, r) has scale index i·ceil(cols/B) + r.</li>
 *   <li>{@link StorageMode#STRICTLY_LOWER}: the n(n−1)/2 stored elements, in their row-major order over the
 *       strictly lower triangle, are one flat sequence cut into runs of B (runs do cross rows: the
 *       triangle's rows are short and uneven). ceil(n(n−1)/2 / B) blocks; element number t is in block t / B.</li>
 * </ul>
 *
 * <h2>{@link Kind#TILES} (Li et al. §3.2)</h2>
 * <ul>
 *   <li>FULL, DIAG_REAL: B × B tiles, edge tiles smaller: tile (I, J) holds rows [IB, IB + B) and columns
 *       [JB, JB + B) clipped to the matrix. ceil(rows/B)·ceil(cols/B) blocks, scales in row-major tile order,
 *       index I·ceil(cols/B) + J. Codes stay in the matrix's row-major order.</li>
 *   <li>STRICTLY_LOWER: the tiles (I, J) with I ≥ J, each holding its strictly-lower elements; T(T+1)/2
 *       blocks for T = ceil(n/B), scale index I(I+1)/2 + J. A tile with no strictly-lower element (the last
 *       diagonal tile when n ≡ 1 mod B) has scale 0.</li>
 * </ul>
 *
 * <p>B is a power of two in [32, 2048]. The official kernels accept 64 … 2048 (their CUB templates need a
 * power of two); 32 is allowed for experiments. Powers of two keep a row run, a tile row and the parallel
 * work split aligned to whole bytes of packed 3-, 4- and 8-bit codes.
 *
 * @param kind      row segments or tiles
 * @param blockSize B
 */
public record BlockLayout(Kind kind, int blockSize) {

    /** The two block shapes. */
    public enum Kind {
        /** Runs of B consecutive stored elements of one row (the official kernels'). */
        ROW_SEGMENTS,
        /** B × B tiles (Li et al. §3.2). */
        TILES
    }

    /** Smallest allowed B. */
    public static final int MIN_BLOCK_SIZE = 32;
    /** Largest allowed B. */
    public static final int MAX_BLOCK_SIZE = 2048;
    /** The official default: row segments of 64. */
    public static final BlockLayout DEFAULT = rowSegments(64);

    /**
     * @throws IllegalArgumentException if kind is null or B is not a power of two in [32, 2048]
     */
    public BlockLayout {
        if (kind == null) {
            throw new IllegalArgumentException("block layout kind must not be null");
        }
        if (blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size must be a power of two in [" + MIN_BLOCK_SIZE + ", "
                    + MAX_BLOCK_SIZE + "], got " + blockSize);
        }
    }

    /** Row segments of B elements. */
    public static BlockLayout rowSegments(int blockSize) {
        return new BlockLayout(Kind.ROW_SEGMENTS, blockSize);
    }

    /** B × B tiles. */
    public static BlockLayout tiles(int blockSize) {
        return new BlockLayout(Kind.TILES, blockSize);
    }

    /** Number of blocks (= scales) for a rows × cols matrix stored in {@code mode}; formulas in the class comment. */
    public int blockCount(StorageMode mode, int rows, int cols) {
        int b = blockSize;
        long count;
        if (mode == StorageMode.STRICTLY_LOWER) {
            if (kind == Kind.ROW_SEGMENTS) {
                count = ceilDiv(mode.codeCount(rows, cols), b);
            } else {
                long t = ceilDiv(rows, b);
                count = t * (t + 1) / 2;
            }
        } else if (kind == Kind.ROW_SEGMENTS) {
            count = (long) rows * ceilDiv(cols, b);
        } else {
            count = ceilDiv(rows, b) * ceilDiv(cols, b);
        }
        return Math.toIntExact(count);
    }

    /**
     * Scale index of element (i, j) of a rows × cols matrix in {@code mode}; for STRICTLY_LOWER, j &lt; i.
     * Cost: O(1).
     */
    int blockOf(StorageMode mode, int cols, int i, int j) {
        int b = blockSize;
        if (mode == StorageMode.STRICTLY_LOWER) {
            if (kind == Kind.ROW_SEGMENTS) {
                return (int) (triangleIndex(i, j) / b);
            }
            int ti = i / b;
            return ti * (ti + 1) / 2 + j / b;
        }
        int perRow = (int) ceilDiv(cols, b);
        return kind == Kind.ROW_SEGMENTS ? i * perRow + j / b : (i / b) * perRow + j / b;
    }

    /** Position of strictly-lower element (i, j), j &lt; i, in the row-major order over the strictly lower triangle. */
    static long triangleIndex(int i, int j) {
        return (long) i * (i - 1) / 2 + j;
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    @Override
    public String toString() {
        return (kind == Kind.ROW_SEGMENTS ? "row-segments(" : "tiles(") + blockSize + ")";
    }
}
