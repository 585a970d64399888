package io.qshampoo.shampoo;

import org.ejml.data.DMatrixRMaj;

/**
 * {@link FactorErrorPair} kept exactly in float64 ({@code bits = 64}, the experiments' reference). Nothing is lost
 * when C is stored, so the error state of Eq. 11 stays 0 and CQ+EF equals CQ here.
 */
final class Float64FactorErrorPair implements FactorErrorPair {

    private final Float64Matrix factor;
    private final Float64Matrix error;
    private final int n;

    Float64FactorErrorPair(String tag, int n) {
        this.n = n;
        this.factor = new Float64Matrix(tag + ".C", n, n, true);
        this.error = new Float64Matrix(tag + ".E", n, n, true);
    }

    @Override
    public int order() {
        return n;
    }

    @Override
    public void storeFactor(DMatrixRMaj c) {
        factor.store(c);
    }

    @Override
    public void loadFactor(DMatrixRMaj dst) {
        factor.load(dst);
    }

    @Override
    public void storeError(DMatrixRMaj e) {
        DMatrixRMaj strict = e.copy();
        for (int i = 0; i < n; i++) {
            strict.data[i * n + i] = 0;
        }
        error.store(strict);
    }

    @Override
    public void loadError(DMatrixRMaj dst) {
        error.load(dst);
    }

    @Override
    public StateBytes stateBytes() {
        return factor.stateBytes().plus(error.stateBytes());
    }

    @Override
    public void save(StateOutput out) {
        factor.save(out);
        error.save(out);
    }

    @Override
    public void restore(StateInput in) {
        factor.restore(in);
        error.restore(in);
    }
}
