package io.qshampoo.quant;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable block-quantized matrix: shape, {@link StorageMode mode}, {@link QuantizationConfig config}
 * (mapping, bits, layout), packed codes, fp32 scales and, where the mode keeps it, the fp32 diagonal —
 * or, when the matrix has fewer than {@link QuantizationConfig#minElements()} elements, plain fp32 values.
 *
 * <p>Arrays are row-major {@code float[]}/{@code double[]} of length ≥ rows·cols, so an EJML
 * {@code DMatrixRMaj.data} goes in ({@link #quantize(double[], int, int, StorageMode, QuantizationConfig)})
 * and out ({@link #dequantizeInto(double[])}) without a copy. The {@code double[]} input is rounded to fp32
 * element by element first ({@code (float) x}), which is what a GPU implementation storing fp32 sees.
 *
 * <p>Invariants: quantized ⇔ codes and scales present ⇔ fp32 values absent; the diagonal is present iff
 * the matrix is quantized and the mode keeps it; buffer lengths are those of {@link BlockQuantizer}.
 * {@code D(Q(x))} deviates from x by at most N·{@link CodeTable#maxRoundingDistance()} per element plus fp32
 * rounding (a few ulps of N), N the block's absmax, for blocks with 2^-126 ≤ N &lt; 2^126.
 */
public final class QuantizedMatrix {

    private final int rows;
    private final int cols;
    private final StorageMode mode;
    private final QuantizationConfig config;
    private final byte[] codes;
    private final float[] scales;
    private final float[] diagonal;
    private final float[] fp32;

    private QuantizedMatrix(int rows, int cols, StorageMode mode, QuantizationConfig config,
                            byte[] codes, float[] scales, float[] diagonal, float[] fp32) {
        this.rows = rows;
        this.cols = cols;
        this.mode = mode;
        this.config = config;
        this.codes = codes;
        this.scales = scales;
        this.diagonal = diagonal;
        this.fp32 = fp32;
    }

    // ------------------------------------------------------------------------------------------ creation

    /**
     * Q(src) with the CPU reference quantizer of {@code config}. Cost: O(rows·cols), see {@link CpuBlockQuantizer}.
     *
     * @throws IllegalArgumentException on a bad shape, a short array, or a non-finite element (the message
     *                                  names the first one in row-major order among those the mode reads)
     */
    public static QuantizedMatrix quantize(float[] src, int rows, int cols, StorageMode mode, QuantizationConfig config) {
        return quantize(src, rows, cols, mode, config, null);
    }

    /** As the float overload, each element rounded to fp32 first; an element that overflows fp32 is refused. */
    public static QuantizedMatrix quantize(double[] src, int rows, int cols, StorageMode mode, QuantizationConfig config) {
        return quantize(src, rows, cols, mode, config, null);
    }

    /**
     * Q(src) computed by {@code quantizer} (e.g. a GPU implementation, or a parallel
     * {@link CpuBlockQuantizer}); null means {@code config.quantizer()}.
     *
     * @throws IllegalArgumentException also if the quantizer's table or layout differ from the config's
     */
    public static QuantizedMatrix quantize(float[] src, int rows, int cols, StorageMode mode, QuantizationConfig config,
                                           BlockQuantizer quantizer) {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(config, "config");
        QuantizerChecks.shape(rows, cols, mode);
        QuantizerChecks.arrayLength(src.length, rows, cols, "src");
        BlockQuantizer q = quantizerFor(config, quantizer);
        if (!config.quantizes(rows, cols)) {
            float[] v = new float[Math.toIntExact(mode.fp32Count(rows, cols))];
            int w = 0;
            for (int i = 0; i < rows; i++) {
                int end = mode == StorageMode.STRICTLY_LOWER ? i + 1 : cols;
                for (int j = 0; j < end; j++) {
                    float x = src[i * cols + j];
                    if (!Float.isFinite(x)) {
                        throw QuantizerChecks.nonFinite(src, rows, cols, mode);
                    }
                    v[w++] = x;
                }
            }
            return new QuantizedMatrix(rows, cols, mode, config, null, null, null, v);
        }
        byte[] c = new byte[PackedCodes.byteLength(config.bits(), Math.toIntExact(mode.codeCount(rows, cols)))];
        float[] s = new float[config.layout().blockCount(mode, rows, cols)];
        float[] d = mode.keepsDiagonal() ? new float[rows] : null;
        q.quantize(src, rows, cols, mode, c, s, d);
        return new QuantizedMatrix(rows, cols, mode, config, c, s, d, null);
    }

    /** As the float overload, each element rounded to fp32 first (no copy of src is made). */
    public static QuantizedMatrix quantize(double[] src, int rows, int cols, StorageMode mode, QuantizationConfig config,
                                           BlockQuantizer quantizer) {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(config, "config");
        QuantizerChecks.shape(rows, cols, mode);
        QuantizerChecks.arrayLength(src.length, rows, cols, "src");
        BlockQuantizer q = quantizerFor(config, quantizer);
        if (!config.quantizes(rows, cols)) {
            float[] v = new float[Math.toIntExact(mode.fp32Count(rows, cols))];
            int w = 0;
            for (int i = 0; i < rows; i++) {
                int end = mode == StorageMode.STRICTLY_LOWER ? i + 1 : cols;
                for (int j = 0; j < end; j++) {
                    float x = (float) src[i * cols + j];
                    if (!Float.isFinite(x)) {
                        throw QuantizerChecks.nonFinite(src, rows, cols, mode);
                    }
                    v[w++] = x;
                }
            }
            return new QuantizedMatrix(rows, cols, mode, config, null, null, null, v);
        }
        byte[] c = new byte[PackedCodes.byteLength(config.bits(), Math.toIntExact(mode.codeCount(rows, cols)))];
        float[] s = new float[config.layout().blockCount(mode, rows, cols)];
        float[] d = mode.keepsDiagonal() ? new float[rows] : null;
        q.quantize(src, rows, cols, mode, c, s, d);
        return new QuantizedMatrix(rows, cols, mode, config, c, s, d, null);
    }

    private static BlockQuantizer quantizerFor(QuantizationConfig config, BlockQuantizer q) {
        if (q == null) {
            return config.quantizer();
        }
        if (!q.table().equals(config.table()) || !q.layout().equals(config.layout())) {
            throw new IllegalArgumentException("quantizer (" + q.table() + ", " + q.layout() + ") does not match config ("
                    + config.table() + ", " + config.layout() + ")");
        }
        return q;
    }

    /**
     * A quantized matrix from existing storage, e.g. buffers a GPU kernel wrote (copied). Always quantized,
     * whatever {@code config.minElements()} says.
     *
     * @throws IllegalArgumentException if a buffer's length does not match the shape, mode and config (the
     *                                  message gives the expected length), a scale is negative or not finite,
     *                                  or a diagonal entry is not finite
     */
    public static QuantizedMatrix fromStorage(int rows, int cols, StorageMode mode, QuantizationConfig config,
                                              byte[] codes, float[] scales, float[] diagonal) {
        Objects.requireNonNull(config, "config");
        QuantizerChecks.shape(rows, cols, mode);
        QuantizerChecks.buffers(codes, scales, diagonal, rows, cols, mode, config.bits(), config.layout());
        QuantizerChecks.storedValues(scales, diagonal, "stored");
        return new QuantizedMatrix(rows, cols, mode, config, codes.clone(), scales.clone(),
                diagonal == null ? null : diagonal.clone(), null);
    }

    // ------------------------------------------------------------------------------------------ reading

    /**
     * Writes D(this) into the row-major {@code dst} (length ≥ rows·cols; extra elements untouched): every
     * element for FULL and DIAG_REAL, for STRICTLY_LOWER the lower triangle with its diagonal and zeros above.
     * Cost: O(rows·cols), no allocation beyond O(1) when single-threaded.
     */
    public void dequantizeInto(float[] dst) {
        dequantizeInto(dst, null);
    }

    /** As {@link #dequantizeInto(float[])}, each fp32 value widened exactly; e.g. pass {@code DMatrixRMaj.data}. */
    public void dequantizeInto(double[] dst) {
        dequantizeInto(dst, null);
    }

    /**
     * As {@link #dequantizeInto(float[])}, decoded by {@code quantizer} (e.g. a parallel or GPU one; null means
     * {@code config.quantizer()}); the result is the same.
     */
    public void dequantizeInto(float[] dst, BlockQuantizer quantizer) {
        Objects.requireNonNull(dst, "dst");
        QuantizerChecks.arrayLength(dst.length, rows, cols, "dst");
        if (fp32 != null) {
            expandFp32(dst, null);
        } else {
            quantizerFor(config, quantizer).dequantize(codes, scales, diagonal, rows, cols, mode, dst);
        }
    }

    /** As {@link #dequantizeInto(double[])}, decoded by {@code quantizer} (null: {@code config.quantizer()}). */
    public void dequantizeInto(double[] dst, BlockQuantizer quantizer) {
        Objects.requireNonNull(dst, "dst");
        QuantizerChecks.arrayLength(dst.length, rows, cols, "dst");
        if (fp32 != null) {
            expandFp32(null, dst);
        } else {
            quantizerFor(config, quantizer).dequantize(codes, scales, diagonal, rows, cols, mode, dst);
        }
    }

    /** D(this) as a new row-major float array of rows·cols elements. */
    public float[] dequantize() {
        float[] out = new float[rows * cols];
        dequantizeInto(out);
        return out;
    }

    private void expandFp32(float[] df, double[] dd) {
        int r = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                float v = mode == StorageMode.STRICTLY_LOWER && j > i ? 0f : fp32[r++];
                if (df != null) {
                    df[i * cols + j] = v;
                } else {
                    dd[i * cols + j] = v;
                }
            }
        }
    }

    /**
     * Element (i, j) of D(this), without dequantizing anything else: M(code)·N, the fp32 diagonal, 0 above
     * the diagonal of a STRICTLY_LOWER matrix, or the fp32 value. Cost: O(1).
     */
    public float get(int i, int j) {
        checkIndex(i, j);
        boolean lower = mode == StorageMode.STRICTLY_LOWER;
        if (lower && j > i) {
            return 0f;
        }
        if (fp32 != null) {
            return fp32[lower ? (int) ((long) i * (i + 1) / 2 + j) : i * cols + j];
        }
        if (mode != StorageMode.FULL && i == j) {
            return diagonal[i];
        }
        int g = lower ? (int) BlockLayout.triangleIndex(i, j) : i * cols + j;
        return config.table().value(PackedCodes.get(codes, config.bits(), g))
                * scales[config.layout().blockOf(mode, cols, i, j)];
    }

    /**
     * The stored code of element (i, j). Cost: O(1).
     *
     * @throws IllegalStateException    if the matrix is kept in fp32
     * @throws IllegalArgumentException if (i, j) has no code (on or above the diagonal of STRICTLY_LOWER)
     */
    public int code(int i, int j) {
        checkIndex(i, j);
        if (fp32 != null) {
            throw new IllegalStateException("a " + rows + " × " + cols + " matrix below minElements = "
                    + config.minElements() + " is stored in fp32 and has no codes");
        }
        if (mode == StorageMode.STRICTLY_LOWER) {
            if (j >= i) {
                throw new IllegalArgumentException("element [" + i + ", " + j + "] is not strictly lower and has no code");
            }
            return PackedCodes.get(codes, config.bits(), (int) BlockLayout.triangleIndex(i, j));
        }
        return PackedCodes.get(codes, config.bits(), i * cols + j);
    }

    /** The scale (block absmax N) that element (i, j) is decoded with; same preconditions as {@link #code}. */
    public float scaleOf(int i, int j) {
        code(i, j);
        return scales[config.layout().blockOf(mode, cols, i, j)];
    }

    private void checkIndex(int i, int j) {
        if (i < 0 || i >= rows || j < 0 || j >= cols) {
            throw new IndexOutOfBoundsException("element [" + i + ", " + j + "] outside a " + rows + " × " + cols + " matrix");
        }
    }

    /**
     * Exact storage, by part. Quantized: codes ceil(b·c/8) with c = rows·cols (FULL, DIAG_REAL) or n(n−1)/2
     * (STRICTLY_LOWER); scales 4·{@link BlockLayout#blockCount}; diagonal 4n (DIAG_REAL, STRICTLY_LOWER) or 0.
     * Kept in fp32: 4·rows·cols, or 4·n(n+1)/2 for STRICTLY_LOWER.
     */
    public StorageBytes bytes() {
        if (fp32 != null) {
            return new StorageBytes(0, 0, 0, 4L * fp32.length);
        }
        return new StorageBytes(codes.length, 4L * scales.length, diagonal == null ? 0 : 4L * diagonal.length, 0);
    }

    /** Number of rows. */
    public int rows() {
        return rows;
    }

    /** Number of columns. */
    public int cols() {
        return cols;
    }

    /** Storage mode. */
    public StorageMode mode() {
        return mode;
    }

    /** Mapping, bits, layout and size threshold. */
    public QuantizationConfig config() {
        return config;
    }

    /** False when the matrix was below the size threshold and is kept in fp32. */
    public boolean isQuantized() {
        return fp32 == null;
    }

    /** A copy of the packed codes (bit order: {@link PackedCodes}); null if kept in fp32. */
    public PackedCodes codes() {
        return fp32 != null ? null
                : PackedCodes.of(config.bits(), Math.toIntExact(mode.codeCount(rows, cols)), codes);
    }

    /** A copy of the block scales (each block's absmax N, in the layout's block order); null if kept in fp32. */
    public float[] scales() {
        return scales == null ? null : scales.clone();
    }

    /** A copy of the fp32 diagonal; null for FULL or if kept in fp32. */
    public float[] diagonal() {
        return diagonal == null ? null : diagonal.clone();
    }

    /**
     * A copy of the fp32 values of a matrix below the size threshold (row-major; the lower triangle with its
     * diagonal, row by row, for STRICTLY_LOWER); null if quantized.
     */
    public float[] fp32Values() {
        return fp32 == null ? null : fp32.clone();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof QuantizedMatrix)) {
            return false;
        }
        QuantizedMatrix q = (QuantizedMatrix) o;
        return rows == q.rows && cols == q.cols && mode == q.mode && config.equals(q.config)
                && Objects.equals(codes(), q.codes()) && Arrays.equals(scales, q.scales)
                && Arrays.equals(diagonal, q.diagonal) && Arrays.equals(fp32, q.fp32);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rows, cols, mode, config, Arrays.hashCode(scales), Arrays.hashCode(diagonal), Arrays.hashCode(fp32));
    }

    @Override
    public String toString() {
        return "QuantizedMatrix[" + rows + " × " + cols + ", " + mode + ", "
                + (fp32 != null ? "fp32" : config.table() + ", " + config.layout()) + ", " + bytes() + "]";
    }
}
