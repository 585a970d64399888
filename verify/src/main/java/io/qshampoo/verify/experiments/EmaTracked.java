package io.qshampoo.verify.experiments;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Shampoo's EMA statistic kept in a {@link MatrixStore}: exact (the reference every method is measured against),
 * fp32 (32-bit Shampoo, Li Eq. 2) or DiagReal-quantized (VQ, Li Eq. 5):
 *
 * <pre>  L_k = β·sym(D(L̄_{k−1})) + (1 − β)·G·Gᵀ,   L̄_k = Q(L_k),   L̄₀ = Q(ε·I)  </pre>
 *
 * as {@code EmaShampooFactor} (sym(X) = (X + Xᵀ)/2: mirror entries of a quantized L fall in different blocks).
 */
final class EmaTracked implements TrackedFactor {

    private final MatrixStore store;
    private final double beta;

    EmaTracked(MatrixStore store, double beta, double epsilon) {
        this.store = store;
        this.beta = beta;
        store.store(Dense.scaledIdentity(store.rows, epsilon));
    }

    @Override
    public void update(DMatrixRMaj gram) {
        DMatrixRMaj l = statistic();
        CommonOps_DDRM.add(beta, l, 1 - beta, gram, l);
        store.store(l);
    }

    @Override
    public DMatrixRMaj statistic() {
        DMatrixRMaj l = store.load();
        Dense.symmetrize(l);
        return l;
    }

    @Override
    public DMatrixRMaj factor() {
        return store.load();
    }

    @Override
    public DMatrixRMaj root(InverseFourthRoot f) {
        return f.of(statistic()).root();
    }
}
