package io.qshampoo.shampoo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * torch.optim.Adagrad's formula, steps worked by hand. The accumulators (9, 16, 25) are exact in float32,
 * so only the double arithmetic rounds: a few operations on |W| ≤ 1, within 4 ulps of 1.
 */
class AdaGradTest {

    private static final double LR = 0.1;
    private static final double EPS = 1e-10;
    private static final double TOL = 4 * Math.ulp(1.0);

    @Test
    void firstTwoStepsDivideBySqrtOfTheSumOfSquares() {
        DenseTensor w = DenseTensor.wrap(new double[] {1, 1}, 2);
        ParameterUpdate state = new AdaGrad().newState(2);
        // d1 = (3, −4): s = (9, 16), W1 = W0 − γ·(3/(3 + ε), −4/(4 + ε)).
        state.apply(w, new double[] {3, -4}, 1, LR);
        double[] w1 = {1 - LR * (3 / (3 + EPS)), 1 - LR * (-4 / (4 + EPS))};
        FirstOrderFixtures.assertClose(w1, FirstOrderFixtures.values(w), TOL);
        // d2 = (4, 3): s = (25, 25), W2 = W1 − γ·(4/(5 + ε), 3/(5 + ε)).
        state.apply(w, new double[] {4, 3}, 2, LR);
        double[] w2 = {w1[0] - LR * (4 / (5 + EPS)), w1[1] - LR * (3 / (5 + EPS))};
        FirstOrderFixtures.assertClose(w2, FirstOrderFixtures.values(w), TOL);
    }

    @Test
    void initialAccumulatorIsAddedToTheFirstSquare() {
        // s0 = 16, d = 3: s = 25, W1 = 0 − γ·3/(5 + ε).
        DenseTensor w = DenseTensor.float64(1);
        new AdaGrad(EPS, 16, 0).newState(1).apply(w, new double[] {3}, 1, LR);
        assertEquals(-LR * (3 / (5 + EPS)), w.get(0), TOL);
    }

    @Test
    void weightDecayIsCoupledThroughTheAccumulator() {
        // d = 0, λ = 0.5, W0 = 4: d' = 2, s = 4, W1 = 4 − γ·2/(2 + ε) ≈ 3.9 (decoupled: 4·(1 − γλ) = 3.8).
        DenseTensor w = DenseTensor.wrap(new double[] {4}, 1);
        new AdaGrad(EPS, 0, 0.5).newState(1).apply(w, new double[1], 1, LR);
        assertEquals(4 - LR * (2 / (2 + EPS)), w.get(0), 4 * Math.ulp(4.0));
    }

    @Test
    void stateBytesAreOneFloat32Accumulator() {
        assertEquals(StateBytes.of(StateKind.SECOND_MOMENT, 4 * 5), new AdaGrad().newState(5).stateBytes());
        assertEquals(StateBytes.of(StateKind.SECOND_MOMENT, 4 * 5), new AdaGrad(1e-10, 0.1, 1e-2).newState(5).stateBytes());
    }

    @Test
    void defaultsArePyTorchs() {
        assertEquals(new AdaGrad(1e-10, 0, 0), new AdaGrad());
    }
}
