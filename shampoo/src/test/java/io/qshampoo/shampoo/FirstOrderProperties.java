package io.qshampoo.shampoo;

import static io.qshampoo.shampoo.FirstOrderFixtures.U32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** Properties of every base optimizer and diagonal method: lr = 0, float32 rounding, step bounds, checkpoints. */
class FirstOrderProperties {

    private static DenseTensor randomParam(Random rnd, int n, boolean float32) {
        double[] v = FirstOrderFixtures.randomValues(rnd, n);
        if (!float32) {
            return DenseTensor.wrap(v, n);
        }
        float[] f = new float[n];
        for (int k = 0; k < n; k++) {
            f[k] = (float) v[k];
        }
        return DenseTensor.wrap(f, n);
    }

    @Test
    void zeroLearningRateLeavesTheParameterUnchanged() {
        FirstOrderFixtures.qt().forAll(FirstOrderFixtures.seeds(), integers().between(1, 12), integers().between(1, 6))
                .checkAssert((seed, n, steps) -> {
                    Random rnd = new Random(seed);
                    BaseOptimizer opt = FirstOrderFixtures.randomOptimizer(rnd);
                    DenseTensor w = randomParam(rnd, n, rnd.nextBoolean());
                    double[] before = FirstOrderFixtures.values(w);
                    ParameterUpdate state = opt.newState(n);
                    for (int t = 1; t <= steps; t++) {
                        state.apply(w, FirstOrderFixtures.randomValues(rnd, n), t, 0);
                    }
                    // W·1 − 0·u = W exactly for finite u (a −0 element may become +0, equal as a value).
                    FirstOrderFixtures.assertClose(before, FirstOrderFixtures.values(w), 0);
                });
    }

    @Test
    void float32ParameterHoldsTheFloat64ResultRoundedOnce() {
        FirstOrderFixtures.qt().forAll(FirstOrderFixtures.seeds(), integers().between(1, 12), integers().between(0, 4))
                .checkAssert((seed, n, warmUp) -> {
                    Random rnd = new Random(seed);
                    BaseOptimizer opt = FirstOrderFixtures.randomOptimizer(rnd);
                    ParameterUpdate a = opt.newState(n);
                    ParameterUpdate b = opt.newState(n);
                    DenseTensor wa = randomParam(rnd, n, false);
                    DenseTensor wb = wa.copy();
                    for (int t = 1; t <= warmUp; t++) { // identical histories give identical states
                        double[] d = FirstOrderFixtures.randomValues(rnd, n);
                        a.apply(wa, d, t, 0.01);
                        b.apply(wb, d, t, 0.01);
                    }
                    double[] start = FirstOrderFixtures.toFloatValues(FirstOrderFixtures.randomValues(rnd, n));
                    DenseTensor w64 = DenseTensor.wrap(start.clone(), n);
                    DenseTensor w32 = DenseTensor.float32(n);
                    for (int k = 0; k < n; k++) {
                        w32.set(k, start[k]);
                    }
                    double[] d = FirstOrderFixtures.randomValues(rnd, n);
                    double lr = rnd.nextDouble();
                    a.apply(w32, d, warmUp + 1, lr);
                    b.apply(w64, d, warmUp + 1, lr);
                    // Same state, same double inputs, same double arithmetic: the float32 result is fl32 of the double one.
                    for (int k = 0; k < n; k++) {
                        assertEquals(Float.floatToRawIntBits((float) w64.get(k)), Float.floatToRawIntBits(w32.float32Data()[k]),
                                opt + " element " + k);
                    }
                });
    }

