package io.qshampoo.shampoo;

import io.qshampoo.quant.BlockQuantizer;

import io.qshampoo.quant.StorageMode;

/**
 * Chooses how a preconditioner matrix is stored: fp32 at 32 bits or below the configured element count
 * (official default 4096), quantized otherwise.
 */
final class Storage {

    private Storage() {
    }

    /** A symmetric matrix with its diagonal kept in fp32 (DiagReal): L, R, roots (Li §4.1). */
    static StoredMatrix diagReal(String tag, int n, ShampooConfig config, BlockQuantizer quantizer) {
        return config.quantized() ? new QuantizedStoredMatrix(tag, n, n, StorageMode.DIAG_REAL, config.quantization(), quantizer)
                : unquantized(tag, n, config, false);
    }

    /** A whole matrix (eigenvectors, Wang et al.). */
    static StoredMatrix full(String tag, int n, ShampooConfig config, BlockQuantizer quantizer) {
        return config.quantized() ? new QuantizedStoredMatrix(tag, n, n, StorageMode.FULL, config.quantization(), quantizer)
                : unquantized(tag, n, config, false);
    }

    /** A lower-triangular Cholesky factor, diagonal in fp32 (Li §4.2). */
    static StoredMatrix lower(String tag, int n, ShampooConfig config, BlockQuantizer quantizer) {
        return config.quantized() ? new QuantizedStoredMatrix(tag, n, n, StorageMode.STRICTLY_LOWER, config.quantization(), quantizer)
                : unquantized(tag, n, config, true);
    }

    /** The Cholesky factor and error state of CQ+EF in one n×n storage (Li Fig. 2). */
    static FactorErrorPair factorErrorPair(String tag, int n, ShampooConfig config, BlockQuantizer quantizer) {
        if (config.quantized()) {
            return new QuantizedFactorErrorPair(tag, n, config.quantization(), quantizer);
        }
        return config.bits() == 64 ? new Float64FactorErrorPair(tag, n) : new Fp32FactorErrorPair(tag, n);
    }

    /** A vector of fp32 values, or of float64 ones at 64 bits (eigenvalues): the rounding of one stored element. */
    static double round(double x, ShampooConfig config) {
        return config.bits() == 64 ? x : (float) x;
    }

    private static StoredMatrix unquantized(String tag, int n, ShampooConfig config, boolean lower) {
        return config.bits() == 64 ? new Float64Matrix(tag, n, n, lower) : new Fp32Matrix(tag, n, n, lower);
    }
}
