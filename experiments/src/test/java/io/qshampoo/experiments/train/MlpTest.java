package io.qshampoo.experiments.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

import io.qshampoo.shampoo.DenseTensor;

class MlpTest {

    /**
     * Back-propagation against central finite differences, every weight and bias of a 6-5-4-3 network
     * (two ReLU layers) on a batch of 4, in float64.
     *
     * <p>Tolerance. The central difference (f(θ+h) − f(θ−h))/(2h) differs from f'(θ) by the truncation
     * error h²/6·|f'''| plus the rounding error of the two loss evaluations, about 2·c·u·|f|/(2h) with
     * u = 2^-53 ≈ 1.1e-16 and c a small multiple of the number of operations in the loss (~ 100 here).
     * With h = 1e-5: the truncation term is ≤ 1.7e-11·|f'''| (|f'''| is O(1) for inputs and weights of
     * order 1: softmax cross-entropy has derivatives bounded by 1 in the logits) and the rounding term
     * ≈ 100·1.1e-16·1.5/1e-5 ≈ 1.7e-9. We allow 1e-7 (absolute, gradients are O(0.01–1)), fifty times the
     * estimate, yet far below any real error in a gradient formula (a missing term or factor changes
     * entries by their own size, ≥ 1e-3 here). ReLU is not differentiable at 0: the test first checks
     * that no hidden pre-activation lies within 1e-3 of 0, while a perturbation moves one by at most
     * h·max|input| ≤ 1e-5, so no difference straddles a kink.
     */
    @Test
    void gradientMatchesCentralFiniteDifferences() {
        int[] sizes = {6, 5, 4, 3};
        Mlp mlp = Mlp.initialized(sizes, 11);
        Random r = new Random(5);
        // Non-zero biases, so that their gradients and the ReLU masks are exercised away from 0.
        for (DenseTensor t : mlp.parameters().values()) {
            if (t.rank() == 1) {
                for (int k = 0; k < t.size(); k++) {
                    t.set(k, 0.3 * r.nextGaussian());
                }
            }
        }
        int batch = 4;
        float[] x = new float[batch * sizes[0]];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        int[] y = {0, 2, 1, 2};
        int[] order = {0, 1, 2, 3};
        Mlp.Workspace ws = mlp.workspace(batch);
        double loss = mlp.lossAndGradients(x, y, order, 0, batch, ws);
        assertTrue(loss > 0 && Double.isFinite(loss));
        assertTrue(minAbsHiddenPreActivation(mlp, x, batch, sizes) > 1e-3, "a pre-activation is too close to the ReLU kink");

        double h = 1e-5;
        double tol = 1e-7;
        int checked = 0;
        for (int l = 0; l < sizes.length - 1; l++) {
            DMatrixRMaj w = mlp.weight64(l);
            double[] analytic = ws.gradW64(l).data.clone();
            for (int k = 0; k < w.data.length; k++) {
                double fd = centralDifference(mlp, ws, w.data, k, h);
                assertEquals(fd, analytic[k], tol, "dL/dW" + (l + 1) + "[" + k + "]");
                checked++;
            }
            double[] b = mlp.bias64(l);
            double[] analyticB = ws.gradB64(l).clone();
            for (int k = 0; k < b.length; k++) {
                double fd = centralDifference(mlp, ws, b, k, h);
                assertEquals(fd, analyticB[k], tol, "dL/db" + (l + 1) + "[" + k + "]");
                checked++;
            }
        }
        assertEquals(6 * 5 + 5 + 5 * 4 + 4 + 4 * 3 + 3, checked);
        // The float32 gradients handed to optimizers are the float64 ones rounded.
        mlp.lossAndGradients(x, y, order, 0, batch, ws);
        float[] g1 = ws.gradients().get("fc1.weight").float32Data();
        for (int k = 0; k < g1.length; k++) {
            assertEquals((float) ws.gradW64(0).data[k], g1[k]);
        }
    }

    /** (f(θ_k + h) − f(θ_k − h))/(2h), restoring θ_k; the loaded batch and the workspace are reused. */
    private static double centralDifference(Mlp mlp, Mlp.Workspace ws, double[] theta, int k, double h) {
        double saved = theta[k];
        theta[k] = saved + h;
        double plus = mlp.forward(ws, false);
        theta[k] = saved - h;
        double minus = mlp.forward(ws, false);
        theta[k] = saved;
        return (plus - minus) / (2 * h);
    }

    private static double minAbsHiddenPreActivation(Mlp mlp, float[] x, int batch, int[] sizes) {
        double min = Double.MAX_VALUE;
        double[][] a = new double[batch][];
        for (int i = 0; i < batch; i++) {
            a[i] = new double[sizes[0]];
            for (int j = 0; j < sizes[0]; j++) {
                a[i][j] = x[i * sizes[0] + j];
            }
        }
        for (int l = 0; l < sizes.length - 2; l++) {
            DMatrixRMaj w = mlp.weight64(l);
            double[] b = mlp.bias64(l);
            for (int i = 0; i < batch; i++) {
                double[] next = new double[sizes[l + 1]];
                for (int j = 0; j < next.length; j++) {
                    double z = b[j];
                    for (int k = 0; k < sizes[l]; k++) {
                        z += a[i][k] * w.get(k, j);
                    }
                    min = Math.min(min, Math.abs(z));
                    next[j] = Math.max(z, 0);
                }
                a[i] = next;
            }
        }
        return min;
    }

