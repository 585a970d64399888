/**
 * The qshampoo interfaces on CUDA: {@link io.qshampoo.quant.BlockQuantizer} and
 * {@link io.qshampoo.linalg.DenseKernels}, through the JDK's Foreign Function &amp; Memory API (JDK 22+). Entry
 * point: {@link io.qshampoo.gpu.CudaBackend}.
 */
package io.qshampoo.gpu;
