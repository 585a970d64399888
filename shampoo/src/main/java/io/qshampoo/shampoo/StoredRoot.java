package io.qshampoo.shampoo;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.InverseRoot;
import io.qshampoo.linalg.RootResult;

/**
 * The stored inverse root L̂ of one factor (fp32, or DiagReal-quantized as in Li Eqs. 6 and 12) with its
 * {@link RootGuard}. Starts as L̂₀ = I (Li Alg. 1).
 */
final class StoredRoot implements Stateful {

    private final StoredMatrix root;
    private final RootGuard guard;
    private final Side side;
    private final DenseKernels kernels;

    StoredRoot(String name, int order, Side side, ShampooConfig config, Backend backend) {
        DenseKernels kernels = backend.kernels();
        this.root = Storage.diagReal(name + ".root", order, config, backend.quantizer());
        this.guard = new RootGuard(name, config);
        this.side = side;
        this.kernels = kernels;
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
        offer(r.root(), r.converged(), step,
                "residual " + r.residual() + " after " + r.iterations() + " iterations");
    }

    /** Keeps a root computed elsewhere if it is finite (and converged, when required). */
    void offer(DMatrixRMaj candidate, boolean converged, long step, String detail) {
        if (guard.accept(allFinite(candidate), converged, step, detail)) {
            root.store(candidate);
        }
    }

    /** out = L̂·g or g·R̂. Cost: O(order²) dequantization plus the product. */
    void apply(DMatrixRMaj g, DMatrixRMaj out) {
        side.multiply(root.load(), g, out, kernels);
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
        root.restore(in);
        guard.restore(in);
    }
}
