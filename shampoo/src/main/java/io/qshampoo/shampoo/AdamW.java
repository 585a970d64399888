package io.qshampoo.shampoo;

/**
 * Adam with decoupled weight decay: PyTorch's {@code torch.optim.AdamW} (Loshchilov &amp; Hutter 2019,
 * "Decoupled weight decay regularization"; Adam: Kingma &amp; Ba 2015), without AMSGrad.
 *
 * <p>Per element, with direction d, parameter W, learning rate γ, step t ≥ 1 (PyTorch documentation
 * of {@code torch.optim.AdamW}, algorithm box):
 * <pre>
 *   W ← W − γλ·W                                  decoupled: the decay never enters m or v
 *   m ← β1·m + (1 − β1)·d
 *   v ← β2·v + (1 − β2)·d²
 *   W ← W − γ·m̂/(√v̂ + ε),    m̂ = m/(1 − β1^t),  v̂ = v/(1 − β2^t)
 * </pre>
 * evaluated in PyTorch's implementation order: {@code W·(1 − γλ) − (γ/(1 − β1^t))·m/(√v/√(1 − β2^t) + ε)},
 * all in double, rounded once when written into a float32 parameter.
 *
 * <p>Defaults as {@code torch.optim.AdamW}: β1 = 0.9, β2 = 0.999, ε = 1e-8, λ = 0.01.
 *
 * <p>State: m ({@link StateKind#MOMENTUM}) and v ({@link StateKind#SECOND_MOMENT}) in float32, 4·size
 * bytes each, rounded when stored and used as stored. No step counter is kept: the caller passes t,
 * as the optimizer keeps one counter for all parameters. Cost O(size) per step, no allocation.
 *
 * @param beta1       β1, 0 ≤ β1 &lt; 1
 * @param beta2       β2, 0 ≤ β2 &lt; 1
 * @param eps         ε &gt; 0, finite
 * @param weightDecay λ ≥ 0, finite
 */
public record AdamW(double beta1, double beta2, double eps, double weightDecay) implements BaseOptimizer {

    /** Validates the hyper-parameters. */
    public AdamW {
        FirstOrderChecks.unitInterval("AdamW", "beta1", beta1);
        FirstOrderChecks.unitInterval("AdamW", "beta2", beta2);
        FirstOrderChecks.positive("AdamW", "eps", eps);
        FirstOrderChecks.nonNegative("AdamW", "weightDecay", weightDecay);
    }

    /** PyTorch's defaults: β1 = 0.9, β2 = 0.999, ε = 1e-8, λ = 0.01. */
    public AdamW() {
        this(0.9, 0.999, 1e-8, 1e-2);
    }

    @Override
    public ParameterUpdate newState(int size) {
        return new State(this, FirstOrderChecks.size("AdamW", size));
    }

    private static final class State implements ParameterUpdate {
        private static final String M_TAG = "adamw.exp_avg";
        private static final String V_TAG = "adamw.exp_avg_sq";

        private final AdamW h;
        private final int size;
        private final AdamMoments moments;

        State(AdamW h, int size) {
            this.h = h;
            this.size = size;
            this.moments = new AdamMoments(h.beta1, h.beta2, size, true);
        }

        @Override
        public void apply(DenseTensor param, double[] direction, long step, double learningRate) {
            FirstOrderChecks.apply("AdamW", size, param, direction, step, learningRate);
            final double b1 = h.beta1;
            final double b2 = h.beta2;
            final float[] v = moments.v;
            final double decay = 1 - learningRate * h.weightDecay;
            final double stepSize = learningRate / (1 - Math.pow(b1, step));
            final double sqrtBc2 = Math.sqrt(1 - Math.pow(b2, step));
            final double eps = h.eps;
            float[] f32 = param.float32Data();
            if (f32 != null) { // the same arithmetic on the float32 array directly: the hot loop of training
                for (int k = 0; k < size; k++) {
                    double mk = moments.update(k, direction[k]);
                    double denom = Math.sqrt(v[k]) / sqrtBc2 + eps;
                    f32[k] = (float) (f32[k] * decay - stepSize * (mk / denom));
                }
                return;
            }
            double[] f64 = param.float64Data();
            for (int k = 0; k < size; k++) {
                double mk = moments.update(k, direction[k]);
                double denom = Math.sqrt(v[k]) / sqrtBc2 + eps;
                f64[k] = f64[k] * decay - stepSize * (mk / denom);
            }
        }

        @Override
        public StateBytes stateBytes() {
            return moments.stateBytes();
        }

        @Override
        public void save(StateOutput out) {
            out.writeFloats(M_TAG, moments.m);
            out.writeFloats(V_TAG, moments.v);
        }

        @Override
        public void restore(StateInput in) {
            in.readFloats(M_TAG, moments.m);
            FirstOrderChecks.readSecondMoment(in, V_TAG, moments.v);
        }
    }
}
