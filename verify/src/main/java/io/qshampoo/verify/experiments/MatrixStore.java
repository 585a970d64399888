package io.qshampoo.verify.experiments;

import org.ejml.data.DMatrixRMaj;

import io.qshampoo.quant.QuantizationConfig;
import io.qshampoo.quant.QuantizedMatrix;
import io.qshampoo.quant.StorageMode;

/**
 * How a tracked factor keeps one matrix between steps: exactly (float64, the unquantized reference), rounded to
 * fp32 (32-bit Shampoo), or block-quantized in a {@link StorageMode} (what the 4-bit variants store).
 * {@link #store} then {@link #load} gives D(Q(x)). Not thread-safe.
 */
abstract class MatrixStore {

    final int rows;
    final int cols;

    MatrixStore(int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
    }

    /** Replaces the stored value by (the storage's rounding of) x. */
    abstract void store(DMatrixRMaj x);

    /** The stored value as a new float64 matrix. */
    abstract DMatrixRMaj load();

    /** Exact float64 storage. For STRICTLY_LOWER-like use, the caller passes lower-triangular matrices. */
    static MatrixStore exact(int rows, int cols) {
        return new MatrixStore(rows, cols) {
            private DMatrixRMaj value = new DMatrixRMaj(rows, cols);

            @Override
            void store(DMatrixRMaj x) {
                value = x.copy();
            }

            @Override
            DMatrixRMaj load() {
                return value.copy();
            }
        };
    }

    /** Every element rounded to fp32 (32-bit Shampoo's storage). */
    static MatrixStore fp32(int rows, int cols) {
        return new MatrixStore(rows, cols) {
            private final float[] value = new float[rows * cols];

            @Override
            void store(DMatrixRMaj x) {
                for (int k = 0; k < value.length; k++) {
                    value[k] = (float) x.data[k];
                }
            }

            @Override
            DMatrixRMaj load() {
                DMatrixRMaj m = new DMatrixRMaj(rows, cols);
                for (int k = 0; k < value.length; k++) {
                    m.data[k] = value[k];
                }
                return m;
            }
        };
    }

    /** Block-quantized in {@code mode} with {@code config}. */
    static MatrixStore quantized(int rows, int cols, StorageMode mode, QuantizationConfig config) {
        return new MatrixStore(rows, cols) {
            private QuantizedMatrix value = QuantizedMatrix.quantize(new double[rows * cols], rows, cols, mode, config);

            @Override
            void store(DMatrixRMaj x) {
                value = QuantizedMatrix.quantize(x.data, rows, cols, mode, config);
            }

            @Override
            DMatrixRMaj load() {
                DMatrixRMaj m = new DMatrixRMaj(rows, cols);
                value.dequantizeInto(m.data);
                return m;
            }
        };
    }
}
