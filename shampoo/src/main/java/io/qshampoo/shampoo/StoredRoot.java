package io.qshampoo.shampoo;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.InverseRoot;
import io.qshampoo.linalg.RootResult;

/**
 * The stored inverse root L̂ of one factor (fp32, or DiagReal-quantized as in Li Eqs. 6 and 12) with its
 * {@link RootGuard}. Starts as L̂₀ = I (Li Alg. 1).
 *
 * <p>L̂ changes only every T2 steps, so its dequantized form D(L̂) is kept between refreshes: the first
 * {@link #apply} after a store or a restore dequantizes it into a float64 order × order buffer that later applies
 * reuse. Dequantization is deterministic, so the cached D(L̂) equals a fresh one bit for bit. The buffer is working
 * memory, like the block's scratch, and not optimizer state: 8·order² bytes per factor beside the stored L̂, not in
 * {@link #stateBytes()} and not in checkpoints.
 */
final class StoredRoot implements Stateful {

    /**
     * Whether D(L̂) is cached between refreshes (true). False dequantizes at every apply, the path before the cache;
     * a seam for the test that shows both paths give identical trajectories, read when a root is built.
     */
    static volatile boolean cacheDequantized = true;

    private final StoredMatrix root;
    private final boolean cache;
    /** D(L̂) of the stored root when {@link #cached} is true; allocated at the first apply. */
    private DMatrixRMaj dequantized;
    private boolean cached;
    private final RootGuard guard;
    private final Side side;
    private final DenseKernels kernels;

    StoredRoot(String name, int order, Side side, ShampooConfig config, Backend backend) {
        DenseKernels kernels = backend.kernels();
        this.root = Storage.diagReal(name + ".root", order, config, backend.quantizer());
        this.guard = new RootGuard(name, config);
        this.side = side;
        this.kernels = kernels;
        this.cache = cacheDequantized;
        root.store(CommonOps_DDRM.identity(order));
    }

    /**
     * Computes the root of a statistic with the configured method and keeps it if the guard accepts it.
     *
     * @param asGiven whether the statistic may be slightly asymmetric and is used as it is
     *                ({@link InverseRoot#computeAsGiven}) rather than required symmetric
     */
    void refresh(InverseRoot method, DMatrixRMaj statistic, boolean asGiven, long step) {
        RootResult r;
        try {
            r = asGiven ? method.computeAsGiven(statistic, ShampooConfig.ROOT_ORDER)
                    : method.compute(statistic, ShampooConfig.ROOT_ORDER);
        } catch (IllegalArgumentException | ArithmeticException e) {
            guard.failed(step, e);
            return;
        }
        offer(r.root(), r.converged(), step, Double.isNaN(r.residual()) && r.converged() ? ""
                : "residual " + r.residual() + " after " + r.iterations() + " iterations");
    }

    /** Keeps a root computed elsewhere if it is finite (and converged, when required). */
    void offer(DMatrixRMaj candidate, boolean converged, long step, String detail) {
        if (guard.accept(allFinite(candidate), converged, step, detail)) {
            root.store(candidate);
            cached = false;
        }
    }

    /** out = L̂·g or g·R̂. Cost: the product, plus an O(order²) dequantization at the first apply after a refresh. */
    void apply(DMatrixRMaj g, DMatrixRMaj out) {
        side.multiply(dense(), g, out, kernels);
    }

    /**
     * out = D(L̂)·g·D(R̂) with the left and the right root of one block, in one {@link DenseKernels#multChain} (the
     * same two products as {@code left.apply(g, work)} then {@code right.apply(work, out)}, and on EJML the same
     * result bit for bit; a native backend copies the intermediate nowhere). Cost: the two products, plus each root's
     * dequantization at its first apply after a refresh.
     *
     * @param work scratch of g's shape (a backend may leave it untouched)
     */
    static void applyBoth(StoredRoot left, StoredRoot right, DMatrixRMaj g, DMatrixRMaj work, DMatrixRMaj out) {
        if (left.side != Side.LEFT || right.side != Side.RIGHT) {
            throw new IllegalStateException("applyBoth needs a left and a right root, found " + left.side + " and "
                    + right.side);
        }
        left.kernels.multChain(left.dense(), g, right.dense(), work, out);
    }

    /**
     * The root of a factor that stores it dense ({@link EmaShampooFactor}, {@link CholeskyQuantizedFactor},
     * {@link EigenQuantizedFactor}); null for any other (a sketch's factored root).
     */
    static StoredRoot of(KroneckerFactor factor) {
        if (factor instanceof EmaShampooFactor f) {
            return f.storedRoot();
        }
        if (factor instanceof CholeskyQuantizedFactor f) {
            return f.storedRoot();
        }
        if (factor instanceof EigenQuantizedFactor f) {
            return f.storedRoot();
        }
        return null;
    }

    /** D(L̂): the cache, dequantized at the first use after a store or a restore; without the cache a fresh load. */
    private DMatrixRMaj dense() {
        if (!cache) {
            return root.load();
        }
        if (!cached) {
            if (dequantized == null) {
                dequantized = new DMatrixRMaj(root.rows(), root.cols());
            }
            root.load(dequantized);
            cached = true;
        }
        return dequantized;
    }

    /** The stored root, dequantized. */
    DMatrixRMaj load() {
        return root.load();
    }

    int failures() {
        return guard.totalFailures();
    }

    private static boolean allFinite(DMatrixRMaj m) {
        for (int k = 0; k < m.getNumElements(); k++) {
            if (!Double.isFinite(m.data[k])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public StateBytes stateBytes() {
        return root.stateBytes().plus(guard.stateBytes());
    }

    @Override
    public void save(StateOutput out) {
        root.save(out);
        guard.save(out);
    }

    @Override
    public void restore(StateInput in) {
        cached = false;
        root.restore(in);
        guard.restore(in);
    }
}
