package io.qshampoo.shampoo;

/**
 * Diagonal AdaGrad direction (Duchi, Hazan &amp; Singer 2011): per element
 * <pre>
 *   s ← s + g²,    out = g/(√s + ε)
 * </pre>
 * the update of PyTorch's {@code torch.optim.Adagrad} before the learning rate. Since s ≥ g² after the
 * update, |out| ≤ 1 per element (up to the relative 2^-24 of storing s in float32, while s is in
 * float32's normal range).
 *
 * <p>Default ε = 1e-10 (PyTorch's); s starts at 0. State: s ({@link StateKind#SECOND_MOMENT}) in float32,
 * 4·size bytes, rounded when stored and used as stored; the step number is not used. Cost O(size) per
 * step, no allocation.
 *
 * @param eps ε &gt; 0, finite
 */
public record DiagonalAdaGrad(double eps) implements DiagonalMethod {

    /** Validates ε. */
    public DiagonalAdaGrad {
        FirstOrderChecks.positive("DiagonalAdaGrad", "eps", eps);
    }

    /** ε = 1e-10. */
    public DiagonalAdaGrad() {
        this(1e-10);
    }

    @Override
    public DiagonalState newState(int size) {
        return new State(eps, FirstOrderChecks.size("DiagonalAdaGrad", size));
    }

    private static final class State implements DiagonalState {
        private static final String SUM_TAG = "diag_adagrad.sum";

        private final int size;
        private final AdaGradSum sum;

        State(double eps, int size) {
            this.size = size;
            this.sum = new AdaGradSum(eps, size, 0f);
        }

        @Override
        public void direction(double[] gradient, double[] out, long step) {
            FirstOrderChecks.direction("DiagonalAdaGrad", size, gradient, out, step);
            for (int k = 0; k < size; k++) {
                out[k] = sum.step(k, gradient[k]);
            }
        }

        @Override
        public StateBytes stateBytes() {
            return sum.stateBytes();
        }

        @Override
        public void save(StateOutput out) {
            out.writeFloats(SUM_TAG, sum.s);
        }

        @Override
        public void restore(StateInput in) {
            FirstOrderChecks.readSecondMoment(in, SUM_TAG, sum.s);
        }
    }
}
