package io.qshampoo.shampoo;

import static org.quicktheories.generators.SourceDSL.integers;

import java.util.Map;
import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * Hostile gradients for every variant: exact zeros, constants, magnitudes 1e-30 and 1e30, subnormals, rank one,
 * singular values spread over 16 decades, n = 1 and odd orders. Each step either is refused with a clear exception
 * (an IllegalArgumentException or a RootFailureException) and then — the step being all or nothing — leaves the
 * optimizer as it was, or it is taken and every parameter and every stored state stays finite. The state never
 * silently turns NaN or infinite.
 */
class NumericalHostilityProperties {

    private static final String[] KINDS = {"zeros", "constant", "1e-30", "1e30", "subnormal", "rank one",
        "kappa 1e16", "mixed 1e±30"};

    static DenseTensor gradient(int kind, int rows, int cols, Random rnd) {
        DenseTensor g = DenseTensor.float64(rows, cols);
        int n = rows * cols;
        double[] u = new double[rows];
        double[] v = new double[cols];
        for (int i = 0; i < rows; i++) {
            u[i] = rnd.nextGaussian();
        }
        for (int j = 0; j < cols; j++) {
            v[j] = rnd.nextGaussian();
        }
        for (int k = 0; k < n; k++) {
            int i = k / cols;
            int j = k % cols;
            double x = switch (kind) {
                case 0 -> 0;
                case 1 -> 0.5;
                case 2 -> 1e-30 * rnd.nextGaussian();
                case 3 -> 1e30 * rnd.nextGaussian();
                case 4 -> Double.MIN_VALUE * (1 + rnd.nextInt(1000));
                case 5 -> u[i] * v[j];
                case 6 -> (i == j ? Math.pow(1e-16, i / (double) Math.max(1, Math.min(rows, cols) - 1)) : 0);
                default -> (rnd.nextBoolean() ? 1e30 : 1e-30) * rnd.nextGaussian();
            };
            g.set(k, x);
        }
        return g;
    }

    @Test
    void everyStepIsRefusedCleanlyOrLeavesEverythingFinite() {
        FirstOrderFixtures.qt().forAll(integers().between(0, Variant.values().length - 1),
                integers().between(0, KINDS.length - 1), integers().between(0, 80),
                FirstOrderFixtures.seeds()).checkAssert((vi, kind, shape, seed) -> {
                    Variant v = Variant.values()[vi];
                    int rows = 1 + shape / 9;
                    int cols = 1 + shape % 9;
                    ShampooConfig.Builder cb = ShampooConfig.builder().variant(v).intervals(1, 1).maxBlockOrder(6)
                            .minQuantizedElements(0);
                    ShampooConfig config = (v.sketched() ? cb.sketchRank(2) : cb).build();
                    DenseTensor w = DenseTensor.float32(rows, cols);
                    ShampooOptimizer opt = ShampooOptimizer.builder(config, new AdamW(), 1e-3).parameter("w", w).build();
                    Random rnd = new Random(seed);
                    for (int step = 1; step <= 3; step++) {
                        DenseTensor g = gradient(kind, rows, cols, rnd);
                        Map<String, DMatrixRMaj> before = opt.inspect();
                        float[] wBefore = w.float32Data().clone();
                        long count = opt.stepCount();
                        String where = v + ", " + KINDS[kind] + ", " + rows + "×" + cols + ", step " + step;
                        try {
                            opt.step(Map.of("w", g));
                        } catch (IllegalArgumentException | RootFailureException refused) {
                            if (refused.getMessage() == null || refused.getMessage().isBlank()) {
                                throw new AssertionError(where + ": refused without a message", refused);
                            }
                            if (opt.stepCount() != count || !java.util.Arrays.equals(wBefore, w.float32Data())
                                    || !same(before, opt.inspect())) {
                                throw new AssertionError(where + ": a refused step changed the optimizer");
                            }
                            return;
                        }
                        for (int k = 0; k < w.size(); k++) {
                            if (!Double.isFinite(w.get(k))) {
                                throw new AssertionError(where + ": parameter element " + k + " is " + w.get(k));
                            }
                        }
                        opt.inspect().forEach((key, m) -> {
                            for (double x : m.data) {
                                if (!Double.isFinite(x)) {
                                    throw new AssertionError(where + ": state " + key + " holds " + x);
                                }
                            }
                        });
                    }
                });
    }

    private static boolean same(Map<String, DMatrixRMaj> a, Map<String, DMatrixRMaj> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (String k : a.keySet()) {
            if (!java.util.Arrays.equals(a.get(k).data, b.get(k).data)) {
                return false;
            }
        }
        return true;
    }
}
