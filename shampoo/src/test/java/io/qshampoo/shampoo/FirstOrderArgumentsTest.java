package io.qshampoo.shampoo;

import static io.qshampoo.shampoo.FirstOrderFixtures.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every refusal: bad hyper-parameters, sizes, lengths, steps and learning rates, each with what was found and expected. */
class FirstOrderArgumentsTest {

    private static void refused(Executable call, String... fragments) {
        assertMessage(IllegalArgumentException.class, call, fragments);
    }

    @Test
    void sgdHyperParameters() {
        refused(() -> new Sgd(-0.1, false, 0), "Sgd", "momentum is -0.1", "0 <= momentum < 1");
        refused(() -> new Sgd(1, false, 0), "momentum is 1.0", "0 <= momentum < 1");
        refused(() -> new Sgd(Double.NaN, false, 0), "momentum is NaN");
        refused(() -> new Sgd(0, false, -1e-4), "weightDecay is -1.0E-4", "finite value >= 0");
        refused(() -> new Sgd(0, false, Double.POSITIVE_INFINITY), "weightDecay is Infinity");
        refused(() -> new Sgd(0, true, 0), "nesterov", "momentum 0", "momentum > 0");
    }

    @Test
    void adamWHyperParameters() {
        refused(() -> new AdamW(1, 0.999, 1e-8, 0), "AdamW", "beta1 is 1.0", "0 <= beta1 < 1");
        refused(() -> new AdamW(0.9, -0.5, 1e-8, 0), "beta2 is -0.5", "0 <= beta2 < 1");
        refused(() -> new AdamW(0.9, Double.NaN, 1e-8, 0), "beta2 is NaN");
        refused(() -> new AdamW(0.9, 0.999, 0, 0), "eps is 0.0", "finite value > 0");
        refused(() -> new AdamW(0.9, 0.999, Double.POSITIVE_INFINITY, 0), "eps is Infinity");
        refused(() -> new AdamW(0.9, 0.999, 1e-8, Double.NaN), "weightDecay is NaN", ">= 0");
    }

    @Test
    void rmsPropHyperParameters() {
        refused(() -> new RmsProp(1, 1e-8, 0, 0), "RmsProp", "alpha is 1.0", "0 <= alpha < 1");
        refused(() -> new RmsProp(0.99, -1e-8, 0, 0), "eps is -1.0E-8", "> 0");
        refused(() -> new RmsProp(0.99, 1e-8, 1.5, 0), "momentum is 1.5", "0 <= momentum < 1");
        refused(() -> new RmsProp(0.99, 1e-8, 0, -1), "weightDecay is -1.0", ">= 0");
    }

    @Test
    void adaGradHyperParameters() {
        refused(() -> new AdaGrad(0, 0, 0), "AdaGrad", "eps is 0.0", "> 0");
        refused(() -> new AdaGrad(1e-10, -1, 0), "initialAccumulatorValue is -1.0", ">= 0");
        refused(() -> new AdaGrad(1e-10, Double.POSITIVE_INFINITY, 0), "initialAccumulatorValue is Infinity");
        refused(() -> new AdaGrad(1e-10, 0, Double.NEGATIVE_INFINITY), "weightDecay is -Infinity");
    }

    @Test
    void diagonalHyperParameters() {
        refused(() -> new DiagonalAdaGrad(0), "DiagonalAdaGrad", "eps is 0.0", "> 0");
        refused(() -> new DiagonalAdaGrad(Double.NaN), "eps is NaN");
        refused(() -> new DiagonalAdam(1, 0.999, 1e-8), "DiagonalAdam", "beta1 is 1.0", "0 <= beta1 < 1");
        refused(() -> new DiagonalAdam(0.9, 1, 1e-8), "beta2 is 1.0");
        refused(() -> new DiagonalAdam(0.9, 0.999, -0.0), "eps is -0.0", "> 0");
    }

    @Test
    void stateSizeMustBePositive() {
        for (FirstOrderFixtures.OptimizerCase c : FirstOrderFixtures.optimizerCases()) {
            refused(() -> c.optimizer().newState(0), "state size is 0", ">= 1");
        }
        for (FirstOrderFixtures.DiagonalCase c : FirstOrderFixtures.diagonalCases()) {
            refused(() -> c.method().newState(-2), "state size is -2", ">= 1");
        }
    }

    @Test
    void applyRefusesMismatchesAndLeavesEverythingUntouched() {
        for (FirstOrderFixtures.OptimizerCase c : FirstOrderFixtures.optimizerCases()) {
            ParameterUpdate s = c.optimizer().newState(3);
            DenseTensor w = DenseTensor.wrap(new double[] {1, -2, 3}, 3);
            s.apply(w, new double[] {0.5, 0.5, -0.5}, 1, 0.1);
            byte[] state = FirstOrderFixtures.save(s);
            long[] param = FirstOrderFixtures.bits(w);
            double[] d = {1, 2, 3};
            refused(() -> s.apply(w, new double[2], 2, 0.1), "direction has 2 elements", "expected 3");
            refused(() -> s.apply(DenseTensor.float64(2, 2), d, 2, 0.1), "parameter [2, 2] has 4 elements", "built for 3");
            refused(() -> s.apply(w, d, 0, 0.1), "step is 0", ">= 1");
            refused(() -> s.apply(w, d, 2, Double.NaN), "learningRate is NaN", "finite value >= 0");
            refused(() -> s.apply(w, d, 2, -0.1), "learningRate is -0.1");
            refused(() -> s.apply(w, d, 2, Double.POSITIVE_INFINITY), "learningRate is Infinity");
            assertArrayEquals(param, FirstOrderFixtures.bits(w), c + ": parameter changed by a refused call");
            assertArrayEquals(state, FirstOrderFixtures.save(s), c + ": state changed by a refused call");
        }
    }

    @Test
    void directionRefusesMismatchesAndLeavesTheStateUntouched() {
        for (FirstOrderFixtures.DiagonalCase c : FirstOrderFixtures.diagonalCases()) {
            DiagonalState s = c.method().newState(3);
            s.direction(FirstOrderFixtures.randomValues(new Random(5), 3), new double[3], 1);
            byte[] state = FirstOrderFixtures.save(s);
            double[] g = {1, 2, 3};
            refused(() -> s.direction(new double[4], new double[3], 2), "gradient has 4 elements", "expected 3");
            refused(() -> s.direction(g, new double[1], 2), "out has 1 elements", "expected 3");
            refused(() -> s.direction(g, new double[3], -1), "step is -1", ">= 1");
            assertArrayEquals(state, FirstOrderFixtures.save(s), c + ": state changed by a refused call");
        }
    }
}
