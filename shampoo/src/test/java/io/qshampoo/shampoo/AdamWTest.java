package io.qshampoo.shampoo;

import static io.qshampoo.shampoo.FirstOrderFixtures.U32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** torch.optim.AdamW's formula, steps worked by hand; decoupled weight decay; float32 state. */
class AdamWTest {

    private static final double LR = 0.01;

    @Test
    void firstTwoStepsFollowTheBiasCorrectedFormula() {
        AdamW adam = new AdamW(0.9, 0.999, 1e-8, 0);
        DenseTensor w = DenseTensor.wrap(new double[] {0.5, -0.25}, 2);
        ParameterUpdate state = adam.newState(2);

        // Step 1, d = (1, 2): m = 0.1·d, v = 0.001·d², m̂ = d, v̂ = d², u = d/(|d| + ε).
        state.apply(w, new double[] {1, 2}, 1, LR);
        double[] w1 = {0.5 - LR * (1 / (1 + 1e-8)), -0.25 - LR * (2 / (2 + 1e-8))};
        // m and v are float32 (relative 2^-24 each); here m̂/√v̂ has relative error ≤ 2·2^-24 and |u| ≤ 1.
        assertClose(w1, w, LR * 2 * U32);

        // Step 2, d = (−1, 0.5). Element 0: m = 0.9·0.1 − 0.1 = −0.01, v = 0.999·0.001 + 0.001 = 0.001999;
        // bias corrections 1 − 0.9² = 0.19 and 1 − 0.999² = 0.001999, so m̂ = −0.01/0.19, v̂ = 1.
        // Element 1: m = 0.9·0.2 + 0.1·0.5 = 0.23, v = 0.999·0.004 + 0.001·0.25 = 0.004246.
        state.apply(w, new double[] {-1, 0.5}, 2, LR);
        double u0 = (-0.01 / 0.19) / (1 + 1e-8);
        double u1 = (0.23 / 0.19) / (Math.sqrt(0.004246 / 0.001999) + 1e-8);
        double[] w2 = {w1[0] - LR * u0, w1[1] - LR * u1};
        // Element 0 cancels (0.09 − 0.1 = −0.01), amplifying m1's float32 rounding 9-fold: m̂ within
        // (9 + 1 + 2)·2^-24 relative, v̂ within 3·2^-24; |u| < 1, so |Δu| ≤ 2^-20 covers both elements,
        // on top of step 1's error.
        assertClose(w2, w, LR * (2 * U32 + 0x1p-20));
    }

    @Test
    void momentsAreStoredAsFloat32OfTheFormula() {
        double[] d = {1, 2, 1.0 / 3, -7e-3};
        ParameterUpdate state = new AdamW().newState(d.length);
        state.apply(DenseTensor.float64(d.length), d, 1, LR);
        float[] m = new float[d.length];
        float[] v = new float[d.length];
        StateInput in = new StateInput(FirstOrderFixtures.save(state), "test");
        in.readFloats("adamw.exp_avg", m);
        in.readFloats("adamw.exp_avg_sq", v);
        for (int k = 0; k < d.length; k++) {
            assertEquals((float) ((1 - 0.9) * d[k]), m[k], "m = fl32((1 − β1)·d) at step 1, element " + k);
            assertEquals((float) ((1 - 0.999) * (d[k] * d[k])), v[k], "v = fl32((1 − β2)·d²) at step 1, element " + k);
        }
    }

    @Test
    void zeroDirectionShrinksWByOneMinusLrTimesWeightDecay() {
        // γ = 0.5, λ = 0.25: factor 0.875 per step; m = v = 0 so the Adam term is 0. Dyadic: exact.
        DenseTensor w = DenseTensor.wrap(new double[] {3, -2}, 2);
        ParameterUpdate state = new AdamW(0.9, 0.999, 1e-8, 0.25).newState(2);
        state.apply(w, new double[2], 1, 0.5);
        assertArrayEquals(new double[] {2.625, -1.75}, FirstOrderFixtures.values(w));
        state.apply(w, new double[2], 2, 0.5);
        assertArrayEquals(new double[] {2.296875, -1.53125}, FirstOrderFixtures.values(w));
    }

    @Test
    void weightDecayNeverEntersTheMoments() {
        double[] w0 = {0.75, -1.5, 2};
        DenseTensor decayed = DenseTensor.wrap(w0.clone(), 3);
        DenseTensor plain = DenseTensor.wrap(w0.clone(), 3);
        ParameterUpdate a = new AdamW(0.9, 0.999, 1e-8, 0.1).newState(3);
        ParameterUpdate b = new AdamW(0.9, 0.999, 1e-8, 0).newState(3);
        double[][] ds = {{0.3, -0.2, 0.1}, {-0.4, 0.5, 0.25}, {1, 1, -1}};
        for (int t = 0; t < ds.length; t++) {
            a.apply(decayed, ds[t], t + 1, LR);
            b.apply(plain, ds[t], t + 1, LR);
            if (t == 0) {
                // Both take the same Adam step; the decayed one also loses γλ·W0 (a few ulps of |W| ≤ 2).
                for (int k = 0; k < 3; k++) {
                    assertEquals(plain.get(k) - LR * 0.1 * w0[k], decayed.get(k), 8 * Math.ulp(2.0), "element " + k);
                }
            }
        }
        assertArrayEquals(FirstOrderFixtures.save(b), FirstOrderFixtures.save(a), "m and v must not depend on λ");
    }

    @Test
    void stateBytesAreTwoFloat32Buffers() {
        StateBytes expected = StateBytes.of(StateKind.MOMENTUM, 4 * 7).plus(StateKind.SECOND_MOMENT, 4 * 7);
        assertEquals(expected, new AdamW().newState(7).stateBytes());
        assertEquals(8L * 100_000, new AdamW().newState(100_000).stateBytes().total());
        assertEquals(0, new AdamW().newState(7).stateBytes().get(StateKind.SCALARS), "no step counter is kept");
    }

    @Test
    void defaultsArePyTorchs() {
        assertEquals(new AdamW(0.9, 0.999, 1e-8, 1e-2), new AdamW());
    }

    private static void assertClose(double[] expected, DenseTensor w, double tolerance) {
        FirstOrderFixtures.assertClose(expected, FirstOrderFixtures.values(w), tolerance);
    }
}
