package io.qshampoo.quant;

import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveTask;

/**
 * The fast CPU {@link BlockQuantizer}: the contract's steps fused into tight loops (and, on JDK 25, vector lanes),
 * bit-identical to the readable {@link ReferenceBlockQuantizer}, in fp32 (Java float arithmetic is IEEE binary32 with round-to-nearest-even, no fused multiply-add and no
 * flush-to-zero, like CUDA without {@code --use_fast_math}).
 *
 * <p>Implementation notes, none of which changes a result:
 * <ul>
 *   <li>the inner loops live in a {@link BlockKernel} for the table: a portable scalar one, or on JDK 25 a
 *       Vector API one (16 fp32 lanes) from the multi-release jar when {@code jdk.incubator.vector} is loaded
 *       ({@code --add-modules jdk.incubator.vector}; {@code -Dqshampoo.quant.simd=false} turns it off);
 *       {@link #kernel()} says which runs. Both are tested bit for bit against the reference rule, and
 *       exhaustively over every fp32 x̄ in [−1, 1] under the {@code extended} profile;</li>
 *   <li>absmax is the maximum of the fp32 bit patterns with the sign bit cleared: for non-negative floats
 *       the integer order is the value order, and NaN/∞ patterns are larger than every finite one, so the
 *       same pass detects non-finite input;</li>
 *   <li>the code comes from the table's bucket accelerator, {@link CodeTable#encodeFinite}, which returns
 *       exactly {@link CodeTable#encode}'s result (one table load indexed by the top 18 bits of x̄, and a
 *       comparison: for 4-bit codes only near a threshold), inlined in the 8-bit loop, four 4-bit codes per
 *       test in the scalar kernel ({@link GroupedBucketEncoder}), or on the Vector API a branch-free binary
 *       search over the thresholds; blocks with scale = +∞ (where x̄ can be NaN) use {@code encode} itself;</li>
 *   <li>with the Vector API kernel, 4-bit row segments of a FULL matrix with an even column count (every
 *       row starts on a byte) go through the kernel's row loop, absmax and codes block after block;</li>
 *   <li>the parallel variant splits rows (row segments), tile rows (tiles) or runs of blocks
 *       (strictly-lower row segments) into chunks that start at a multiple of 8 stored elements, i.e. on a
 *       byte boundary for 3-, 4- and 8-bit codes, so chunks never write the same byte. Its output is
 *       bit-identical to the sequential one.</li>
 * </ul>
 * Cost: quantize reads every stored element twice (absmax pass, encode pass; for row segments the two
 * passes run per block, so the second read hits L1) and writes b/8 bytes per element plus 4 per block;
 * dequantize reads b/8 bytes and writes 4 (float) or 8 (double) bytes per element. For 4-bit codes of a
 * 4096² matrix, single-threaded, on a 2-core AVX-512 VM shared with other builds, quantizing ran at 22–28% of
 * {@code System.arraycopy}'s speed (thread CPU time) with the scalar kernel on JDK 17 and at 44–72% with the
 * Vector API kernel, dequantizing at 60–74% and 77–126% (bench/RESULTS.md; the copy's own time varies by 1.5×
 * from run to run). Allocation: O(cols) scratch per call/chunk, nothing per block or element. Instances are
 * immutable and thread-safe.
 */
public final class CpuBlockQuantizer implements BlockQuantizer {

    private final CodeTable table;
    private final BlockLayout layout;
    private final ForkJoinPool pool;
    private final BlockKernel kernel;

    private CpuBlockQuantizer(CodeTable table, BlockLayout layout, ForkJoinPool pool) {
        if (table == null || layout == null) {
            throw new IllegalArgumentException("table and layout must not be null");
        }
        this.table = table;
        this.layout = layout;
        this.pool = pool;
        this.kernel = BlockKernels.forTable(table);
    }

    /** Single-threaded quantizer. */
    public static CpuBlockQuantizer sequential(CodeTable table, BlockLayout layout) {
        return new CpuBlockQuantizer(table, layout, null);
    }

    /** Quantizer that splits each call over {@code pool}; results are identical to {@link #sequential}. */
    public static CpuBlockQuantizer parallel(CodeTable table, BlockLayout layout, ForkJoinPool pool) {
        if (pool == null) {
            throw new IllegalArgumentException("pool must not be null");
        }
        return new CpuBlockQuantizer(table, layout, pool);
    }

