package io.qshampoo.shampoo;

import org.ejml.data.DMatrixRMaj;

import io.qshampoo.quant.BlockQuantizer;
import io.qshampoo.quant.QuantizationConfig;
import io.qshampoo.quant.QuantizedMatrix;
import io.qshampoo.quant.StorageBytes;
import io.qshampoo.quant.StorageMode;

/**
 * A matrix kept as a {@link QuantizedMatrix}: block-quantized codes, fp32 scales and, in DiagReal and
 * strictly-lower modes, the fp32 diagonal (matrices below the configured element count stay fp32 inside
 * {@link QuantizedMatrix}).
 */
final class QuantizedStoredMatrix implements StoredMatrix {

    private final String tag;
    private final int rows;
    private final int cols;
    private final StorageMode mode;
    private final QuantizationConfig config;
    /** The quantizer of every store, or null for the config's reference quantizer. */
    private final BlockQuantizer quantizer;
    private QuantizedMatrix value;

    QuantizedStoredMatrix(String tag, int rows, int cols, StorageMode mode, QuantizationConfig config,
            BlockQuantizer quantizer) {
        this.tag = tag;
        this.rows = rows;
        this.cols = cols;
        this.mode = mode;
        this.config = config;
        this.quantizer = quantizer;
        this.value = QuantizedMatrix.quantize(new double[rows * cols], rows, cols, mode, config, quantizer);
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public void store(DMatrixRMaj m) {
        value = quantize(m);
    }

    /** Keeps {@code q}, already quantized (rows × cols, this mode and config), as {@link #store} would have. */
    void set(QuantizedMatrix q) {
        if (q.rows() != rows || q.cols() != cols || q.mode() != mode || !q.config().equals(config)) {
            throw new IllegalArgumentException(tag + ": a " + q.rows() + "x" + q.cols() + " " + q.mode()
                    + " matrix does not fit a " + rows + "x" + cols + " " + mode + " storage of " + config);
        }
        value = q;
    }

    /** The stored matrix: codes, scales (the block absmax of every element) or fp32 values. */
    QuantizedMatrix value() {
        return value;
    }

    /** Quantizes m as {@link #store} would, without keeping it. */
    QuantizedMatrix quantize(DMatrixRMaj m) {
        return QuantizedMatrix.quantize(m.data, rows, cols, mode, config, quantizer);
    }

    @Override
    public void load(DMatrixRMaj dst) {
        value.dequantizeInto(dst.data);
    }

    @Override
    public StateBytes stateBytes() {
        return toStateBytes(value.bytes());
    }

    /** quant's storage parts as optimizer state kinds. */
    static StateBytes toStateBytes(StorageBytes b) {
        return StateBytes.of(StateKind.CODES, b.codes()).plus(StateKind.SCALES, b.scales())
                .plus(StateKind.KEPT_DIAGONALS, b.diagonal()).plus(StateKind.FP32_STATES, b.fp32());
    }

    @Override
    public void save(StateOutput out) {
        if (!value.isQuantized()) {
            out.writeFloats(tag + ".fp32", value.fp32Values());
            return;
        }
        out.writeBytes(tag + ".codes", value.codes().toByteArray());
        out.writeFloats(tag + ".scales", value.scales());
        if (mode.keepsDiagonal()) {
            out.writeFloats(tag + ".diagonal", value.diagonal());
        }
    }

    @Override
    public void restore(StateInput in) {
        if (!value.isQuantized()) {
            float[] v = new float[value.fp32Values().length];
            in.readFloats(tag + ".fp32", v);
            DMatrixRMaj m = new DMatrixRMaj(rows, cols);
            if (mode == StorageMode.STRICTLY_LOWER) {
                int k = 0;
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j <= i; j++) {
                        m.data[i * cols + j] = v[k++];
                    }
                }
            } else {
                for (int k = 0; k < v.length; k++) {
                    m.data[k] = v[k];
                }
            }
            store(m); // fp32 values round-trip through float exactly
            return;
        }
        byte[] codes = new byte[value.codes().byteLength()];
        float[] scales = new float[value.scales().length];
        float[] diagonal = mode.keepsDiagonal() ? new float[rows] : null;
        in.readBytes(tag + ".codes", codes);
        in.readFloats(tag + ".scales", scales);
        if (diagonal != null) {
            in.readFloats(tag + ".diagonal", diagonal);
        }
        try {
            value = QuantizedMatrix.fromStorage(rows, cols, mode, config, codes, scales, diagonal);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(tag + ": stored codes are invalid: " + e.getMessage(), e);
        }
    }
}
