package io.qshampoo.quant;

/**
 * The boundary checks of the {@link BlockQuantizer} contract, with messages that say what was found and what
 * was expected. Public so that every implementation (the reference, the fast CPU one, the CUDA backend) refuses the same
 * arguments with the same words.
 */
public final class QuantizerChecks {

    /** Largest array the JDK reliably allocates. */
    public static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private QuantizerChecks() {
    }

    /**
     * All argument checks of quantize/dequantize: shape, the matrix array's length ({@code length} −1 for a
     * null array), and the code, scale and diagonal buffers' lengths.
     */
    public static void arguments(int length, int rows, int cols, StorageMode mode, byte[] codes, float[] scales,
                                 float[] diagonal, int bits, BlockLayout layout) {
        shape(rows, cols, mode);
        if (length < 0) {
            throw new IllegalArgumentException("matrix array must not be null");
        }
        arrayLength(length, rows, cols, "matrix array");
        buffers(codes, scales, diagonal, rows, cols, mode, bits, layout);
    }

    /** Rows, columns and mode: at least 1×1, at most {@link #MAX_ELEMENTS}, square where the mode needs it. */
    public static void shape(int rows, int cols, StorageMode mode) {
        if (mode == null) {
            throw new IllegalArgumentException("storage mode must not be null");
        }
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("matrix must have at least one row and one column, got " + rows + " × " + cols);
        }
        if ((long) rows * cols > MAX_ELEMENTS) {
            throw new IllegalArgumentException(rows + " × " + cols + " matrix has more than " + MAX_ELEMENTS + " elements");
        }
        if (mode.requiresSquare() && rows != cols) {
            throw new IllegalArgumentException(mode + " requires a square matrix, got " + rows + " × " + cols);
        }
    }

    public static void arrayLength(int length, int rows, int cols, String what) {
        if (length < (long) rows * cols) {
            throw new IllegalArgumentException(what + " has " + length + " elements; a " + rows + " × " + cols
                    + " matrix needs at least " + (long) rows * cols);
        }
    }

    public static void buffers(byte[] codes, float[] scales, float[] diagonal, int rows, int cols, StorageMode mode,
                        int bits, BlockLayout layout) {
        String what = bits + "-bit " + rows + " × " + cols + " " + mode + " matrix";
        int codeBytes = PackedCodes.byteLength(bits, Math.toIntExact(mode.codeCount(rows, cols)));
        if (codes == null || codes.length != codeBytes) {
            throw new IllegalArgumentException("codes buffer has " + (codes == null ? "no" : codes.length) + " bytes; a "
                    + what + " needs exactly " + codeBytes);
        }
        int blocks = layout.blockCount(mode, rows, cols);
        if (scales == null || scales.length != blocks) {
            throw new IllegalArgumentException("scales buffer has " + (scales == null ? "no" : scales.length)
                    + " entries; a " + what + " with " + layout + " blocks needs exactly " + blocks);
        }
        int diag = mode.diagonalLength(rows, cols);
        int got = diagonal == null ? 0 : diagonal.length;
        if (got != diag) {
            throw new IllegalArgumentException("diagonal buffer has " + got + " entries; a " + rows + " × " + cols
                    + " " + mode + " matrix needs exactly " + diag);
        }
    }

    /**
     * Refuses stored values that no quantization writes and that would dequantize to NaN or ±∞ silently: a scale
     * (block absmax) that is negative or not finite, a diagonal entry that is not finite. Cost O(blocks + n).
     *
     * @param what names the buffers in the message, e.g. "factor"
     */
    public static void storedValues(float[] scales, float[] diagonal, String what) {
        for (int k = 0; k < scales.length; k++) {
            if (!(scales[k] >= 0f && scales[k] <= Float.MAX_VALUE)) {
                throw new IllegalArgumentException(what + " scale " + k + " is " + scales[k]
                        + "; expected a block absmax: finite and >= 0");
            }
        }
        for (int k = 0; diagonal != null && k < diagonal.length; k++) {
            if (!Float.isFinite(diagonal[k])) {
                throw new IllegalArgumentException(what + " diagonal entry " + k + " is " + diagonal[k]
                        + "; expected a finite value");
            }
        }
    }

    /** Throws for the first element (row-major) that {@code mode} reads and that is not finite. */
    public static IllegalArgumentException nonFinite(float[] src, int rows, int cols, StorageMode mode) {
        for (int i = 0; i < rows; i++) {
            int end = mode == StorageMode.STRICTLY_LOWER ? i + 1 : cols;
            for (int j = 0; j < end; j++) {
                float v = src[i * cols + j];
                if (!Float.isFinite(v)) {
                    return new IllegalArgumentException("element [" + i + ", " + j + "] is " + v
                            + "; quantization requires finite input");
                }
            }
        }
        throw new IllegalStateException("a non-finite element was reported, but the input has none: an implementation defect");
    }

    /** As the float overload; also names finite doubles that overflow fp32. */
    public static IllegalArgumentException nonFinite(double[] src, int rows, int cols, StorageMode mode) {
        for (int i = 0; i < rows; i++) {
            int end = mode == StorageMode.STRICTLY_LOWER ? i + 1 : cols;
            for (int j = 0; j < end; j++) {
                double v = src[i * cols + j];
                if (!Double.isFinite(v)) {
                    return new IllegalArgumentException("element [" + i + ", " + j + "] is " + v
                            + "; quantization requires finite input");
                }
                if (!Float.isFinite((float) v)) {
                    return new IllegalArgumentException("element [" + i + ", " + j + "] = " + v
                            + " overflows fp32 (rounds to " + (float) v + "); quantization requires finite fp32 input");
                }
            }
        }
        throw new IllegalStateException("a non-finite element was reported, but the input has none: an implementation defect");
    }
}
