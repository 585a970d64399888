package io.qshampoo.quant;

import java.util.ArrayList;
import java.util.List;

/**
 * A deliberately naive second implementation of the block quantizer, written from the documented
 * conventions only: every block is an explicit list of (i, j) positions, absmax uses Math.abs/Math.max on
 * floats, codes come from the reference {@link CodeTable#encode}. The CPU quantizer must agree with it bit
 * for bit. Slow (allocates per element); tests only.
 */
final class NaiveQuantizer {

    /** Codes in stored order (unpacked), scales in block order, the fp32 diagonal (or null), D(Q(x)) row-major. */
    record Result(int[] codes, float[] scales, float[] diagonal, float[] dequantized) {
    }

    private NaiveQuantizer() {
    }

    /** The blocks of the layout, in scale order; each block's positions in stored order. */
    static List<List<int[]>> blocks(int rows, int cols, StorageMode mode, BlockLayout layout) {
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
        List<int[]> seq = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < i; j++) {
                seq.add(new int[] {i, j});
            }
        }
        if (!tiles) {
            for (int s = 0; s < seq.size(); s += b) {
                out.add(new ArrayList<>(seq.subList(s, Math.min(s + b, seq.size()))));
            }
        } else {
            int nt = (rows + b - 1) / b;
            for (int ti = 0; ti < nt; ti++) {
                for (int tj = 0; tj <= ti; tj++) {
                    List<int[]> blk = new ArrayList<>();
                    for (int[] p : seq) {
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

    static int storedIndex(int i, int j, int cols, StorageMode mode) {
        return mode == StorageMode.STRICTLY_LOWER ? i * (i - 1) / 2 + j : i * cols + j;
    }

    static Result quantize(float[] x, int rows, int cols, StorageMode mode, CodeTable table, BlockLayout layout) {
        float[] work = x.clone();
        float[] diag = null;
        if (mode != StorageMode.FULL) {
            diag = new float[rows];
            for (int i = 0; i < rows; i++) {
                diag[i] = x[i * cols + i];
                if (mode == StorageMode.DIAG_REAL) {
                    work[i * cols + i] = 0f;
                }
            }
        }
        int count = (int) mode.codeCount(rows, cols);
        int[] codes = new int[count];
        List<List<int[]>> blocks = blocks(rows, cols, mode, layout);
        float[] scales = new float[blocks.size()];
        float[] deq = new float[rows * cols];
        for (int k = 0; k < blocks.size(); k++) {
            float n = 0f;
            for (int[] p : blocks.get(k)) {
                n = Math.max(n, Math.abs(work[p[0] * cols + p[1]]));
            }
            scales[k] = n;
            float s = n > 0f ? 1f / n : 0f;
            for (int[] p : blocks.get(k)) {
                int c = table.encode(work[p[0] * cols + p[1]] * s);
                codes[storedIndex(p[0], p[1], cols, mode)] = c;
                deq[p[0] * cols + p[1]] = table.value(c) * n;
            }
        }
        if (diag != null) {
            for (int i = 0; i < rows; i++) {
                deq[i * cols + i] = diag[i];
            }
        }
        return new Result(codes, scales, diag, deq);
    }
}
