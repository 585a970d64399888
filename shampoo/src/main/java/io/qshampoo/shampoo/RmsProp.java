package io.qshampoo.shampoo;

/**
 * RMSprop (Hinton, Coursera lecture 6e, 2012) in PyTorch's form, {@code torch.optim.RMSprop}, not
 * centered: the square root is taken before ε is added.
 *
 * <p>Per element, with direction d, parameter W, learning rate γ (PyTorch documentation of
 * {@code torch.optim.RMSprop}, algorithm box):
 * <pre>
 *   d ← d + λ·W                                  if λ ≠ 0 (coupled, as PyTorch)
 *   v ← α·v + (1 − α)·d²
 *   b ← μ·b + d/(√v + ε);   W ← W − γ·b          if μ &gt; 0
 *   W ← W − γ·d/(√v + ε)                         otherwise
 * </pre>
 * There is no bias correction. Since v ≥ (1 − α)·d² after the update, |d/√v| ≤ 1/√(1 − α) (10 with
 * the default α), reached at the first step, where v = (1 − α)·d².
 *
 * <p>Defaults as {@code torch.optim.RMSprop}: α = 0.99, ε = 1e-8, μ = 0, λ = 0. PyTorch's
 * {@code centered} variant is not offered. α is required to be &lt; 1 (PyTorch only checks α ≥ 0; at
 * α = 1 v never moves from 0).
 *
 * <p>State: v ({@link StateKind#SECOND_MOMENT}) in float32, 4·size bytes, and b ({@link StateKind#MOMENTUM})
 * in float32, 4·size bytes, when μ &gt; 0; rounded when stored and used as stored. The step number is
 * not used. Cost O(size) per step, no allocation.
 *
 * @param alpha       α, 0 ≤ α &lt; 1
 * @param eps         ε &gt; 0, finite
 * @param momentum    μ, 0 ≤ μ &lt; 1
 * @param weightDecay λ ≥ 0, finite
 */
public record RmsProp(double alpha, double eps, double momentum, double weightDecay) implements BaseOptimizer {

    /** Validates the hyper-parameters. */
    public RmsProp {
        FirstOrderChecks.unitInterval("RmsProp", "alpha", alpha);
        FirstOrderChecks.positive("RmsProp", "eps", eps);
        FirstOrderChecks.unitInterval("RmsProp", "momentum", momentum);
        FirstOrderChecks.nonNegative("RmsProp", "weightDecay", weightDecay);
    }

    /** PyTorch's defaults: α = 0.99, ε = 1e-8, no momentum, no weight decay. */
    public RmsProp() {
        this(0.99, 1e-8, 0, 0);
    }

    @Override
    public ParameterUpdate newState(int size) {
        return new State(this, FirstOrderChecks.size("RmsProp", size));
    }

    private static final class State implements ParameterUpdate {
        private static final String V_TAG = "rmsprop.square_avg";
        private static final String MOMENTUM_TAG = "rmsprop.momentum_buffer";

        private final RmsProp h;
        private final int size;
        private final float[] v;
        private final float[] b; // null when μ = 0

        State(RmsProp h, int size) {
            this.h = h;
            this.size = size;
            this.v = new float[size];
            this.b = h.momentum == 0 ? null : new float[size];
        }

        @Override
        public void apply(DenseTensor param, double[] direction, long step, double learningRate) {
            FirstOrderChecks.apply("RmsProp", size, param, direction, step, learningRate);
            final double a = h.alpha;
            final double wd = h.weightDecay;
            for (int k = 0; k < size; k++) {
                double w = param.get(k);
                double d = direction[k];
                if (wd != 0) {
                    d += wd * w;
                }
                float vk = (float) (a * v[k] + (1 - a) * (d * d));
                v[k] = vk;
                double u = d / (Math.sqrt(vk) + h.eps);
                if (b != null) {
                    float bk = (float) (h.momentum * b[k] + u);
                    b[k] = bk;
                    u = bk;
                }
                param.set(k, w - learningRate * u);
            }
        }

        @Override
        public StateBytes stateBytes() {
            StateBytes bytes = StateBytes.of(StateKind.SECOND_MOMENT, 4L * size);
            return b == null ? bytes : bytes.plus(StateKind.MOMENTUM, 4L * size);
        }

        @Override
        public void save(StateOutput out) {
            out.writeFloats(V_TAG, v);
            if (b != null) {
                out.writeFloats(MOMENTUM_TAG, b);
            }
        }

        @Override
        public void restore(StateInput in) {
            FirstOrderChecks.readSecondMoment(in, V_TAG, v);
            if (b != null) {
                in.readFloats(MOMENTUM_TAG, b);
            }
        }
    }
}
