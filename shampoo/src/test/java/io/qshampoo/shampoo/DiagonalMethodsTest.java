package io.qshampoo.shampoo;

import static io.qshampoo.shampoo.FirstOrderFixtures.U32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** The diagonal directions used for grafting and for rank ≤ 1 tensors, worked by hand. */
class DiagonalMethodsTest {

    @Test
    void identityCopiesTheGradientBitForBit() {
        double[] g = {1.0 / 3, -0.0, 5e-300, -7};
        double[] out = new double[4];
        DiagonalState s = new IdentityDirection().newState(4);
        s.direction(g, out, 1);
        assertArrayEquals(FirstOrderFixtures.bits(g), FirstOrderFixtures.bits(out));
        assertEquals(StateBytes.NONE, s.stateBytes());
        assertEquals(0, FirstOrderFixtures.save(s).length, "no records");
    }

    @Test
    void adaGradDirectionTwoSteps() {
        DiagonalState s = new DiagonalAdaGrad().newState(2);
        double[] out = new double[2];
        // s = (9, 16) and then (25, 25), exact in float32; out uses the same two operations as the formula: exact.
        s.direction(new double[] {3, -4}, out, 1);
        assertArrayEquals(new double[] {3 / (3 + 1e-10), -4 / (4 + 1e-10)}, out);
        s.direction(new double[] {4, 3}, out, 2);
        assertArrayEquals(new double[] {4 / (5 + 1e-10), 3 / (5 + 1e-10)}, out);
        assertEquals(StateBytes.of(StateKind.SECOND_MOMENT, 8), s.stateBytes());
    }

    @Test
    void adamDirectionTwoStepsWithBiasCorrection() {
        DiagonalState s = new DiagonalAdam().newState(2);
        double[] out = new double[2];
        s.direction(new double[] {1, 2}, out, 1);
        // Step 1: m̂ = g, v̂ = g², out = g/(|g| + ε); m, v float32: within 2·2^-24 relative, |out| ≤ 1.
        FirstOrderFixtures.assertClose(new double[] {1 / (1 + 1e-8), 2 / (2 + 1e-8)}, out, 2 * U32);
        s.direction(new double[] {-1, 0.5}, out, 2);
        // Step 2 (the numbers of AdamWTest): m̂ = (−0.01/0.19, 0.23/0.19), v̂ = (1, 0.004246/0.001999).
        // The cancellation 0.09 − 0.1 amplifies m1's rounding 9-fold: within 16·2^-24 for |out| < 1.
        double[] expected = {(-0.01 / 0.19) / (1 + 1e-8), (0.23 / 0.19) / (Math.sqrt(0.004246 / 0.001999) + 1e-8)};
        FirstOrderFixtures.assertClose(expected, out, 16 * U32);
        assertEquals(StateBytes.of(StateKind.MOMENTUM, 8).plus(StateKind.SECOND_MOMENT, 8), s.stateBytes());
    }

    @Test
    void adamWithBeta1ZeroIsBiasCorrectedRmsPropAndStoresNoFirstMoment() {
        DiagonalState s = new DiagonalAdam(0, 0.999, 1e-8).newState(1);
        double[] out = new double[1];
        // Step 1: v = 0.001·4, v̂ = 4, out = 2/(2 + ε).
        s.direction(new double[] {2}, out, 1);
        assertEquals(2 / (2 + 1e-8), out[0], 2 * U32);
        // Step 2: v = 0.999·0.004 + 0.001 = 0.004996, v̂ = 0.004996/0.001999, out = 1/(√v̂ + ε);
        // v float32 twice (no cancellation): √v̂ within 2^-24 relative, |out| < 1.
        s.direction(new double[] {1}, out, 2);
        assertEquals(1 / (Math.sqrt(0.004996 / 0.001999) + 1e-8), out[0], 2 * U32);
        assertEquals(StateBytes.of(StateKind.SECOND_MOMENT, 4), s.stateBytes());
    }

    @Test
    void outMayAliasTheGradient() {
        for (FirstOrderFixtures.DiagonalCase c : FirstOrderFixtures.diagonalCases()) {
            Random rnd = new Random(7);
            DiagonalState separate = c.method().newState(6);
            DiagonalState aliased = c.method().newState(6);
            for (int t = 1; t <= 3; t++) {
                double[] g = FirstOrderFixtures.randomValues(rnd, 6);
                double[] out = new double[6];
                separate.direction(g, out, t);
                aliased.direction(g, g, t);
                assertArrayEquals(FirstOrderFixtures.bits(out), FirstOrderFixtures.bits(g), c + " step " + t);
            }
        }
    }

    @Test
    void adamWStepIsLearningRateTimesTheAdamDirection() {
        // Same moments and formula: W = 0, λ = 0 gives W1 = −γ·out; the two evaluation orders differ by ≤ 4 ulps.
        Random rnd = new Random(3);
        ParameterUpdate adamw = new AdamW(0.9, 0.99, 1e-8, 0).newState(5);
        DiagonalState adam = new DiagonalAdam(0.9, 0.99, 1e-8).newState(5);
        double lr = 0.3;
        for (int t = 1; t <= 4; t++) {
            double[] g = FirstOrderFixtures.randomValues(rnd, 5);
            DenseTensor w = DenseTensor.float64(5);
            adamw.apply(w, g, t, lr);
            double[] out = new double[5];
            adam.direction(g, out, t);
            for (int k = 0; k < 5; k++) {
                assertEquals(-lr * out[k], w.get(k), 4 * Math.ulp(lr * out[k]), "step " + t + " element " + k);
            }
        }
    }

    @Test
    void graftingMapsToTheDefaultMethods() {
        assertEquals(new IdentityDirection(), Grafting.SGD.method());
        assertEquals(new DiagonalAdaGrad(1e-10), Grafting.ADAGRAD.method());
        assertEquals(new DiagonalAdam(0.9, 0.999, 1e-8), Grafting.ADAM.method());
    }
}
