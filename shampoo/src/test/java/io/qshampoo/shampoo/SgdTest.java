package io.qshampoo.shampoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/**
 * torch.optim.SGD's formula, steps worked by hand. The numbers are dyadic with few bits, so every
 * operation (double arithmetic and the float32 momentum buffer alike) is exact and the comparisons are exact.
 */
class SgdTest {

    private static double[] run(Sgd sgd, double[] w0, double lr, double[]... directions) {
        DenseTensor w = DenseTensor.wrap(w0.clone(), w0.length);
        ParameterUpdate state = sgd.newState(w0.length);
        for (int t = 0; t < directions.length; t++) {
            state.apply(w, directions[t], t + 1, lr);
        }
        return FirstOrderFixtures.values(w);
    }

    @Test
    void plainStepsAreWMinusLrD() {
        double[] w0 = {1, -2};
        // W1 = W0 − 0.125·(0.5, 0.25) = (0.9375, −2.03125); W2 = W1 − 0.125·(−1, 2) = (1.0625, −2.28125)
        assertArrayEquals(new double[] {0.9375, -2.03125}, run(new Sgd(), w0, 0.125, new double[] {0.5, 0.25}));
        assertArrayEquals(new double[] {1.0625, -2.28125},
                run(new Sgd(), w0, 0.125, new double[] {0.5, 0.25}, new double[] {-1, 2}));
    }

    @Test
    void heavyBallMomentumStartsWithTheFirstDirection() {
        double[] w0 = {1, -1};
        double[] d1 = {1, -2};
        double[] d2 = {2, 4};
        Sgd sgd = new Sgd(0.5, false, 0);
        // b1 = d1 = (1, −2); W1 = W0 − 0.25·b1 = (0.75, −0.5)
        assertArrayEquals(new double[] {0.75, -0.5}, run(sgd, w0, 0.25, d1));
        // b2 = 0.5·b1 + d2 = (2.5, 3); W2 = W1 − 0.25·b2 = (0.125, −1.25)
        assertArrayEquals(new double[] {0.125, -1.25}, run(sgd, w0, 0.25, d1, d2));
    }

    @Test
    void nesterovAddsMuTimesTheBufferAndDiffersFromTheFirstStep() {
        double[] w0 = {1, -1};
        double[] d1 = {1, -2};
        double[] d2 = {2, 4};
        Sgd nesterov = new Sgd(0.5, true, 0);
        // b1 = d1; d' = d1 + 0.5·b1 = (1.5, −3); W1 = W0 − 0.25·d' = (0.625, −0.25) — heavy ball gives (0.75, −0.5)
        assertArrayEquals(new double[] {0.625, -0.25}, run(nesterov, w0, 0.25, d1));
        // b2 = (2.5, 3); d' = d2 + 0.5·b2 = (3.25, 5.5); W2 = W1 − 0.25·d' = (−0.1875, −1.625)
        assertArrayEquals(new double[] {-0.1875, -1.625}, run(nesterov, w0, 0.25, d1, d2));
    }

    @Test
    void weightDecayIsCoupledThroughTheMomentum() {
        // d = 0, λ = 0.25, μ = 0.5, γ = 0.5, W0 = 2.
        // Step 1: d' = λW0 = 0.5; b = 0.5; W1 = 2 − 0.25 = 1.75.
        // Step 2: d' = λW1 = 0.4375; b = 0.5·0.5 + 0.4375 = 0.6875; W2 = 1.75 − 0.34375 = 1.40625
        // (decoupled decay would give 1.75·(1 − γλ) = 1.53125).
        Sgd sgd = new Sgd(0.5, false, 0.25);
        assertArrayEquals(new double[] {1.40625}, run(sgd, new double[] {2}, 0.5, new double[] {0}, new double[] {0}));
        // Without momentum the first step is W0·(1 − γλ) = 2·0.875.
        assertArrayEquals(new double[] {1.75}, run(new Sgd(0, false, 0.25), new double[] {2}, 0.5, new double[] {0}));
    }

    @Test
    void momentumBufferIsStoredInFloat32AndTheStepUsesTheStoredValue() {
        // b1 = fl32(0.1) = 0.100000001490116…, so W1 = 0 − 1·fl32(0.1), not −0.1.
        double[] w = run(new Sgd(0.5, false, 0), new double[] {0}, 1, new double[] {0.1});
        assertEquals(-(double) 0.1f, w[0], 0);
        // Without momentum there is no buffer: W1 = −0.1 exactly as double.
        assertEquals(-0.1, run(new Sgd(), new double[] {0}, 1, new double[] {0.1})[0], 0);
    }

    @Test
    void float32ParameterGetsTheDoubleResultRoundedOnce() {
        // W0 = fl32(0.1), d = 1/3, γ = 0.1: the double result is not a float, the float32 parameter holds it rounded.
        double w64 = (double) 0.1f - 0.1 * (1.0 / 3);
        DenseTensor w = DenseTensor.wrap(new float[] {0.1f}, 1);
        new Sgd().newState(1).apply(w, new double[] {1.0 / 3}, 1, 0.1);
        assertEquals((float) w64, w.float32Data()[0]);
        assertFalse((double) (float) w64 == w64, "the example must need rounding");
    }

    @Test
    void stateBytesAreTheMomentumBufferOnly() {
        assertEquals(StateBytes.NONE, new Sgd().newState(7).stateBytes());
        assertEquals(StateBytes.of(StateKind.MOMENTUM, 28), new Sgd(0.9, false, 0).newState(7).stateBytes());
        assertEquals(StateBytes.of(StateKind.MOMENTUM, 4L * 1000), new Sgd(0.9, true, 1e-4).newState(1000).stateBytes());
    }

    @Test
    void defaultsArePyTorchs() {
        assertEquals(new Sgd(0, false, 0), new Sgd());
    }
}
