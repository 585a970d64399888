package io.qshampoo.shampoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.function.Executable;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/** Shared set-up for the tests of the base optimizers, the diagonal methods and grafting. */
final class FirstOrderFixtures {

    /** Unit roundoff of float64. */
    static final double U = 0x1p-53;
    /** Unit roundoff of float32. */
    static final double U32 = 0x1p-24;

    private FirstOrderFixtures() {
    }

    /** Examples per property: system property QT_EXAMPLES (200 by default). */
    static QuickTheory qt() {
        return QuickTheory.qt().withExamples(Integer.getInteger("QT_EXAMPLES", 200));
    }

    /** Seeds for java.util.Random; they shrink toward 0 like any long. */
    static Gen<Long> seeds() {
        return SourceDSL.longs().all();
    }

    /** A base optimizer with its checkpoint record tags, in save order (the checkpoint format is a contract). */
    record OptimizerCase(BaseOptimizer optimizer, List<String> tags) {
        @Override
        public String toString() {
            return optimizer.toString();
        }
    }

    /** A diagonal method with its checkpoint record tags, in save order. */
    record DiagonalCase(DiagonalMethod method, List<String> tags) {
        @Override
        public String toString() {
            return method.toString();
        }
    }

    /** One configuration of every state layout of every base optimizer. */
    static List<OptimizerCase> optimizerCases() {
        return List.of(
                new OptimizerCase(new Sgd(), List.of()),
                new OptimizerCase(new Sgd(0.9, false, 0), List.of("sgd.momentum_buffer")),
                new OptimizerCase(new Sgd(0.9, true, 1e-2), List.of("sgd.momentum_buffer")),
                new OptimizerCase(new AdamW(), List.of("adamw.exp_avg", "adamw.exp_avg_sq")),
                new OptimizerCase(new RmsProp(), List.of("rmsprop.square_avg")),
                new OptimizerCase(new RmsProp(0.9, 1e-8, 0.9, 1e-2), List.of("rmsprop.square_avg", "rmsprop.momentum_buffer")),
                new OptimizerCase(new AdaGrad(), List.of("adagrad.sum")),
                new OptimizerCase(new AdaGrad(1e-10, 0.1, 1e-2), List.of("adagrad.sum")));
    }

    /** One configuration of every state layout of every diagonal method. */
    static List<DiagonalCase> diagonalCases() {
        return List.of(
                new DiagonalCase(new IdentityDirection(), List.of()),
                new DiagonalCase(new DiagonalAdaGrad(), List.of("diag_adagrad.sum")),
                new DiagonalCase(new DiagonalAdam(), List.of("diag_adam.exp_avg", "diag_adam.exp_avg_sq")),
                new DiagonalCase(new DiagonalAdam(0, 0.999, 1e-8), List.of("diag_adam.exp_avg_sq")));
    }

    /** A base optimizer of a random kind with random valid hyper-parameters (weight decay included). */
    static BaseOptimizer randomOptimizer(Random rnd) {
        double wd = rnd.nextBoolean() ? 0 : 0.1 * rnd.nextDouble();
        double eps = Math.pow(10, -10 + 6 * rnd.nextDouble());
        double mu = rnd.nextBoolean() ? 0 : 0.99 * rnd.nextDouble();
        switch (rnd.nextInt(4)) {
            case 0:
                return new Sgd(mu, mu > 0 && rnd.nextBoolean(), wd);
            case 1:
                return new AdamW(0.99 * rnd.nextDouble(), 0.5 + 0.4999 * rnd.nextDouble(), eps, wd);
            case 2:
                return new RmsProp(0.5 + 0.499 * rnd.nextDouble(), eps, mu, wd);
            default:
                return new AdaGrad(eps, rnd.nextBoolean() ? 0 : rnd.nextDouble(), wd);
        }
    }

    /** A diagonal method of a random kind with random valid hyper-parameters. */
    static DiagonalMethod randomDiagonal(Random rnd) {
        double eps = Math.pow(10, -10 + 6 * rnd.nextDouble());
        switch (rnd.nextInt(3)) {
            case 0:
                return new IdentityDirection();
            case 1:
                return new DiagonalAdaGrad(eps);
            default:
                return new DiagonalAdam(rnd.nextBoolean() ? 0 : 0.99 * rnd.nextDouble(), 0.5 + 0.4999 * rnd.nextDouble(), eps);
        }
    }

    /** n values of random sign and magnitude 10^[-3, 3], a tenth of them zero. */
    static double[] randomValues(Random rnd, int n) {
        double[] x = new double[n];
        for (int k = 0; k < n; k++) {
            x[k] = rnd.nextInt(10) == 0 ? 0 : (rnd.nextBoolean() ? 1 : -1) * Math.pow(10, -3 + 6 * rnd.nextDouble());
        }
        return x;
    }

    /** The same values as float32-representable doubles. */
    static double[] toFloatValues(double[] x) {
        double[] y = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            y[k] = (float) x[k];
        }
        return y;
    }

    static byte[] save(Stateful s) {
        StateOutput out = new StateOutput();
        s.save(out);
        return out.toByteArray();
    }

    /** Restores into s and requires that every record was read. */
    static void restore(Stateful s, byte[] bytes) {
        StateInput in = new StateInput(bytes, "test");
        s.restore(in);
        in.requireEnd();
    }

    /** Raw bits of every element, float32 or float64, for exact comparisons. */
    static long[] bits(DenseTensor t) {
        long[] b = new long[t.size()];
        for (int k = 0; k < b.length; k++) {
            b[k] = t.precision() == DenseTensor.Precision.FLOAT32 ? Float.floatToRawIntBits(t.float32Data()[k])
                    : Double.doubleToRawLongBits(t.float64Data()[k]);
        }
        return b;
    }

    static long[] bits(double[] x) {
        long[] b = new long[x.length];
        for (int k = 0; k < b.length; k++) {
            b[k] = Double.doubleToRawLongBits(x[k]);
        }
        return b;
    }

    static double[] values(DenseTensor t) {
        double[] v = new double[t.size()];
        for (int k = 0; k < v.length; k++) {
            v[k] = t.get(k);
        }
        return v;
    }

    /** Asserts that the call throws {@code type} with every fragment in its message. */
    static <T extends Throwable> T assertMessage(Class<T> type, Executable call, String... fragments) {
        T t = assertThrows(type, call);
        for (String f : fragments) {
            assertTrue(t.getMessage() != null && t.getMessage().contains(f),
                    () -> "message \"" + t.getMessage() + "\" lacks \"" + f + "\"");
        }
        return t;
    }

    /** |actual − expected| ≤ tolerance, element by element. */
    static void assertClose(double[] expected, double[] actual, double tolerance) {
        assertEquals(expected.length, actual.length, "length");
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], actual[k], tolerance, "element " + k);
        }
    }
}
