package io.qshampoo.shampoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The blocks of a parameter on a pool of three threads against one after the other: for every variant, a 20×17
 * parameter in blocks of order at most 6 (12 blocks of different shapes), statistics every 2 steps and roots every 3,
 * must write byte-identical checkpoints after every step; a failing block is rethrown and the step undone.
 */
class BlockPoolEquivalenceTest {

    private static ExecutorService pool;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPool() {
        pool = Executors.newFixedThreadPool(3);
    }

    @AfterAll
    static void stopPool() {
        pool.shutdownNow();
    }

    private static ShampooOptimizer optimizer(Variant v, boolean parallel, int maxFailures) {
        ShampooConfig.Builder cb = ShampooConfig.builder().variant(v).intervals(2, 3).maxBlockOrder(6)
                .maxConsecutiveRootFailures(maxFailures);
        ShampooConfig config = (switch (v) {
            case FP32 -> cb;
            case SKETCHY -> cb.sketchRank(2);
            default -> cb.bits(4).minQuantizedElements(0);
        }).build();
        ShampooOptimizer.Builder b = ShampooOptimizer.builder(config, new Sgd(0.9, false, 0), 0.05)
                .parameter("w", DenseTensor.float32(20, 17));
        return (parallel ? b.blockPool(pool) : b).build();
    }

    private static Map<String, DenseTensor> gradient(Random rnd) {
        DenseTensor t = DenseTensor.float64(20, 17);
        for (int k = 0; k < t.size(); k++) {
            t.set(k, rnd.nextGaussian());
        }
        return Map.of("w", t);
    }

    private byte[] checkpoint(ShampooOptimizer opt, String name) throws IOException {
        return CheckpointBytes.of(opt, dir.resolve(name));
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void blocksOnAPoolGiveTheSameTrajectory(Variant v) throws IOException {
        ShampooOptimizer parallel = optimizer(v, true, Integer.MAX_VALUE);
        ShampooOptimizer sequential = optimizer(v, false, Integer.MAX_VALUE);
        Random rnd = new Random(3);
        for (int step = 1; step <= 7; step++) {
            Map<String, DenseTensor> g = gradient(rnd);
            parallel.step(g);
            sequential.step(g);
            assertArrayEquals(checkpoint(sequential, "s" + step), checkpoint(parallel, "p" + step),
                    v + ": checkpoints differ after step " + step);
        }
    }

    /** A rank-one huge gradient: Newton's official preset fails on every block's roots; the step is undone. */
    @Test
    void aFailingBlockIsRethrownAndTheStepUndone() throws IOException {
        ShampooConfig config = ShampooConfig.builder().variant(Variant.FP32).intervals(1, 1).maxBlockOrder(6)
                .rootMethod(RootMethod.NEWTON_OFFICIAL).maxConsecutiveRootFailures(1).build();
        ShampooOptimizer opt = ShampooOptimizer.builder(config, new Sgd(), 0.05).parameter("w",
                DenseTensor.float32(20, 17)).blockPool(pool).build();
        byte[] before = checkpoint(opt, "before");
        DenseTensor g = DenseTensor.float64(20, 17);
        g.set(0, 1e6);
        g.set(1, 1e-3);
        assertThrows(RootFailureException.class, () -> opt.step(Map.of("w", g)));
        assertArrayEquals(before, checkpoint(opt, "after"), "the failed step changed the optimizer");
        assertEquals(0, opt.stepCount());
    }
}