    /**
     * A training step allocates nothing once warm: the MLP's forward and backward passes and the
     * first-order optimizer work in preallocated buffers (the thread's allocation counter, HotSpot's
     * {@code com.sun.management.ThreadMXBean}, must not move over 20 steps; a few hundred bytes of slack
     * cover a JIT deoptimisation's bookkeeping, while one batch's buffers would be ≥ 10 KB).
     */
    @Test
    void aWarmTrainingStepAllocatesNothing() {
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean
                && ((com.sun.management.ThreadMXBean) bean).isThreadAllocatedMemorySupported(),
                "this JVM does not report per-thread allocation");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        int[] sizes = {20, 16, 10};
        Mlp mlp = Mlp.initialized(sizes, 1);
        int n = 64;
        float[] x = new float[n * 20];
        int[] y = new int[n];
        Random r = new Random(2);
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(10);
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Mlp.Workspace ws = mlp.workspace(16);
        TrainOptimizer opt = new FirstOrderOptimizer(new io.qshampoo.shampoo.AdamW(), 1e-3, mlp.parameters());
        for (int s = 0; s < 2000; s++) { // warm up: let the JIT compile the loops
            mlp.lossAndGradients(x, y, order, (s % 4) * 16, 16, ws);
            opt.step(ws.gradients());
        }
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        for (int s = 0; s < 20; s++) {
            mlp.lossAndGradients(x, y, order, (s % 4) * 16, s % 4 == 3 ? 11 : 16, ws); // a short batch too
            opt.step(ws.gradients());
        }
        long allocated = mx.getThreadAllocatedBytes(id) - before;
        assertTrue(allocated < 512, allocated + " bytes allocated by 20 warm steps");
    }

    @Test
    void initialisationIsSeededHeNormalAndGlorotUniform() {
        Mlp a = Mlp.initialized(new int[] {400, 300, 10}, 3);
        Mlp b = Mlp.initialized(new int[] {400, 300, 10}, 3);
        Mlp c = Mlp.initialized(new int[] {400, 300, 10}, 4);
        float[] w1 = a.parameters().get("fc1.weight").float32Data();
        org.junit.jupiter.api.Assertions.assertArrayEquals(w1, b.parameters().get("fc1.weight").float32Data());
        assertTrue(!java.util.Arrays.equals(w1, c.parameters().get("fc1.weight").float32Data()));
        // He normal: variance 2/fan_in. 120000 samples: the sample variance's relative sd is √(2/n) ≈ 0.4%.
        double ss = 0;
        for (float v : w1) {
            ss += (double) v * v;
        }
        assertEquals(2.0 / 400, ss / w1.length, 0.03 * 2.0 / 400);
        // Glorot uniform: |w| ≤ √(6/(fan_in + fan_out)).
        double limit = Math.sqrt(6.0 / 310);
        for (float v : a.parameters().get("fc2.weight").float32Data()) {
            assertTrue(Math.abs(v) <= limit);
        }
        for (float v : a.parameters().get("fc1.bias").float32Data()) {
            assertEquals(0f, v);
        }
        assertEquals(400 * 300 + 300 + 300 * 10 + 10, a.parameterCount());
        assertEquals(java.util.List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"),
                java.util.List.copyOf(a.parameters().keySet()));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {400, 300},
                a.parameters().get("fc1.weight").shape());
    }

    @Test
    void evaluationCountsCorrectPredictionsOverChunks() {
        // A 2-class, 1-layer model with hand-set weights: class = sign of the input.
        Mlp mlp = Mlp.initialized(new int[] {1, 2}, 1);
        float[] w = mlp.parameters().get("fc1.weight").float32Data();
        w[0] = -1;
        w[1] = 1;
        float[] x = {-1, 2, 3, -4, 5};
        int[] y = {0, 1, 1, 1, 1}; // the fourth is wrong
        Mlp.Evaluation e = mlp.evaluate(x, y, 5, mlp.workspace(2)); // chunks of 2, 2, 1
        assertEquals(0.8, e.accuracy(), 0);
        double expected = 0;
        for (int i = 0; i < 5; i++) {
            double z0 = -x[i];
            double z1 = x[i];
            double lse = Math.max(z0, z1) + Math.log(Math.exp(z0 - Math.max(z0, z1)) + Math.exp(z1 - Math.max(z0, z1)));
            expected += lse - (y[i] == 0 ? z0 : z1);
        }
        assertEquals(expected / 5, e.loss(), 1e-12);
    }
}
