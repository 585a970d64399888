package io.qshampoo.shampoo;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.InverseRoot;
import io.qshampoo.linalg.SyntheticMatrices;

/**
 * Shampoo's EMA statistic and its inverse root, stored in fp32 (32-bit Shampoo, Li et al. 2025 Eq. 2)
 * or quantized (vanilla quantization VQ, Li et al. §4.1) — the same equations with another storage:
 *
 * <pre>
 *   Eq. (5):  L_k = β·D(L̄_{k−1}) + (1 − β)·G·Gᵀ,   L̄_k = Q(L_k)
 *   Eq. (6):  L̂_k = Q((D(L̄_k) + λmax·ε·I)^(−1/4))
 * </pre>
 *
 * With Q = rounding to fp32 these are Eq. (2). Quantized, L̄ and L̂ are stored DiagReal: off-diagonal
 * codes plus the diagonal in fp32. L̄₀ = Q(ε·I) (as C̄₀ = √ε·I in Alg. 1 and the official code), L̂₀ = I.
 *
 * <p>Cost: update O(order²·k + order²); root O(order³).
 */
public final class EmaShampooFactor implements KroneckerFactor {

    private final int order;
    private final Side side;
    private final ShampooConfig config;
    private final DenseKernels kernels;
    private final InverseRoot rootMethod;
    private final StoredMatrix statistic;
    private final StoredRoot root;

    EmaShampooFactor(String name, int order, Side side, ShampooConfig config, Backend backend) {
        DenseKernels kernels = backend.kernels();
        this.order = order;
        this.side = side;
        this.config = config;
        this.kernels = kernels;
        this.rootMethod = ((Preconditioner.Ema) config.preconditioner()).rootMethod().create(config.epsilon(), kernels);
        this.statistic = Storage.diagReal(name + ".L", order, config, backend.quantizer());
        this.root = new StoredRoot(name, order, side, config, backend);
        DMatrixRMaj l0 = CommonOps_DDRM.identity(order);
        CommonOps_DDRM.scale(config.epsilon(), l0);
        statistic.store(l0);
    }

    @Override
    public int order() {
        return order;
    }

    /**
     * D(L̄), symmetrized unless the conventions say otherwise. Quantized mirror entries (i, j) and (j, i) fall in
     * different blocks with different scales, so D(Q(L)) is symmetric only up to the quantization error; qshampoo
     * uses (D(L̄) + D(L̄)ᵀ)/2 — a no-op for fp32 storage of a symmetric L — while the official naive 4-bit code
     * runs the EMA and the root on D(L̄) as it is ({@link Conventions#symmetrizeStatistic()}).
     */
    private DMatrixRMaj loadStatistic() {
        DMatrixRMaj l = statistic.load();
        if (config.conventions().symmetrizeStatistic()) {
            SyntheticMatrices.symmetrize(l);
        }
        return l;
    }

    @Override
    public void updateStatistics(DMatrixRMaj g) {
        DMatrixRMaj l = loadStatistic();
        CommonOps_DDRM.add(config.beta(), l, 1 - config.beta(), side.gram(g, kernels), l);
        statistic.store(l);
    }

    @Override
    public void refreshRoot(long step) {
        root.refresh(rootMethod, loadStatistic(), !config.conventions().symmetrizeStatistic(), step);
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
        out.put(prefix + ".L", statistic.load());
        out.put(prefix + ".root", root.load());
    }

    @Override
    public DMatrixRMaj statistic() {
        return loadStatistic();
    }

    @Override
    public DMatrixRMaj factor() {
        return statistic.load();
    }

    @Override
    public int rootFailures() {
        return root.failures();
    }

    @Override
    public StateBytes stateBytes() {
        return statistic.stateBytes().plus(root.stateBytes());
    }

    @Override
    public void save(StateOutput out) {
        statistic.save(out);
        root.save(out);
    }

    @Override
    public void restore(StateInput in) {
        statistic.restore(in);
        root.restore(in);
    }
}
