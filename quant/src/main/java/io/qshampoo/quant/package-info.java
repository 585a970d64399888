/**
 * Block-wise low-bit quantization of matrices: what makes 4-bit Shampoo 4-bit (Li et al. 2025 §3.2, §4.2–4.3;
 * Wang et al. 2024), bit-compatible with the official CUDA kernels (github.com/Sike-Wang/low-bit-Shampoo) so
 * that GPU implementations can be checked against it. Depends on nothing but the JDK; matrices are row-major
 * {@code float[]}/{@code double[]} (an EJML {@code DMatrixRMaj.data} goes in and out without a copy).
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link io.qshampoo.quant.CodeTable}: the fp32 tables (linear-2, dynamic tree, linear; 3, 4, 8 bits)
 *       and the nearest-entry rule;</li>
 *   <li>{@link io.qshampoo.quant.BlockLayout}: row segments of B (official) or B × B tiles (Li §3.2);</li>
 *   <li>{@link io.qshampoo.quant.StorageMode}: whole matrix, DiagReal, strictly lower (Cholesky factor);</li>
 *   <li>{@link io.qshampoo.quant.PackedCodes}: the bit order of packed codes;</li>
 *   <li>{@link io.qshampoo.quant.BlockQuantizer}: Q and D on arrays, the seam for a GPU implementation;
 *       {@link io.qshampoo.quant.CpuBlockQuantizer} is the reference (sequential or fork-join parallel);</li>
 *   <li>{@link io.qshampoo.quant.QuantizedMatrix}: the value object (codes, scales, fp32 diagonal, or fp32
 *       values below {@link io.qshampoo.quant.QuantizationConfig#minElements()});</li>
 *   <li>{@link io.qshampoo.quant.TriangularPair}: C and Eᵀ in one code matrix (Li Fig. 2);</li>
 *   <li>{@link io.qshampoo.quant.StorageBytes}: exact sizes.</li>
 * </ul>
 *
 * <h2>Speed</h2>
 * {@link io.qshampoo.quant.CpuBlockQuantizer} runs its inner loops in a scalar kernel on every JDK. The jar is
 * multi-release: built on JDK 25 (profile {@code vector}, active there) it also carries a Vector API kernel,
 * which JDK 25+ uses when started with {@code --add-modules jdk.incubator.vector} on a CPU with 16 fp32 lanes
 * (AVX-512); results are bit-identical either way, and
 * {@link io.qshampoo.quant.CpuBlockQuantizer#kernel()} says which kernel runs and why.
 *
 * <h2>Conventions, in one place</h2>
 * <ol>
 *   <li>Per block, in fp32: N = max|x|; scale = 1.0f/N (0 if N = 0; +∞ if N &lt; 2^-128, as in the kernel);
 *       x̄ = x·scale; code = index of the entry on x̄'s side of the fp32 midpoint fl(fl(M(k) + M(k+1))·0.5f),
 *       an exact tie going to the even index (the kernel's rule, which differs from exact nearest rounding at
 *       a few rounded midpoints); D = M(code)·N.</li>
 *   <li>Row segments never cross rows: a row of c columns has ceil(c/B) blocks, the last one shorter
 *       (the official grid is rows × ceil(cols/B)). In STRICTLY_LOWER mode the stored elements, row-major over
 *       the strictly lower triangle, are cut into flat runs of B.</li>
 *   <li>Codes are stored in row-major order (strictly-lower order for STRICTLY_LOWER) as a little-endian bit
 *       stream: 4-bit codes put the lower column in the low nibble; 3-bit codes are dense (8 per 3 bytes).</li>
 *   <li>Non-finite input is refused, naming the first offending element; the kernel would map NaN to 0.</li>
 * </ol>
 */
package io.qshampoo.quant;
