package io.qshampoo.shampoo;

/**
 * Diagonal Adam direction with bias correction (Kingma &amp; Ba 2015): per element, at step t ≥ 1,
 * <pre>
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g²
 *   out = m̂/(√v̂ + ε),    m̂ = m/(1 − β1^t),  v̂ = v/(1 − β2^t)
 * </pre>
 * evaluated as {@code (m/(1 − β1^t))/(√v/√(1 − β2^t) + ε)}, the denominator arranged as PyTorch's
 * {@code torch.optim.Adam} arranges it: the
 * Adam update before the learning rate. At t = 1, out = g/(|g| + ε), so |out| ≤ 1 (up to the relative
 * 2^-23 of storing m and v in float32).
 *
 * <p>β1 = 0 is allowed: then m̂ = g and the direction is RMSprop's with bias correction
 * (RMSprop-like grafting); m is then not stored. Defaults β1 = 0.9, β2 = 0.999, ε = 1e-8 (PyTorch's).
 * When the base optimizer applies momentum after grafting, β1 = 0 avoids averaging the direction twice.
 *
 * <p>State: m ({@link StateKind#MOMENTUM}, only when β1 &gt; 0) and v ({@link StateKind#SECOND_MOMENT}) in
 * float32, 4·size bytes each, rounded when stored and used as stored. No step counter is kept: the
 * caller passes t. Cost O(size) per step, no allocation.
 *
 * @param beta1 β1, 0 ≤ β1 &lt; 1
 * @param beta2 β2, 0 ≤ β2 &lt; 1
 * @param eps   ε &gt; 0, finite
 */
public record DiagonalAdam(double beta1, double beta2, double eps) implements DiagonalMethod {

    /** Validates the hyper-parameters. */
    public DiagonalAdam {
        FirstOrderChecks.unitInterval("DiagonalAdam", "beta1", beta1);
        FirstOrderChecks.unitInterval("DiagonalAdam", "beta2", beta2);
        FirstOrderChecks.positive("DiagonalAdam", "eps", eps);
    }

    /** β1 = 0.9, β2 = 0.999, ε = 1e-8. */
    public DiagonalAdam() {
        this(0.9, 0.999, 1e-8);
    }

    @Override
    public DiagonalState newState(int size) {
        return new State(this, FirstOrderChecks.size("DiagonalAdam", size));
    }

    private static final class State implements DiagonalState {
        private static final String M_TAG = "diag_adam.exp_avg";
        private static final String V_TAG = "diag_adam.exp_avg_sq";

        private final DiagonalAdam h;
        private final int size;
        private final AdamMoments moments; // no first-moment buffer when β1 = 0

        State(DiagonalAdam h, int size) {
            this.h = h;
            this.size = size;
            this.moments = new AdamMoments(h.beta1, h.beta2, size, h.beta1 != 0);
        }

        @Override
        public void direction(double[] gradient, double[] out, long step) {
            FirstOrderChecks.direction("DiagonalAdam", size, gradient, out, step);
            final double bc1 = 1 - Math.pow(h.beta1, step);
            final double sqrtBc2 = Math.sqrt(1 - Math.pow(h.beta2, step));
            final float[] v = moments.v;
            for (int k = 0; k < size; k++) {
                double mk = moments.update(k, gradient[k]);
                out[k] = (mk / bc1) / (Math.sqrt(v[k]) / sqrtBc2 + h.eps);
            }
        }

        @Override
        public StateBytes stateBytes() {
            return moments.stateBytes();
        }

        @Override
        public void save(StateOutput out) {
            if (moments.m != null) {
                out.writeFloats(M_TAG, moments.m);
            }
            out.writeFloats(V_TAG, moments.v);
        }

        @Override
        public void restore(StateInput in) {
            if (moments.m != null) {
                in.readFloats(M_TAG, moments.m);
            }
            FirstOrderChecks.readSecondMoment(in, V_TAG, moments.v);
        }
    }
}
