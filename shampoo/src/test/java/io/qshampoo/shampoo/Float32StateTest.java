package io.qshampoo.shampoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The documented storage contract: buffers are rounded to float32 when stored and the step uses the stored
 * value. Expected first steps are the formulas with fl32(·) where the state is stored; the double arithmetic
 * around them allows 8 ulps. Each case also checks that the all-double formula differs by more than that,
 * so the test sees the rounding.
 */
class Float32StateTest {

    private static final double[] D = {1.0 / 3, -2.0 / 7, 0.1, 5.0 / 9};
    private static final double LR = 0.5;

    private static double[] firstStep(BaseOptimizer opt) {
        DenseTensor w = DenseTensor.float64(D.length); // W0 = 0: W1 = −γ·u
        opt.newState(D.length).apply(w, D, 1, LR);
        return FirstOrderFixtures.values(w);
    }

    private static double[] firstDirection(DiagonalMethod method) {
        double[] out = new double[D.length];
        method.newState(D.length).direction(D, out, 1);
        return out;
    }

    private static void check(double[] expected, double[] allDouble, double[] actual) {
        boolean sensitive = false;
        for (int k = 0; k < D.length; k++) {
            double tol = 8 * Math.ulp(expected[k]);
            assertEquals(expected[k], actual[k], tol, "element " + k);
            sensitive |= Math.abs(allDouble[k] - expected[k]) > tol;
        }
        assertTrue(sensitive, "the example must make float32 storage visible");
    }

    @Test
    void adamUsesStoredMoments() {
        double[] w = new double[D.length];
        double[] dir = new double[D.length];
        double[] plain = new double[D.length];
        for (int k = 0; k < D.length; k++) {
            float m = (float) ((1 - 0.9) * D[k]);
            float v = (float) ((1 - 0.999) * (D[k] * D[k]));
            dir[k] = (m / (1 - 0.9)) / (Math.sqrt(v) / Math.sqrt(1 - 0.999) + 1e-8);
            w[k] = -LR * dir[k];
            plain[k] = D[k] / (Math.abs(D[k]) + 1e-8);
        }
        check(w, scale(plain, -LR), firstStep(new AdamW(0.9, 0.999, 1e-8, 0)));
        check(dir, plain, firstDirection(new DiagonalAdam()));
    }

    @Test
    void rmsPropUsesStoredSquareAverageAndBuffer() {
        double[] w = new double[D.length];
        double[] plain = new double[D.length];
        for (int k = 0; k < D.length; k++) {
            float v = (float) ((1 - 0.99) * (D[k] * D[k]));
            float b = (float) (D[k] / (Math.sqrt(v) + 1e-8));
            w[k] = -LR * b;
            plain[k] = -LR * D[k] / (Math.sqrt((1 - 0.99) * D[k] * D[k]) + 1e-8);
        }
        check(w, plain, firstStep(new RmsProp(0.99, 1e-8, 0.9, 0)));
    }

    @Test
    void adaGradUsesStoredSum() {
        double[] dir = new double[D.length];
        double[] plain = new double[D.length];
        for (int k = 0; k < D.length; k++) {
            float s = (float) (D[k] * D[k]);
            dir[k] = D[k] / (Math.sqrt(s) + 1e-10);
            plain[k] = D[k] / (Math.abs(D[k]) + 1e-10);
        }
        check(scale(dir, -LR), scale(plain, -LR), firstStep(new AdaGrad()));
        check(dir, plain, firstDirection(new DiagonalAdaGrad()));
    }

    private static double[] scale(double[] x, double c) {
        double[] y = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            y[k] = c * x[k];
        }
        return y;
    }
}