    /*
     * AdaGrad bound. s_t = fl32(s_{t−1} + g_t²) with s_{t−1} ≥ 0: the double square and sum round down by at
     * most 2u and the float32 store by 2^-24 (s is in float32's normal range: |g| ≥ 1e-3 or g = 0), so
     * s_t ≥ g_t²(1 − 2^-24 − 2u) and |g_t|/√s_t ≤ 1 + 2^-25 + 2u; ε only shrinks the quotient; the square root,
     * the sum with ε and the division add 3u. Hence |out| ≤ 1 + 2^-24 at every step, not only the first.
     */
    @Test
    void adaGradMovesNoElementByMoreThanTheLearningRate() {
        FirstOrderFixtures.qt().forAll(FirstOrderFixtures.seeds(), integers().between(1, 8), integers().between(1, 20))
                .checkAssert((seed, n, steps) -> {
                    Random rnd = new Random(seed);
                    double eps = Math.pow(10, -10 + 6 * rnd.nextDouble());
                    double s0 = rnd.nextBoolean() ? 0 : rnd.nextDouble();
                    ParameterUpdate opt = new AdaGrad(eps, s0, 0).newState(n);
                    DiagonalState diag = new DiagonalAdaGrad(eps).newState(n);
                    double[] out = new double[n];
                    for (int t = 1; t <= steps; t++) {
                        double[] g = FirstOrderFixtures.randomValues(rnd, n);
                        DenseTensor w = DenseTensor.float64(n); // W = 0, γ = 1: W1 = −u exactly
                        opt.apply(w, g, t, 1);
                        diag.direction(g, out, t);
                        for (int k = 0; k < n; k++) {
                            assertTrue(Math.abs(w.get(k)) <= 1 + U32, "AdaGrad step " + t + ": " + w.get(k));
                            assertTrue(Math.abs(out[k]) <= 1 + U32, "DiagonalAdaGrad step " + t + ": " + out[k]);
                        }
                    }
                });
    }

    /*
     * RMSprop bound. v_t = fl32(αv_{t−1} + (1 − α)g_t²) ≥ (1 − α)g_t²(1 − 2^-24 − 3u) (1 − α is exact for
     * α ≥ 1/2, Sterbenz), so |g_t|/(√v_t + ε) ≤ (1 + 2^-24)/√(1 − α), with the same argument as AdaGrad's.
     */
    @Test
    void rmsPropStepIsAtMostTheLearningRateOverSqrtOneMinusAlpha() {
        FirstOrderFixtures.qt().forAll(FirstOrderFixtures.seeds(), integers().between(1, 8), integers().between(1, 20))
                .checkAssert((seed, n, steps) -> {
                    Random rnd = new Random(seed);
                    double alpha = 0.5 + 0.499 * rnd.nextDouble();
                    ParameterUpdate opt = new RmsProp(alpha, Math.pow(10, -10 + 6 * rnd.nextDouble()), 0, 0).newState(n);
                    double bound = (1 + U32) / Math.sqrt(1 - alpha);
                    for (int t = 1; t <= steps; t++) {
                        DenseTensor w = DenseTensor.float64(n);
                        opt.apply(w, FirstOrderFixtures.randomValues(rnd, n), t, 1);
                        for (int k = 0; k < n; k++) {
                            assertTrue(Math.abs(w.get(k)) <= bound, "step " + t + ": " + w.get(k) + " > " + bound);
                        }
                    }
                });
    }

    /*
     * Adam bound (bias-corrected). m_t = (1 − β1)Σ_i β1^(t−i) g_i and v_t = (1 − β2)Σ_i β2^(t−i) g_i². Writing
     * β1^(t−i)|g_i| = (β1/√β2)^(t−i) · β2^((t−i)/2)|g_i|, Cauchy–Schwarz gives
     *   |m_t| ≤ (1 − β1)·√S_t·√(v_t/(1 − β2)),   S_t = Σ_{k<t} (β1²/β2)^k,
     * so |m̂_t|/(√v̂_t + ε) ≤ |m_t|·√(1 − β2^t)/((1 − β1^t)·√v_t) ≤ B_t = (1 − β1)√S_t·√(1 − β2^t)/((1 − β1^t)√(1 − β2)).
     * B_1 = 1; for β1² < β2, B_t → (1 − β1)/√((1 − β2)(1 − β1²/β2)) (Kingma & Ba's (1 − β1)/√(1 − β2) is
     * only the typical size, not a bound). Rounding: each float32 store of m grows |m| by at most (1 + 2^-24)
     * over the exact recursion on |g|, and each store of v shrinks v by at most (1 − 2^-24), both up to a few
     * u (v stays in float32's normal range for |g| ≥ 1e-3, t ≤ 30, β2 ≥ 1/2); so |out| ≤ B_t·(1 + 2^-24)^(1.5t)·(1 + 100u)
     * ≤ B_t·(1 + 2t·2^-24). (100u covers 1 − β1^t's relative error when β1^t is near 1.)
     */
    @Test
    void adamDirectionStaysWithinTheCauchySchwarzBound() {
        FirstOrderFixtures.qt().forAll(FirstOrderFixtures.seeds(), integers().between(1, 6), integers().between(1, 30))
                .checkAssert((seed, n, steps) -> {
                    Random rnd = new Random(seed);
                    double b1 = rnd.nextInt(4) == 0 ? 0 : 0.99 * rnd.nextDouble();
                    double b2 = 0.5 + 0.4999 * rnd.nextDouble();
                    double eps = Math.pow(10, -10 + 4 * rnd.nextDouble());
                    ParameterUpdate adamw = new AdamW(b1, b2, eps, 0).newState(n);
                    DiagonalState adam = new DiagonalAdam(b1, b2, eps).newState(n);
                    double[] out = new double[n];
                    double gamma = b1 * b1 / b2;
                    double sum = 0;
                    double power = 1;
                    for (int t = 1; t <= steps; t++) {
                        sum += power; // S_t = Σ_{k<t} γ^k
                        power *= gamma;
                        double bound = (1 - b1) * Math.sqrt(sum) * Math.sqrt(1 - Math.pow(b2, t))
                                / ((1 - Math.pow(b1, t)) * Math.sqrt(1 - b2)) * (1 + 2 * t * U32);
                        double[] g = FirstOrderFixtures.randomValues(rnd, n);
                        DenseTensor w = DenseTensor.float64(n); // W = 0, γ = 1, λ = 0: W1 = −u
                        adamw.apply(w, g, t, 1);
                        adam.direction(g, out, t);
                        for (int k = 0; k < n; k++) {
                            assertTrue(Math.abs(w.get(k)) <= bound, "AdamW step " + t + ": " + w.get(k) + " > " + bound);
                            assertTrue(Math.abs(out[k]) <= bound, "DiagonalAdam step " + t + ": " + out[k] + " > " + bound);
                        }
                    }
                });
    }

