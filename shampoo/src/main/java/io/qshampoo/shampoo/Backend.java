package io.qshampoo.shampoo;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.quant.BlockQuantizer;

/**
 * Where the heavy work of a Kronecker factor runs: the dense kernels (products, Cholesky, eigen, SVD) and the block
 * quantizer of every stored matrix. Both are seams for another implementation (native BLAS, a GPU); the reference is
 * EJML and the sequential CPU quantizer.
 *
 * @param kernels   the dense kernels
 * @param quantizer the block quantizer of every quantized state, or null for the configuration's reference quantizer
 *                  ({@code QuantizationConfig.quantizer()}); it must use the configuration's code table and layout
 */
public record Backend(DenseKernels kernels, BlockQuantizer quantizer) {

    /** Validates that the kernels are given. */
    public Backend {
        if (kernels == null) {
            throw new IllegalArgumentException("kernels is null; expected a DenseKernels backend");
        }
    }

    /** EJML and the reference quantizer. */
    public static Backend reference() {
        return new Backend(DenseKernels.reference(), null);
    }

    /** These kernels with the reference quantizer. */
    public static Backend of(DenseKernels kernels) {
        return new Backend(kernels, null);
    }

    /**
     * Checks that the quantizer, if any, quantizes with the configuration's table and layout.
     *
     * @throws IllegalArgumentException naming both when they differ
     */
    void requireCompatible(ShampooConfig config) {
        if (quantizer == null || !config.quantized()) {
            return;
        }
        io.qshampoo.quant.QuantizationConfig q = config.quantization();
        if (!quantizer.table().equals(q.table()) || !quantizer.layout().equals(q.layout())) {
            throw new IllegalArgumentException("quantizer uses " + quantizer.table() + ", " + quantizer.layout()
                    + "; the configuration stores with " + q.table() + ", " + q.layout());
        }
    }
}