    /** Parallel quantizer on the common fork-join pool. */
    public static CpuBlockQuantizer parallel(CodeTable table, BlockLayout layout) {
        return parallel(table, layout, ForkJoinPool.commonPool());
    }

    @Override
    public CodeTable table() {
        return table;
    }

    @Override
    public BlockLayout layout() {
        return layout;
    }

    /**
     * Which inner loops run, for reports: {@code "scalar"}, or the Vector API kernel of the multi-release jar
     * on JDK 25 (see {@link BlockKernel}); with the reason when the Vector API kernel is not used.
     */
    public String kernel() {
        return BlockKernels.description();
    }

    /** Whether calls are split over a fork-join pool. */
    public boolean isParallel() {
        return pool != null;
    }

    @Override
    public void quantize(float[] src, int rows, int cols, StorageMode mode, byte[] codes, float[] scales, float[] diagonal) {
        check(src == null ? -1 : src.length, rows, cols, mode, codes, scales, diagonal);
        if (!quantize(src, null, rows, cols, mode, codes, scales, diagonal)) {
            throw QuantizerChecks.nonFinite(src, rows, cols, mode);
        }
    }

    @Override
    public void quantize(double[] src, int rows, int cols, StorageMode mode, byte[] codes, float[] scales, float[] diagonal) {
        check(src == null ? -1 : src.length, rows, cols, mode, codes, scales, diagonal);
        if (!quantize(null, src, rows, cols, mode, codes, scales, diagonal)) {
            throw QuantizerChecks.nonFinite(src, rows, cols, mode);
        }
    }

    @Override
    public void dequantize(byte[] codes, float[] scales, float[] diagonal, int rows, int cols, StorageMode mode, float[] dst) {
        check(dst == null ? -1 : dst.length, rows, cols, mode, codes, scales, diagonal);
        dequantize(codes, scales, diagonal, rows, cols, mode, dst, null);
    }

    @Override
    public void dequantize(byte[] codes, float[] scales, float[] diagonal, int rows, int cols, StorageMode mode, double[] dst) {
        check(dst == null ? -1 : dst.length, rows, cols, mode, codes, scales, diagonal);
        dequantize(codes, scales, diagonal, rows, cols, mode, null, dst);
    }

    private void check(int length, int rows, int cols, StorageMode mode, byte[] codes, float[] scales, float[] diagonal) {
        QuantizerChecks.arguments(length, rows, cols, mode, codes, scales, diagonal, table.bits(), layout);
    }

    /** Returns false when a non-finite element was met (the caller then reports the first one). */
    private boolean quantize(float[] f, double[] d, int rows, int cols, StorageMode mode,
                             byte[] codes, float[] scales, float[] diagonal) {
        int b = layout.blockSize();
        boolean tiles = layout.kind() == BlockLayout.Kind.TILES;
        boolean ok;
        if (mode == StorageMode.STRICTLY_LOWER) {
            Worker w = new Worker(this, f, d, rows, cols, codes, scales, diagonal);
            if (!w.diagonal()) {
                return false;
            }
            ok = tiles
                    ? forChunks((int) BlockLayout.ceilDiv(rows, b), 1, (lo, hi) ->
                            new Worker(this, f, d, rows, cols, codes, scales, diagonal).triangleTiles(lo, hi))
                    : forChunks(scales.length, 1, (lo, hi) ->
                            new Worker(this, f, d, rows, cols, codes, scales, diagonal).triangleRuns(lo, hi));
        } else {
            boolean diagReal = mode == StorageMode.DIAG_REAL;
            ok = tiles
                    ? forChunks((int) BlockLayout.ceilDiv(rows, b), 1, (lo, hi) ->
                            new Worker(this, f, d, rows, cols, codes, scales, diagonal).tileRows(lo, hi, diagReal))
                    : forChunks(rows, 8, (lo, hi) ->
                            new Worker(this, f, d, rows, cols, codes, scales, diagonal).rowSegments(lo, hi, diagReal));
        }
        PackedCodes.clearPadding(codes, table.bits(), (int) mode.codeCount(rows, cols));
        return ok;
    }