    @Test
    void optimizerCheckpointRoundTripIsBitwise() {
        FirstOrderFixtures.qt().forAll(FirstOrderFixtures.seeds(), integers().between(1, 9), integers().between(0, 5), integers().between(1, 4))
                .checkAssert((seed, n, before, after) -> {
                    Random rnd = new Random(seed);
                    BaseOptimizer opt = FirstOrderFixtures.randomOptimizer(rnd);
                    ParameterUpdate a = opt.newState(n);
                    DenseTensor wa = randomParam(rnd, n, rnd.nextBoolean());
                    for (int t = 1; t <= before; t++) {
                        a.apply(wa, FirstOrderFixtures.randomValues(rnd, n), t, 0.05);
                    }
                    ParameterUpdate b = opt.newState(n);
                    FirstOrderFixtures.restore(b, FirstOrderFixtures.save(a));
                    DenseTensor wb = wa.copy();
                    for (int t = before + 1; t <= before + after; t++) {
                        double[] d = FirstOrderFixtures.randomValues(rnd, n);
                        a.apply(wa, d, t, 0.05);
                        b.apply(wb, d, t, 0.05);
                    }
                    assertArrayEquals(FirstOrderFixtures.bits(wa), FirstOrderFixtures.bits(wb), opt + ": parameters");
                    assertArrayEquals(FirstOrderFixtures.save(a), FirstOrderFixtures.save(b), opt + ": states");
                });
    }

    @Test
    void diagonalCheckpointRoundTripIsBitwise() {
        FirstOrderFixtures.qt().forAll(FirstOrderFixtures.seeds(), integers().between(1, 9), integers().between(0, 5), integers().between(1, 4))
                .checkAssert((seed, n, before, after) -> {
                    Random rnd = new Random(seed);
                    DiagonalMethod method = FirstOrderFixtures.randomDiagonal(rnd);
                    DiagonalState a = method.newState(n);
                    double[] out = new double[n];
                    for (int t = 1; t <= before; t++) {
                        a.direction(FirstOrderFixtures.randomValues(rnd, n), out, t);
                    }
                    DiagonalState b = method.newState(n);
                    FirstOrderFixtures.restore(b, FirstOrderFixtures.save(a));
                    double[] outB = new double[n];
                    for (int t = before + 1; t <= before + after; t++) {
                        double[] g = FirstOrderFixtures.randomValues(rnd, n);
                        a.direction(g, out, t);
                        b.direction(g, outB, t);
                        assertArrayEquals(FirstOrderFixtures.bits(out), FirstOrderFixtures.bits(outB), method + ": step " + t);
                    }
                    assertArrayEquals(FirstOrderFixtures.save(a), FirstOrderFixtures.save(b), method + ": states");
                });
    }
}
