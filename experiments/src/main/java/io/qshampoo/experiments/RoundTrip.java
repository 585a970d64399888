package io.qshampoo.experiments;

import org.ejml.data.DMatrixRMaj;

import io.qshampoo.quant.QuantizationConfig;
import io.qshampoo.quant.QuantizedMatrix;
import io.qshampoo.quant.StorageMode;

/**
 * g = D∘Q, the quantize–dequantize map of Li et al. Eq. 9, for one storage mode. Cost O(n²).
 */
final class RoundTrip {

    private RoundTrip() {
    }

    /**
     * D(Q(x)) as a new matrix: FULL (every element), DIAG_REAL (diagonal kept in fp32, the rest quantized) or
     * STRICTLY_LOWER (diagonal in fp32, strictly-lower part quantized, zeros above).
     */
    static DMatrixRMaj of(DMatrixRMaj x, StorageMode mode, QuantizationConfig config) {
        DMatrixRMaj out = new DMatrixRMaj(x.numRows, x.numCols);
        QuantizedMatrix.quantize(x.data, x.numRows, x.numCols, mode, config).dequantizeInto(out.data);
        return out;
    }
}
