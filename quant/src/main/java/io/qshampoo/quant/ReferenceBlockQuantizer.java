package io.qshampoo.quant;

import java.util.ArrayList;
import java.util.List;

/**
 * The readable {@link BlockQuantizer}: the contract's five steps written out literally, one block at a time,
 * from the documented conventions alone (Li et al. §3.2, Eqs. 3–4, with the official CUDA kernels' fp32
 * arithmetic). Every block is an explicit list of (i, j) positions in stored order ({@link #blocks}); absmax is
 * {@code Math.max(Math.abs(..))} on floats; each code is {@link CodeTable#encode}, the reference rule.
 *
 * <p>This is the reference the fast {@link CpuBlockQuantizer} (and a GPU quantizer) must equal bit for bit; the
 * quant test-jar's {@code BlockQuantizerContract} checks every implementation, this one included, against it and
 * against the official kernels' golden vectors. Read it to learn what the quantizer does; use the fast one to run.
 *
 * <p>Cost: O(rows·cols) time with a large constant, and one {@code int[2]} per stored element per call. Instances
 * are immutable and thread-safe.
 */
public final class ReferenceBlockQuantizer implements BlockQuantizer {

    private final CodeTable table;
    private final BlockLayout layout;

    private ReferenceBlockQuantizer(CodeTable table, BlockLayout layout) {
        if (table == null || layout == null) {
            throw new IllegalArgumentException("table and layout must not be null");
        }
        this.table = table;
        this.layout = layout;
    }

