package io.qshampoo.shampoo;

import org.ejml.data.DMatrixRMaj;

/** {@link FactorErrorPair} in fp32: one n×n float array, C in the lower triangle, Eᵀ above the diagonal. */
final class Fp32FactorErrorPair implements FactorErrorPair {

    private final String tag;
    private final int n;
    private final float[] packed;

    Fp32FactorErrorPair(String tag, int n) {
        this.tag = tag;
        this.n = n;
        this.packed = new float[n * n];
    }

    @Override
    public int order() {
        return n;
    }

    @Override
    public void storeFactor(DMatrixRMaj c) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                packed[i * n + j] = (float) c.data[i * n + j];
            }
        }
    }

    @Override
    public void loadFactor(DMatrixRMaj dst) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                dst.data[i * n + j] = j <= i ? packed[i * n + j] : 0.0;
            }
        }
    }

    @Override
    public void storeError(DMatrixRMaj e) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                packed[j * n + i] = (float) e.data[i * n + j]; // E(i, j) at transposed slot (j, i)
            }
        }
    }

    @Override
    public void loadError(DMatrixRMaj dst) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                dst.data[i * n + j] = j < i ? packed[j * n + i] : 0.0;
            }
        }
    }

    @Override
    public StateBytes stateBytes() {
        return StateBytes.of(StateKind.FP32_STATES, 4L * packed.length);
    }

    @Override
    public void save(StateOutput out) {
        out.writeFloats(tag, packed);
    }

    @Override
    public void restore(StateInput in) {
        in.readFloats(tag, packed);
    }
}
