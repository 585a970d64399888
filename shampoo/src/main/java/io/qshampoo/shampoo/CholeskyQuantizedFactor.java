package io.qshampoo.shampoo;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import io.qshampoo.linalg.Cholesky;
import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.InverseRoot;

/**
 * Cholesky quantization (CQ), Li et al. 2025 §4.2, optionally with error feedback (CQ+EF, §4.3, Alg. 1):
 *
 * <pre>
 *   Eq. (7):   L_{k−1} = D(C̄_{k−1})·D(C̄_{k−1})ᵀ,  L_k = β·L_{k−1} + (1 − β)·G·Gᵀ,  C_k = Cholesky(L_k + ε·I)
 *   Eq. (8):   C̄_k = Q(C_k)                                                    (without error feedback)
 *   Eq. (10):  E_{k−1} = D(Ē_{k−1}),  C̄_k = Q(C_k + E_{k−1})                       (with error feedback)
 *   Eq. (11):  E_k = β_e·E_{k−1} + (1 − β_e)·(C_k + E_{k−1} − D(C̄_k)),  Ē_k = Q(E_k)
 *   Eq. (12):  L̂_k = Q((D(C̄_k)·D(C̄_k)ᵀ + λmax·ε·I)^(−1/4))
 * </pre>
 *
 * C̄ keeps its diagonal in fp32 and quantizes the strictly lower part; E is strictly lower (the
 * diagonal is not quantized, so it carries no error: its diagonal is set to 0) and is stored
 * transposed in the upper triangle of the same code matrix ({@link FactorErrorPair}, Fig. 2).
 * Initial state (Alg. 1): C̄₀ = √ε·I, Ē₀ = 0, L̂₀ = I. D(C̄)·D(C̄)ᵀ is positive semidefinite by
 * construction, so the root's input never loses definiteness (Li §4.2).
 *
 * <p>Cost: update O(order²·k) for G·Gᵀ plus O(order³) (C·Cᵀ and the Cholesky); root O(order³).
 */
public final class CholeskyQuantizedFactor implements KroneckerFactor {

    private final int order;
    private final Side side;
    private final ShampooConfig config;
    private final DenseKernels kernels;
    private final Preconditioner.Cholesky settings;
    private final InverseRoot rootMethod;
    private final Cholesky cholesky;
    /** C̄ alone (CQ), or null with error feedback. */
    private final StoredMatrix factor;
    /** C̄ and Ē together (CQ+EF), or null without error feedback. */
    private final FactorErrorPair pair;
    private final StoredRoot root;

    CholeskyQuantizedFactor(String name, int order, Side side, ShampooConfig config, Backend backend) {
        DenseKernels kernels = backend.kernels();
        this.order = order;
        this.side = side;
        this.config = config;
        this.kernels = kernels;
        this.settings = (Preconditioner.Cholesky) config.preconditioner();
        boolean errorFeedback = settings.hasErrorFeedback();
        this.rootMethod = settings.rootMethod().create(settings.epsilon(), kernels);
        this.cholesky = new Cholesky(kernels);
        this.factor = errorFeedback ? null : Storage.lower(name + ".C", order, config, backend.quantizer());
        this.pair = errorFeedback ? Storage.factorErrorPair(name + ".CE", order, config, backend.quantizer()) : null;
        this.root = new StoredRoot(name, order, side, config, backend);
        DMatrixRMaj c0 = CommonOps_DDRM.identity(order);
        CommonOps_DDRM.scale(Math.sqrt(config.epsilon()), c0);
        if (errorFeedback) {
            pair.storeFactor(c0);
            pair.storeError(new DMatrixRMaj(order, order));
        } else {
            factor.store(c0);
        }
    }

    @Override
    public int order() {
        return order;
    }

    /** D(C̄)·D(C̄)ᵀ, the preconditioner the stored factor represents. */
    private DMatrixRMaj reconstructed() {
        DMatrixRMaj c = factor();
        DMatrixRMaj l = new DMatrixRMaj(order, order);
        kernels.multTransB(c, c, l);
        return l;
    }

    @Override
    public void updateStatistics(DMatrixRMaj g) {
        DMatrixRMaj l = reconstructed();
        CommonOps_DDRM.add(config.beta(), l, 1 - config.beta(), side.gram(g, kernels), l); // Eq. (7)
        storeFactor(cholesky.lower(l, config.epsilon()));
    }

    /**
     * Keeps a new Cholesky factor C_k: C̄_k = Q(C_k) (Eq. 8), or with error feedback C̄_k = Q(C_k + E_{k−1}) and
     * E_k = β_e·E_{k−1} + (1 − β_e)·(C_k + E_{k−1} − D(C̄_k)) (Eqs. 10–11) — Eq. 8 is Eq. 10 with E = 0.
     *
     * @param c lower triangular n×n; overwritten
     */
    void storeFactor(DMatrixRMaj c) {
        if (pair == null) {
            factor.store(c); // Eq. (8)
            return;
        }
        DMatrixRMaj e = new DMatrixRMaj(order, order);
        pair.loadError(e);
        DMatrixRMaj compensated = c;
        CommonOps_DDRM.addEquals(compensated, e); // C_k + E_{k−1}
        pair.storeFactor(compensated); // Eq. (10)
        DMatrixRMaj kept = new DMatrixRMaj(order, order);
        pair.loadFactor(kept);
        double be = settings.errorFeedback().betaE();
        for (int k = 0; k < e.data.length; k++) { // Eq. (11)
            e.data[k] = be * e.data[k] + (1 - be) * (compensated.data[k] - kept.data[k]);
        }
        for (int i = 0; i < order; i++) {
            e.data[i * order + i] = 0.0; // the fp32 diagonal is not quantized: E is strictly lower
        }
        pair.storeError(e);
    }

    @Override
    public void refreshRoot(long step) {
        root.refresh(rootMethod, reconstructed(), false, step); // Eq. (12)
    }

    @Override
    public void apply(DMatrixRMaj g, DMatrixRMaj out) {
        root.apply(g, out);
    }

    /** The stored root, for {@link StoredRoot#applyBoth}. */
    StoredRoot storedRoot() {
        return root;
    }

    @Override
    public void inspect(String prefix, java.util.Map<String, DMatrixRMaj> out) {
        DMatrixRMaj c = new DMatrixRMaj(order, order);
        if (pair != null) {
            pair.loadFactor(c);
            DMatrixRMaj e = new DMatrixRMaj(order, order);
            pair.loadError(e);
            out.put(prefix + ".E", e);
        } else {
            factor.load(c);
        }
        out.put(prefix + ".C", c);
        out.put(prefix + ".root", root.load());
    }

    @Override
    public DMatrixRMaj statistic() {
        return reconstructed();
    }

    /** D(C̄): lower triangular with its diagonal. */
    @Override
    public DMatrixRMaj factor() {
        DMatrixRMaj c = new DMatrixRMaj(order, order);
        if (pair != null) {
            pair.loadFactor(c);
        } else {
            factor.load(c);
        }
        return c;
    }

    @Override
    public int rootFailures() {
        return root.failures();
    }

    @Override
    public StateBytes stateBytes() {
        return (pair != null ? pair.stateBytes() : factor.stateBytes()).plus(root.stateBytes());
    }

    @Override
    public void save(StateOutput out) {
        if (pair != null) {
            pair.save(out);
        } else {
            factor.save(out);
        }
        root.save(out);
    }

    @Override
    public void restore(StateInput in) {
        if (pair != null) {
            pair.restore(in);
        } else {
            factor.restore(in);
        }
        root.restore(in);
    }
}
