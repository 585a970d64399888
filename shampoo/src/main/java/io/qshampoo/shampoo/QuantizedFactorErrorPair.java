package io.qshampoo.shampoo;

import org.ejml.data.DMatrixRMaj;

import io.qshampoo.quant.BlockQuantizer;
import io.qshampoo.quant.QuantizationConfig;
import io.qshampoo.quant.TriangularPair;

/** {@link FactorErrorPair} as quant's {@link TriangularPair}: one packed n×n code matrix, per-half scales. */
final class QuantizedFactorErrorPair implements FactorErrorPair {

    private final String tag;
    private final int n;
    private final QuantizationConfig config;
    /** The quantizer of every store, or null for the config's reference quantizer. */
    private final BlockQuantizer quantizer;
    private TriangularPair pair;

    QuantizedFactorErrorPair(String tag, int n, QuantizationConfig config, BlockQuantizer quantizer) {
        this.tag = tag;
        this.n = n;
        this.config = config;
        this.quantizer = quantizer;
        this.pair = TriangularPair.zeros(n, config, quantizer);
    }

    @Override
    public int order() {
        return n;
    }

    @Override
    public void storeFactor(DMatrixRMaj c) {
        pair.writeFactor(c.data);
    }

    @Override
    public void loadFactor(DMatrixRMaj dst) {
        pair.readFactorInto(dst.data);
    }

    @Override
    public void storeError(DMatrixRMaj e) {
        pair.writeError(e.data);
    }

    @Override
    public void loadError(DMatrixRMaj dst) {
        pair.readErrorInto(dst.data);
    }

    @Override
    public StateBytes stateBytes() {
        return QuantizedStoredMatrix.toStateBytes(pair.bytes());
    }

    @Override
    public void save(StateOutput out) {
        if (!pair.isQuantized()) {
            out.writeFloats(tag + ".fp32", pair.fp32Values());
            return;
        }
        out.writeBytes(tag + ".codes", pair.packedCodes());
        out.writeFloats(tag + ".factorScales", pair.factorScales());
        out.writeFloats(tag + ".errorScales", pair.errorScales());
        out.writeFloats(tag + ".diagonal", pair.factorDiagonal());
    }

    @Override
    public void restore(StateInput in) {
        if (!pair.isQuantized()) {
            float[] packed = new float[n * n];
            in.readFloats(tag + ".fp32", packed);
            float[] c = new float[n * n];
            float[] e = new float[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    c[i * n + j] = packed[i * n + j];
                    if (j < i) {
                        e[i * n + j] = packed[j * n + i];
                    }
                }
            }
            TriangularPair fresh = TriangularPair.zeros(n, config, quantizer);
            fresh.writeFactor(c);
            fresh.writeError(e);
            pair = fresh;
            return;
        }
        byte[] codes = new byte[pair.packedCodes().length];
        float[] fs = new float[pair.factorScales().length];
        float[] es = new float[pair.errorScales().length];
        float[] diag = new float[n];
        in.readBytes(tag + ".codes", codes);
        in.readFloats(tag + ".factorScales", fs);
        in.readFloats(tag + ".errorScales", es);
        in.readFloats(tag + ".diagonal", diag);
        try {
            pair = TriangularPair.fromStorage(n, config, quantizer, codes, fs, es, diag);
        } catch (IllegalArgumentException ex) {
            throw new CheckpointException(tag + ": stored codes are invalid: " + ex.getMessage(), ex);
        }
    }
}
