package io.qshampoo.shampoo;

import io.qshampoo.quant.StorageMode;

/**
 * Chooses how a preconditioner matrix is stored: fp32 at 32 bits or below the configured element count
 * (official default 4096), quantized otherwise.
 */
final class Storage {

    private Storage() {
    }

    /** A symmetric matrix with its diagonal kept in fp32 (DiagReal): L, R, roots (Li §4.1). */
    static StoredMatrix diagReal(String tag, int n, ShampooConfig config) {
        return config.bits() == 32 ? fp32(tag, n, n, false)
                : new QuantizedStoredMatrix(tag, n, n, StorageMode.DIAG_REAL, config.quantization());
    }

    /** A whole matrix (eigenvectors, Wang et al.). */
    static StoredMatrix full(String tag, int n, ShampooConfig config) {
        return config.bits() == 32 ? fp32(tag, n, n, false)
                : new QuantizedStoredMatrix(tag, n, n, StorageMode.FULL, config.quantization());
    }

    /** A lower-triangular Cholesky factor, diagonal in fp32 (Li §4.2). */
    static StoredMatrix lower(String tag, int n, ShampooConfig config) {
        return config.bits() == 32 ? fp32(tag, n, n, true)
                : new QuantizedStoredMatrix(tag, n, n, StorageMode.STRICTLY_LOWER, config.quantization());
    }

    /** The Cholesky factor and error state of CQ+EF in one n×n storage (Li Fig. 2). */
    static FactorErrorPair factorErrorPair(String tag, int n, ShampooConfig config) {
        return config.bits() == 32 ? new Fp32FactorErrorPair(tag, n)
                : new QuantizedFactorErrorPair(tag, n, config.quantization());
    }

    private static StoredMatrix fp32(String tag, int rows, int cols, boolean lower) {
        return new Fp32Matrix(tag, rows, cols, lower);
    }
}
