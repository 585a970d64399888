package io.qshampoo.shampoo;


/**
 * AdaGrad (Duchi, Hazan &amp; Singer 2011, diagonal form) as PyTorch's {@code torch.optim.Adagrad}.
 *
 * <p>Per element, with direction d, parameter W, learning rate γ (PyTorch documentation of
 * {@code torch.optim.Adagrad}, algorithm box):
 * <pre>
 *   d ← d + λ·W                                  if λ ≠ 0 (coupled, as PyTorch)
 *   s ← s + d²
 *   W ← W − γ·d/(√s + ε)
 * </pre>
 * Since s ≥ d² after the update, a step moves each element by at most γ (up to the
 * relative 2^-24 of storing s in float32, while s is in float32's normal range).
 *
 * <p>Defaults as {@code torch.optim.Adagrad}: ε = 1e-10, initial accumulator s₀ = 0, λ = 0. PyTorch's
 * {@code lr_decay} (γ/(1 + (t − 1)·η)) is a schedule and belongs to the caller's learning rate.
 *
 * <p>State: s ({@link StateKind#SECOND_MOMENT}) in float32, 4·size bytes, starting at s₀ rounded to
 * float32, rounded when stored and used as stored. The step number is not used. Cost O(size) per
 * step, no allocation.
 *
 * @param eps                     ε &gt; 0, finite
 * @param initialAccumulatorValue s₀ ≥ 0, finite
 * @param weightDecay             λ ≥ 0, finite
 */
public record AdaGrad(double eps, double initialAccumulatorValue, double weightDecay) implements BaseOptimizer {

    /** Validates the hyper-parameters. */
    public AdaGrad {
        FirstOrderChecks.positive("AdaGrad", "eps", eps);
        FirstOrderChecks.nonNegative("AdaGrad", "initialAccumulatorValue", initialAccumulatorValue);
        FirstOrderChecks.nonNegative("AdaGrad", "weightDecay", weightDecay);
    }

    /** PyTorch's defaults: ε = 1e-10, s₀ = 0, no weight decay. */
    public AdaGrad() {
        this(1e-10, 0, 0);
    }

    @Override
    public ParameterUpdate newState(int size) {
        return new State(this, FirstOrderChecks.size("AdaGrad", size));
    }

    private static final class State implements ParameterUpdate {
        private static final String SUM_TAG = "adagrad.sum";

        private final AdaGrad h;
        private final int size;
        private final AdaGradSum sum;

        State(AdaGrad h, int size) {
            this.h = h;
            this.size = size;
            this.sum = new AdaGradSum(h.eps, size, (float) h.initialAccumulatorValue);
        }

        @Override
        public void apply(DenseTensor param, double[] direction, long step, double learningRate) {
            FirstOrderChecks.apply("AdaGrad", size, param, direction, step, learningRate);
            final double wd = h.weightDecay;
            for (int k = 0; k < size; k++) {
                double w = param.get(k);
                double d = direction[k];
                if (wd != 0) {
                    d += wd * w;
                }
                param.set(k, w - learningRate * sum.step(k, d));
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
