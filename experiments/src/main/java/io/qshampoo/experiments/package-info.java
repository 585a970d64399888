/**
 * The numerical experiments behind {@code qshampoo tables}, {@code qshampoo feedback} and
 * {@code qshampoo memory}: quantization errors of the inverse 4th root (Li et al. 2025 Eq. 9, Table 1;
 * Wang et al. 2024), the effect of error feedback over a stream of gradients (Li et al. §4.3), and the
 * optimizer-state bytes of every variant for the papers' models.
 *
 * <p>Everything here is float64 on EJML through {@link io.qshampoo.linalg.DenseKernels}, quantizes with
 * {@link io.qshampoo.quant.QuantizedMatrix} / {@link io.qshampoo.quant.TriangularPair}, and reports through
 * {@link io.qshampoo.experiments.Report}. The command classes in {@code io.qshampoo.cli} only parse
 * options and print.
 */
package io.qshampoo.experiments;
