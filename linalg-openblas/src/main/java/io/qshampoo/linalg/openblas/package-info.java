/**
 * The native backend of {@link io.qshampoo.linalg.DenseKernels}: OpenBLAS with LAPACK through org.bytedeco's JavaCPP
 * presets ({@link io.qshampoo.linalg.openblas.OpenBlasKernels}), offered to
 * {@link io.qshampoo.linalg.DenseKernelsFactory} as {@code openblas} by {@link java.util.ServiceLoader}.
 */
package io.qshampoo.linalg.openblas;