    private void dequantize(byte[] codes, float[] scales, float[] diagonal, int rows, int cols, StorageMode mode,
                            float[] df, double[] dd) {
        forChunks(rows, 1, (lo, hi) -> {
            new Worker(this, null, null, rows, cols, codes, scales, diagonal).decodeRows(lo, hi, mode, df, dd);
            return true;
        });
    }

    @FunctionalInterface
    private interface Chunk {
        boolean run(int from, int to);
    }

    /**
     * Runs body over [0, units), split at multiples of {@code align} into about 4 chunks per pool thread when
     * parallel; returns the AND of the chunks' results. On the common pool the calling thread works too.
     */
    private boolean forChunks(int units, int align, Chunk body) {
        int groups = (int) BlockLayout.ceilDiv(units, align);
        if (pool == null || groups < 2) {
            return body.run(0, units);
        }
        int threads = pool == ForkJoinPool.commonPool() ? pool.getParallelism() + 1 : pool.getParallelism();
        int leaf = (int) BlockLayout.ceilDiv(groups, Math.min(groups, 4 * threads));
        Split root = new Split(body, 0, groups, leaf, align, units);
        return pool == ForkJoinPool.commonPool() ? root.invoke() : pool.invoke(root);
    }

    /** Fork-join split of [lo, hi) groups of {@code align} units down to {@code leaf} groups. */
    private static final class Split extends RecursiveTask<Boolean> {
        private static final long serialVersionUID = 1L;
        private final transient Chunk body;
        private final int lo;
        private final int hi;
        private final int leaf;
        private final int align;
        private final int units;

        Split(Chunk body, int lo, int hi, int leaf, int align, int units) {
            this.body = body;
            this.lo = lo;
            this.hi = hi;
            this.leaf = leaf;
            this.align = align;
            this.units = units;
        }

        @Override
        protected Boolean compute() {
            if (hi - lo <= leaf) {
                return body.run(lo * align, (int) Math.min((long) hi * align, units));
            }
            int mid = (lo + hi) >>> 1;
            Split left = new Split(body, lo, mid, leaf, align, units);
            Split right = new Split(body, mid, hi, leaf, align, units);
            right.fork();
            boolean ok = left.compute();
            return right.join() & ok;
        }
    }

    /** Per-call (per-chunk) state: the source, the outputs and an O(cols) scratch row. */
    private static final class Worker {
        final CodeTable table;
        final int bits;
        final int b;
        final float[] f;
        final double[] d;
        final int rows;
        final int cols;
        final byte[] codes;
        final float[] scales;
        final float[] diag;
        final float[] values;
        // the table's bucket accelerator (null: none) and thresholds, see CodeTable.encodeFinite
        final byte[] buckets;
        final float[] th;
        final boolean tiles;
        final BlockKernel kernel;
        float[] scratch;
        /** The array that the last {@link #load} made element (i, j) readable in, at offset + j. */
        float[] arr;

        Worker(CpuBlockQuantizer q, float[] f, double[] d, int rows, int cols, byte[] codes, float[] scales, float[] diag) {
            this.table = q.table;
            this.bits = q.table.bits();
            this.b = q.layout.blockSize();
            this.f = f;
            this.d = d;
            this.rows = rows;
            this.cols = cols;
            this.codes = codes;
            this.scales = scales;
            this.diag = diag;
            this.values = table.valuesArray();
            this.buckets = table.buckets();
            this.th = table.thresholdsArray();
            this.tiles = q.layout.kind() == BlockLayout.Kind.TILES;
            this.kernel = q.kernel;
        }

        /** Makes elements (i, from … to−1) readable as arr[offset + j]; returns the offset. */
        int load(int i, int from, int to) {
            if (f != null) {
                arr = f;
                return i * cols;
            }
            if (scratch == null) {
                scratch = new float[cols];
            }
            int o = i * cols;
            for (int j = from; j < to; j++) {
                scratch[j] = (float) d[o + j];
            }
            arr = scratch;
            return 0;
        }

        int maxAbsBits(float[] a, int from, int to) {
            return kernel.maxAbsBits(a, from, to);
        }

        // ---------------------------------------------------------------- FULL / DIAG_REAL, row segments

