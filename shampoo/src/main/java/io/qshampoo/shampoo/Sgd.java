package io.qshampoo.shampoo;

/**
 * Stochastic gradient descent with optional heavy-ball or Nesterov momentum and coupled (L2) weight
 * decay: PyTorch's {@code torch.optim.SGD} with dampening 0.
 *
 * <p>Per element, with direction d, parameter W, momentum μ, weight decay λ and learning rate γ
 * (PyTorch documentation of {@code torch.optim.SGD}, algorithm box, τ = 0):
 * <pre>
 *   d ← d + λ·W                                  if λ ≠ 0 (coupled: the decay passes through the momentum)
 *   b ← μ·b + d                                  if μ ≠ 0
 *   d ← d + μ·b   (Nesterov)   or   d ← b        if μ ≠ 0
 *   W ← W − γ·d
 * </pre>
 * b starts at zero, so the first step gives b = d exactly, as PyTorch's {@code clone} of the first
 * gradient. Nesterov therefore already differs from heavy ball at the first step (it moves by
 * γ(1 + μ)d, heavy ball by γd). Nesterov's form is Sutskever et al. 2013 as PyTorch rewrites it.
 *
 * <p>Defaults as {@code torch.optim.SGD}: μ = 0, no Nesterov, λ = 0. Nesterov requires μ &gt; 0 (PyTorch
 * refuses it otherwise). PyTorch's dampening τ is fixed at its default 0 (also what the official
 * low-bit Shampoo code uses); {@code maximize} is not offered.
 *
 * <p>State: b in float32, 4·size bytes ({@link StateKind#MOMENTUM}), when μ &gt; 0; none otherwise. b is
 * rounded to float32 when stored, and the step uses the stored value. The step number is not used.
 * Cost O(size) per step, no allocation.
 *
 * @param momentum    μ, 0 ≤ μ &lt; 1
 * @param nesterov    Nesterov momentum (requires μ &gt; 0)
 * @param weightDecay λ ≥ 0, finite
 */
public record Sgd(double momentum, boolean nesterov, double weightDecay) implements BaseOptimizer {

    /** Validates the hyper-parameters. */
    public Sgd {
        FirstOrderChecks.unitInterval("Sgd", "momentum", momentum);
        FirstOrderChecks.nonNegative("Sgd", "weightDecay", weightDecay);
        if (nesterov && momentum == 0) {
            throw new IllegalArgumentException("Sgd: nesterov is true with momentum 0; expected momentum > 0 for Nesterov momentum");
        }
    }

    /** Plain SGD: μ = 0, no weight decay (PyTorch's defaults). */
    public Sgd() {
        this(0, false, 0);
    }

    @Override
    public ParameterUpdate newState(int size) {
        return new State(this, FirstOrderChecks.size("Sgd", size));
    }

    private static final class State implements ParameterUpdate {
        private static final String MOMENTUM_TAG = "sgd.momentum_buffer";

        private final Sgd h;
        private final int size;
        private final float[] b; // null when μ = 0

        State(Sgd h, int size) {
            this.h = h;
            this.size = size;
            this.b = h.momentum == 0 ? null : new float[size];
        }

        @Override
        public void apply(DenseTensor param, double[] direction, long step, double learningRate) {
            FirstOrderChecks.apply("Sgd", size, param, direction, step, learningRate);
            float[] f32 = param.float32Data();
            double[] f64 = param.float64Data();
            if (f32 != null && h.weightDecay == 0 && b == null) { // plain SGD on fp32: one array loop
                for (int k = 0; k < size; k++) {
                    f32[k] = (float) (f32[k] - learningRate * direction[k]);
                }
                return;
            }
            for (int k = 0; k < size; k++) {
                double w = f32 != null ? f32[k] : f64[k];
                double next = w - learningRate * direction(k, w, direction[k]);
                if (f32 != null) {
                    f32[k] = (float) next;
                } else {
                    f64[k] = next;
                }
            }
        }

        /** Element k's step direction: d + λ·w, through the momentum buffer when μ ≠ 0 (updated in place). */
        private double direction(int k, double w, double d) {
            if (h.weightDecay != 0) {
                d += h.weightDecay * w;
            }
            if (b != null) {
                float bk = (float) (h.momentum * b[k] + d);
                b[k] = bk;
                d = h.nesterov ? d + h.momentum * bk : bk;
            }
            return d;
        }

        @Override
        public StateBytes stateBytes() {
            return b == null ? StateBytes.NONE : StateBytes.of(StateKind.MOMENTUM, 4L * size);
        }

        @Override
        public void save(StateOutput out) {
            if (b != null) {
                out.writeFloats(MOMENTUM_TAG, b);
            }
        }

        @Override
        public void restore(StateInput in) {
            if (b != null) {
                in.readFloats(MOMENTUM_TAG, b);
            }
        }
    }
}