    /** The reference quantizer for {@code table} and {@code layout}. */
    public static ReferenceBlockQuantizer of(CodeTable table, BlockLayout layout) {
        return new ReferenceBlockQuantizer(table, layout);
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
     * The blocks of {@code layout} over the elements {@code mode} stores, in scale order; each block lists its
     * (i, j) positions in stored order. Row segments: B consecutive stored elements of a row (for STRICTLY_LOWER,
     * B consecutive elements of the row-major strictly-lower sequence, which may span rows). Tiles: B×B tiles in
     * row-major tile order (for STRICTLY_LOWER only the tiles on or below the diagonal, each with its
     * strictly-lower elements).
     */
    public static List<List<int[]>> blocks(int rows, int cols, StorageMode mode, BlockLayout layout) {
        QuantizerChecks.shape(rows, cols, mode);
        int b = layout.blockSize();
        boolean tiles = layout.kind() == BlockLayout.Kind.TILES;
        List<List<int[]>> out = new ArrayList<>();
        if (mode != StorageMode.STRICTLY_LOWER) {
            if (!tiles) {
                for (int i = 0; i < rows; i++) {
                    for (int s = 0; s < cols; s += b) {
                        List<int[]> blk = new ArrayList<>();
                        for (int j = s; j < Math.min(s + b, cols); j++) {
                            blk.add(new int[] {i, j});
                        }
                        out.add(blk);
                    }
                }
            } else {
                for (int ti = 0; ti < rows; ti += b) {
                    for (int tj = 0; tj < cols; tj += b) {
                        List<int[]> blk = new ArrayList<>();
                        for (int i = ti; i < Math.min(ti + b, rows); i++) {
                            for (int j = tj; j < Math.min(tj + b, cols); j++) {
                                blk.add(new int[] {i, j});
                            }
                        }
                        out.add(blk);
                    }
                }
            }
            return out;
        }
        List<int[]> sequence = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < i; j++) {
                sequence.add(new int[] {i, j});
            }
        }
        if (!tiles) {
            for (int s = 0; s < sequence.size(); s += b) {
                out.add(new ArrayList<>(sequence.subList(s, Math.min(s + b, sequence.size()))));
            }
        } else {
            int nt = (rows + b - 1) / b;
            for (int ti = 0; ti < nt; ti++) {
                for (int tj = 0; tj <= ti; tj++) {
                    List<int[]> blk = new ArrayList<>();
                    for (int[] p : sequence) {
                        if (p[0] / b == ti && p[1] / b == tj) {
                            blk.add(p);
                        }
                    }
                    out.add(blk);
                }
            }
        }
        return out;
    }

    /** Index of element (i, j) in the stored code sequence of {@code mode}. */
    static int storedIndex(int i, int j, int cols, StorageMode mode) {
        return mode == StorageMode.STRICTLY_LOWER ? (int) StorageMode.triangleIndex(i, j) : i * cols + j;
    }

    @Override
    public void quantize(float[] src, int rows, int cols, StorageMode mode, byte[] codes, float[] scales,
                         float[] diagonal) {
        QuantizerChecks.arguments(src == null ? -1 : src.length, rows, cols, mode, codes, scales, diagonal,
                table.bits(), layout);
        for (int i = 0; i < rows; i++) {
            int end = mode == StorageMode.STRICTLY_LOWER ? i + 1 : cols;
            for (int j = 0; j < end; j++) {
                if (!Float.isFinite(src[i * cols + j])) {
                    throw QuantizerChecks.nonFinite(src, rows, cols, mode);
                }
            }
        }
        if (mode.keepsDiagonal()) {
            for (int i = 0; i < rows; i++) {
                diagonal[i] = src[i * cols + i];
            }
        }
        int[] stored = new int[Math.toIntExact(mode.codeCount(rows, cols))];
        List<List<int[]>> blocks = blocks(rows, cols, mode, layout);
        for (int k = 0; k < blocks.size(); k++) {
            // Step 1: N = max |x| over the block; under DIAG_REAL the diagonal counts as 0.
            float n = 0f;
            for (int[] p : blocks.get(k)) {
                n = Math.max(n, Math.abs(element(src, p, cols, mode)));
            }
            scales[k] = n;
            // Step 2: scale = fl(1/N), or 0 for an all-zero block.
            float scale = n > 0f ? 1f / n : 0f;
            for (int[] p : blocks.get(k)) {
                // Steps 3–4: x̄ = fl(x·scale), then the nearest table entry.
                stored[storedIndex(p[0], p[1], cols, mode)] = table.encode(element(src, p, cols, mode) * scale);
            }
        }
        byte[] packed = PackedCodes.pack(table.bits(), stored).toByteArray();
        System.arraycopy(packed, 0, codes, 0, packed.length);
    }

    private static float element(float[] src, int[] p, int cols, StorageMode mode) {
        return mode == StorageMode.DIAG_REAL && p[0] == p[1] ? 0f : src[p[0] * cols + p[1]];
    }

    @Override
    public void quantize(double[] src, int rows, int cols, StorageMode mode, byte[] codes, float[] scales,
                         float[] diagonal) {
        QuantizerChecks.arguments(src == null ? -1 : src.length, rows, cols, mode, codes, scales, diagonal,
                table.bits(), layout);
        float[] rounded = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            int end = mode == StorageMode.STRICTLY_LOWER ? i + 1 : cols;
            for (int j = 0; j < end; j++) {
                float v = (float) src[i * cols + j];
                if (!Float.isFinite(v)) {
                    throw QuantizerChecks.nonFinite(src, rows, cols, mode);
                }
                rounded[i * cols + j] = v;
            }
        }
        quantize(rounded, rows, cols, mode, codes, scales, diagonal);
    }

    @Override
    public void dequantize(byte[] codes, float[] scales, float[] diagonal, int rows, int cols, StorageMode mode,
                           float[] dst) {
        QuantizerChecks.arguments(dst == null ? -1 : dst.length, rows, cols, mode, codes, scales, diagonal,
                table.bits(), layout);
        int[] stored = PackedCodes.of(table.bits(), Math.toIntExact(mode.codeCount(rows, cols)), codes).unpack();
        for (int i = 0; i < rows * cols; i++) {
            dst[i] = 0f;
        }
        List<List<int[]>> blocks = blocks(rows, cols, mode, layout);
        for (int k = 0; k < blocks.size(); k++) {
            for (int[] p : blocks.get(k)) {
                // Step 5: x' = M(code)·N.
                dst[p[0] * cols + p[1]] = table.value(stored[storedIndex(p[0], p[1], cols, mode)]) * scales[k];
            }
        }
        if (mode.keepsDiagonal()) {
            for (int i = 0; i < rows; i++) {
                dst[i * cols + i] = diagonal[i];
            }
        }
    }

    @Override
    public void dequantize(byte[] codes, float[] scales, float[] diagonal, int rows, int cols, StorageMode mode,
                           double[] dst) {
        QuantizerChecks.arguments(dst == null ? -1 : dst.length, rows, cols, mode, codes, scales, diagonal,
                table.bits(), layout);
        float[] f = new float[rows * cols];
        dequantize(codes, scales, diagonal, rows, cols, mode, f);
        for (int i = 0; i < rows * cols; i++) {
            dst[i] = f[i];
        }
    }
}