        boolean rowSegments(int r0, int r1, boolean diagReal) {
            int perRow = (int) BlockLayout.ceilDiv(cols, b);
            // 4-bit, no diagonal, every row starting on a byte: the kernel's own row loop, where it has a faster one
            boolean fused = kernel.fusesRows() && kernel.fourBit && !diagReal && (cols & 1) == 0;
            for (int i = r0; i < r1; i++) {
                int off = load(i, 0, cols);
                float[] a = arr;
                if (fused) {
                    if (!kernel.rowSegments4(a, off, cols, b, scales, i * perRow, codes, (i * cols) >>> 1)) {
                        return false;
                    }
                    continue;
                }
                if (diagReal) {
                    float v = a[off + i];
                    if (!Float.isFinite(v)) {
                        return false;
                    }
                    diag[i] = v;
                }
                for (int r = 0, s = 0; s < cols; r++, s += b) {
                    int e = Math.min(s + b, cols);
                    boolean hasDiag = diagReal && i >= s && i < e;
                    int m = hasDiag
                            ? Math.max(maxAbsBits(a, off + s, off + i), maxAbsBits(a, off + i + 1, off + e))
                            : maxAbsBits(a, off + s, off + e);
                    if (m >= BlockKernel.INF_BITS) {
                        return false;
                    }
                    float n = Float.intBitsToFloat(m);
                    scales[i * perRow + r] = n;
                    encodeSegment(a, off, s, e, BlockKernel.reciprocal(n), i * cols, hasDiag ? i : -1);
                }
            }
            return true;
        }

        // ---------------------------------------------------------------- FULL / DIAG_REAL, tiles

        boolean tileRows(int t0, int t1, boolean diagReal) {
            int perRow = (int) BlockLayout.ceilDiv(cols, b);
            int[] m = new int[perRow];
            float[] sc = new float[perRow];
            for (int ti = t0; ti < t1; ti++) {
                int r0 = ti * b;
                int r1 = Math.min(r0 + b, rows);
                Arrays.fill(m, 0);
                for (int i = r0; i < r1; i++) {
                    int off = load(i, 0, cols);
                    float[] a = arr;
                    if (diagReal) {
                        float v = a[off + i];
                        if (!Float.isFinite(v)) {
                            return false;
                        }
                        diag[i] = v;
                    }
                    for (int tj = 0, s = 0; s < cols; tj++, s += b) {
                        int e = Math.min(s + b, cols);
                        int mm = diagReal && i >= s && i < e
                                ? Math.max(maxAbsBits(a, off + s, off + i), maxAbsBits(a, off + i + 1, off + e))
                                : maxAbsBits(a, off + s, off + e);
                        m[tj] = Math.max(m[tj], mm);
                    }
                }
                for (int tj = 0; tj < perRow; tj++) {
                    if (m[tj] >= BlockKernel.INF_BITS) {
                        return false;
                    }
                    float n = Float.intBitsToFloat(m[tj]);
                    scales[ti * perRow + tj] = n;
                    sc[tj] = BlockKernel.reciprocal(n);
                }
                for (int i = r0; i < r1; i++) {
                    int off = load(i, 0, cols);
                    float[] a = arr;
                    for (int tj = 0, s = 0; s < cols; tj++, s += b) {
                        int e = Math.min(s + b, cols);
                        encodeSegment(a, off, s, e, sc[tj], i * cols, diagReal && i >= s && i < e ? i : -1);
                    }
                }
            }
            return true;
        }

        // ---------------------------------------------------------------- STRICTLY_LOWER

        boolean diagonal() {
            for (int i = 0; i < rows; i++) {
                int off = load(i, i, i + 1);
                float v = arr[off + i];
                if (!Float.isFinite(v)) {
                    return false;
                }
                diag[i] = v;
            }
            return true;
        }

