package io.qshampoo.quant;

/**
 * The block quantizer Q and dequantizer D of Li et al. §3.2 (Eqs. 3–4) on plain row-major arrays: the seam
 * where a GPU implementation replaces the fast CPU one, {@link CpuBlockQuantizer}. {@link ReferenceBlockQuantizer}
 * is the contract written out literally, the reference every implementation equals bit for bit. The optimizer takes one through
 * {@code ShampooOptimizer.Builder.quantizer} and quantizes every stored matrix with it (dequantization of a
 * {@link QuantizedMatrix} is a table lookup done on the CPU; {@link TriangularPair} uses the quantizer for both).
 *
 * <h2>Contract (bit-identical to the official CUDA kernels of Wang et al.)</h2>
 * For every block of the {@link #layout() layout} (see {@link BlockLayout}) over the elements that
 * {@code mode} stores (see {@link StorageMode}), all arithmetic in fp32:
 * <ol>
 *   <li>N = max |x| over the block (fp32; for DIAG_REAL the diagonal counts as 0);</li>
 *   <li>scale = 1.0f / N (IEEE division, not an approximate reciprocal), or 0 when N = 0. A block whose N
 *       is below 2^-128 gets scale = +∞, exactly as in the kernel; its zeros then become NaN → code 0;</li>
 *   <li>x̄ = x · scale (an fp32 multiply, never x / N);</li>
 *   <li>code = {@link CodeTable#encode(float) table.encode(x̄)}: nearest entry by fp32 midpoints, exact tie to
 *       the even index;</li>
 *   <li>D: x' = M(code) · N (fp32 multiply). For DIAG_REAL and STRICTLY_LOWER the fp32 diagonal is restored.</li>
 * </ol>
 * Buffers: {@code codes} has exactly {@code PackedCodes.byteLength(b, mode.codeCount(rows, cols))} bytes
 * (bit order in {@link PackedCodes}); {@code scales} has exactly {@code layout.blockCount(mode, rows, cols)}
 * entries, each block's N; {@code diagonal} has exactly n entries for DIAG_REAL and STRICTLY_LOWER (may be
 * null for FULL). Source and destination arrays need at least rows·cols elements (extra trailing elements,
 * e.g. of a reshaped EJML {@code DMatrixRMaj.data}, are neither read nor written).
 *
 * <p>Non-finite input is refused with an {@link IllegalArgumentException} naming the first offending element
 * in row-major order (the kernel would silently map NaN to code 0). After an exception the output buffers'
 * contents are unspecified.
 */
public interface BlockQuantizer {

    /** The code table M. */
    CodeTable table();

    /** The block layout. */
    BlockLayout layout();

    /**
     * Quantizes the elements of the row-major rows × cols matrix {@code src} that {@code mode} stores into
     * {@code codes} and {@code scales}, and its diagonal into {@code diagonal} (DIAG_REAL, STRICTLY_LOWER).
     *
     * @throws IllegalArgumentException on a bad shape or buffer length, or non-finite input
     */
    void quantize(float[] src, int rows, int cols, StorageMode mode, byte[] codes, float[] scales, float[] diagonal);

    /**
     * As {@link #quantize(float[], int, int, StorageMode, byte[], float[], float[])} after rounding every element
     * to fp32 ({@code (float) x}, round to nearest even); an element that overflows fp32 is refused. No copy of
     * {@code src} is made.
     */
    void quantize(double[] src, int rows, int cols, StorageMode mode, byte[] codes, float[] scales, float[] diagonal);

    /**
     * Writes D(codes) into the row-major rows × cols {@code dst}: every element for FULL and DIAG_REAL; for
     * STRICTLY_LOWER the lower triangle with the diagonal, and zeros above it.
     *
     * @throws IllegalArgumentException on a bad shape or buffer length
     */
    void dequantize(byte[] codes, float[] scales, float[] diagonal, int rows, int cols, StorageMode mode, float[] dst);

    /** As the float overload; each fp32 result is widened exactly to double. */
    void dequantize(byte[] codes, float[] scales, float[] diagonal, int rows, int cols, StorageMode mode, double[] dst);
}
