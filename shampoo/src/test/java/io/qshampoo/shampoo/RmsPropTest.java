package io.qshampoo.shampoo;

import static io.qshampoo.shampoo.FirstOrderFixtures.U32;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** torch.optim.RMSprop's formula (not centered), steps worked by hand; coupled weight decay; momentum. */
class RmsPropTest {

    private static final double LR = 0.01;
    private static final double EPS = 1e-8;

    // d1 = (2, −0.5): v1 = 0.01·d1² = (0.04, 0.0025), u1 = d1/(√v1 + ε) ≈ (10, −10).
    // d2 = (1, 1):    v2 = 0.99·v1 + 0.01 = (0.0496, 0.012475), u2 = 1/(√v2 + ε).
    private static final double[] D1 = {2, -0.5};
    private static final double[] D2 = {1, 1};
    private static final double[] U1 = {2 / (0.2 + EPS), -0.5 / (0.05 + EPS)};
    private static final double[] U2 = {1 / (Math.sqrt(0.0496) + EPS), 1 / (Math.sqrt(0.012475) + EPS)};
    // v is float32: relative 2^-24 per store, no cancellation (all terms ≥ 0), so after two stores √v is
    // within 2^-24 relative; |u| ≤ 10, so |Δu| ≤ 10·2^-24 < 2^-20 per step.
    private static final double STEP_TOL = LR * 0x1p-20;

    @Test
    void firstTwoStepsDivideBySqrtOfTheAverageSquare() {
        DenseTensor w = DenseTensor.wrap(new double[] {1, -1}, 2);
        ParameterUpdate state = new RmsProp().newState(2);
        state.apply(w, D1, 1, LR);
        double[] w1 = {1 - LR * U1[0], -1 - LR * U1[1]};
        FirstOrderFixtures.assertClose(w1, FirstOrderFixtures.values(w), STEP_TOL);
        state.apply(w, D2, 2, LR);
        double[] w2 = {w1[0] - LR * U2[0], w1[1] - LR * U2[1]};
        FirstOrderFixtures.assertClose(w2, FirstOrderFixtures.values(w), 2 * STEP_TOL);
    }

    @Test
    void momentumAccumulatesTheNormalizedDirection() {
        // b1 = u1, W1 = W0 − γ·b1; b2 = 0.5·b1 + u2, W2 = W1 − γ·b2.
        DenseTensor w = DenseTensor.wrap(new double[] {1, -1}, 2);
        ParameterUpdate state = new RmsProp(0.99, EPS, 0.5, 0).newState(2);
        state.apply(w, D1, 1, LR);
        double[] w1 = {1 - LR * U1[0], -1 - LR * U1[1]};
        // b is also float32: one more relative 2^-24 on |b| ≤ 10, still within 2^-20.
        FirstOrderFixtures.assertClose(w1, FirstOrderFixtures.values(w), STEP_TOL);
        state.apply(w, D2, 2, LR);
        double[] w2 = {w1[0] - LR * (0.5 * U1[0] + U2[0]), w1[1] - LR * (0.5 * U1[1] + U2[1])};
        // |b2| ≤ 15: its float32 store and the carried errors stay below 3·2^-20.
        FirstOrderFixtures.assertClose(w2, FirstOrderFixtures.values(w), 3 * STEP_TOL);
    }

    @Test
    void weightDecayIsCoupledThroughTheSecondMoment() {
        // d = 0, λ = 0.5, W0 = 2: d' = 1, v = 0.01, W1 = 2 − γ·1/(0.1 + ε) ≈ 1.9
        // (decoupled decay would give 2·(1 − γλ) = 1.99).
        DenseTensor w = DenseTensor.wrap(new double[] {2}, 1);
        new RmsProp(0.99, EPS, 0, 0.5).newState(1).apply(w, new double[1], 1, LR);
        // v = fl32(0.01): relative 2^-24, |u| ≈ 10.
        assertEquals(2 - LR / (0.1 + EPS), w.get(0), LR * 10 * U32);
    }

    @Test
    void stateBytesAreTheSquareAverageAndTheOptionalBuffer() {
        assertEquals(StateBytes.of(StateKind.SECOND_MOMENT, 4 * 9), new RmsProp().newState(9).stateBytes());
        assertEquals(StateBytes.of(StateKind.SECOND_MOMENT, 4 * 9).plus(StateKind.MOMENTUM, 4 * 9),
                new RmsProp(0.99, EPS, 0.9, 0).newState(9).stateBytes());
    }

    @Test
    void defaultsArePyTorchs() {
        assertEquals(new RmsProp(0.99, 1e-8, 0, 0), new RmsProp());
    }
}