        /** Blocks [k0, k1) of the flat runs of B over the strictly-lower sequence. */
        boolean triangleRuns(int k0, int k1) {
            long total = (long) rows * (rows - 1) / 2;
            for (int k = k0; k < k1; k++) {
                int t0 = k * b;
                int t1 = (int) Math.min((long) t0 + b, total);
                int i0 = StorageMode.triangleRow(t0);
                int j0 = (int) (t0 - (long) i0 * (i0 - 1) / 2);
                int m = 0;
                for (int i = i0, j = j0, t = t0; t < t1; ) {
                    int len = Math.min(i - j, t1 - t);
                    int off = load(i, j, j + len);
                    m = Math.max(m, maxAbsBits(arr, off + j, off + j + len));
                    t += len;
                    j += len;
                    if (j == i) {
                        i++;
                        j = 0;
                    }
                }
                if (m >= BlockKernel.INF_BITS) {
                    return false;
                }
                float n = Float.intBitsToFloat(m);
                scales[k] = n;
                float scale = BlockKernel.reciprocal(n);
                for (int i = i0, j = j0, t = t0; t < t1; ) {
                    int len = Math.min(i - j, t1 - t);
                    int off = load(i, j, j + len);
                    encodeRun(arr, off + j, off + j + len, scale, t);
                    t += len;
                    j += len;
                    if (j == i) {
                        i++;
                        j = 0;
                    }
                }
            }
            return true;
        }

        /** Tile rows [t0, t1) of the lower tiles (I, J), J ≤ I. */
        boolean triangleTiles(int t0, int t1) {
            int nt = (int) BlockLayout.ceilDiv(rows, b);
            int[] m = new int[nt];
            float[] sc = new float[nt];
            for (int ti = t0; ti < t1; ti++) {
                int r0 = ti * b;
                int r1 = Math.min(r0 + b, rows);
                Arrays.fill(m, 0, ti + 1, 0);
                for (int i = r0; i < r1; i++) {
                    int off = load(i, 0, i);
                    for (int tj = 0, s = 0; s < i; tj++, s += b) {
                        m[tj] = Math.max(m[tj], maxAbsBits(arr, off + s, off + Math.min(s + b, i)));
                    }
                }
                int first = ti * (ti + 1) / 2;
                for (int tj = 0; tj <= ti; tj++) {
                    if (m[tj] >= BlockKernel.INF_BITS) {
                        return false;
                    }
                    float n = Float.intBitsToFloat(m[tj]);
                    scales[first + tj] = n;
                    sc[tj] = BlockKernel.reciprocal(n);
                }
                for (int i = r0; i < r1; i++) {
                    int off = load(i, 0, i);
                    for (int tj = 0, s = 0; s < i; tj++, s += b) {
                        encodeRun(arr, off + s, off + Math.min(s + b, i), sc[tj], (int) BlockLayout.triangleIndex(i, s));
                    }
                }
            }
            return true;
        }

        // ---------------------------------------------------------------- encoding

        /**
         * Codes of row elements s … e−1 (at a[off + j]) with the given scale, written as codes g + j. A DIAG_REAL
         * diagonal column d (or −1) is not encoded: its slot gets the code of 0·scale, as the kernel zeroes it.
         */
        void encodeSegment(float[] a, int off, int s, int e, float scale, int g, int d) {
            if (d < 0) {
                encodeRun(a, off + s, off + e, scale, g + s);
            } else {
                encodeRun(a, off + s, off + d, scale, g + s);
                PackedCodes.set(codes, bits, g + d, table.encode(0f * scale));
                encodeRun(a, off + d + 1, off + e, scale, g + d + 1);
            }
        }

        /** Codes of a[from … to−1]·scale, written as codes g0, g0 + 1, … */
        void encodeRun(float[] a, int from, int to, float scale, int g0) {
            if (scale == Float.POSITIVE_INFINITY || buckets == null) {
                // N < 2^-128: 0·∞ = NaN and ±x·∞ = ±∞ are possible; the reference rule maps them like the kernel.
                for (int k = from; k < to; k++) {
                    PackedCodes.set(codes, bits, g0 + k - from, table.encode(a[k] * scale));
                }
            } else if (bits == 4) {
                encodeRun4(a, from, to, scale, g0);
            } else if (bits == 8) {
                encodeRun8(a, from, to, scale, g0);
            } else {
                for (int k = from; k < to; k++) {
                    PackedCodes.set(codes, bits, g0 + k - from, table.encodeFinite(a[k] * scale));
                }
            }
        }

        /** 4-bit fast path: an odd head or tail code alone, the pairs between by {@link BlockKernel#encode4}. */
        private void encodeRun4(float[] a, int from, int to, float scale, int g0) {
            final byte[] out = codes;
            int k = from;
            int g = g0;
            if ((g & 1) != 0 && k < to) {
                PackedCodes.set(out, 4, g, table.encodeFinite(a[k] * scale));
                k++;
                g++;
            }
            int pairEnd = k + ((to - k) & ~1);
            kernel.encode4(a, k, pairEnd, scale, out, g >>> 1);
            k = pairEnd;
            if (k < to) {
                PackedCodes.set(out, 4, g0 + (k - from), table.encodeFinite(a[k] * scale));
            }
        }

        /** 8-bit fast path, {@link CodeTable#encodeFinite} inlined: a bucket load and a comparison per element. */
        private void encodeRun8(float[] a, int from, int to, float scale, int g0) {
            final byte[] bk = buckets;
            final float[] t = th;
            final byte[] out = codes;
            final int shift = g0 - from;
            for (int k = from; k < to; k++) {
                float x = a[k] * scale;
                int c = bk[Float.floatToRawIntBits(x) >>> CodeTable.BUCKET_SHIFT] & 0xff;
                out[k + shift] = (byte) (x > t[c] ? c + 1 : c);
            }
        }

        // ---------------------------------------------------------------- decoding

        void decodeRows(int r0, int r1, StorageMode mode, float[] df, double[] dd) {
            int perRow = (int) BlockLayout.ceilDiv(cols, b);
            boolean tiles = this.tiles;
            for (int i = r0; i < r1; i++) {
                int o = i * cols;
                if (mode == StorageMode.STRICTLY_LOWER) {
                    int ti = i / b;
                    for (int j = 0; j < i; ) {
                        int t = (int) BlockLayout.triangleIndex(i, j);
                        int len;
                        float n;
                        if (tiles) {
                            len = Math.min(i, (j / b + 1) * b) - j;
                            n = scales[ti * (ti + 1) / 2 + j / b];
                        } else {
                            len = Math.min(i - j, (t / b + 1) * b - t);
                            n = scales[t / b];
                        }
                        decodeRun(t, len, n, df, dd, o + j);
                        j += len;
                    }
                    put(df, dd, o + i, diag[i]);
                    if (df != null) {
                        Arrays.fill(df, o + i + 1, o + cols, 0f);
                    } else {
                        Arrays.fill(dd, o + i + 1, o + cols, 0.0);
                    }
                } else {
                    int scaleRow = tiles ? (i / b) * perRow : i * perRow;
                    for (int r = 0, s = 0; s < cols; r++, s += b) {
                        decodeRun(o + s, Math.min(s + b, cols) - s, scales[scaleRow + r], df, dd, o + s);
                    }
                    if (mode == StorageMode.DIAG_REAL) {
                        put(df, dd, o + i, diag[i]);
                    }
                }
            }
        }

        static void put(float[] df, double[] dd, int k, float v) {
            if (df != null) {
                df[k] = v;
            } else {
                dd[k] = v;
            }
        }

        /** dst[off …] = M(code g0 …)·n for len codes, fp32 products (widened for double). */
        void decodeRun(int g0, int len, float n, float[] df, double[] dd, int off) {
            final float[] v = values;
            if (bits == 4) {
                int k = 0;
                if ((g0 & 1) != 0 && len > 0) {
                    put(df, dd, off, v[PackedCodes.get(codes, 4, g0)] * n);
                    k = 1;
                }
                final int pairs = (len - k) >>> 1;
                if (df != null) {
                    kernel.decode4(codes, (g0 + k) >>> 1, pairs, n, df, off + k);
                } else {
                    kernel.decode4(codes, (g0 + k) >>> 1, pairs, n, dd, off + k);
                }
                k += 2 * pairs;
                if (k < len) {
                    put(df, dd, off + k, v[PackedCodes.get(codes, 4, g0 + k)] * n);
                }
            } else if (bits == 8) {
                if (df != null) {
                    for (int k = 0; k < len; k++) {
                        df[off + k] = v[codes[g0 + k] & 0xff] * n;
                    }
                } else {
                    for (int k = 0; k < len; k++) {
                        dd[off + k] = v[codes[g0 + k] & 0xff] * n;
                    }
                }
            } else {
                for (int k = 0; k < len; k++) {
                    put(df, dd, off + k, v[PackedCodes.get(codes, bits, g0 + k)] * n);
                }
            }
        }
    }
}
