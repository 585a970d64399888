package io.qshampoo.shampoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link StoredRoot} keeps D(L̂) between refreshes; the path before the cache dequantized it at every apply. For every
 * variant, both paths run the same gradients (several blocks per parameter, quantized from the smallest matrix,
 * statistics every 2 steps, roots every 3, so steady steps, refreshes and steps after a restore all occur) and must
 * write byte-identical checkpoints after every step: the cache changes nothing but the cost.
 */
class RootCacheEquivalenceTest {

    private static final int STEPS = 10;

    @TempDir
    Path dir;

    private static ShampooOptimizer optimizer(Variant v, boolean cache) {
        ShampooConfig.Builder cb = ShampooConfig.builder().variant(v).intervals(2, 3).maxBlockOrder(8)
                .maxConsecutiveRootFailures(Integer.MAX_VALUE);
        ShampooConfig config = (switch (v) {
            case FP32 -> cb;
            case SKETCHY -> cb.sketchRank(2);
            default -> cb.bits(4).minQuantizedElements(0);
        }).build();
        boolean before = StoredRoot.cacheDequantized;
        StoredRoot.cacheDequantized = cache;
        try {
            return ShampooOptimizer.builder(config, new Sgd(0.9, false, 0), 0.05)
                    .parameter("a", DenseTensor.float32(12, 10))
                    .parameter("b", DenseTensor.float64(9, 9))
                    .parameter("c", DenseTensor.float64(5))
                    .build();
        } finally {
            StoredRoot.cacheDequantized = before;
        }
    }

    private static Map<String, DenseTensor> gradients(Random rnd) {
        Map<String, DenseTensor> g = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : Map.of("a", new int[] {12, 10}, "b", new int[] {9, 9}, "c", new int[] {5})
                .entrySet()) {
            DenseTensor t = DenseTensor.float64(e.getValue());
            for (int k = 0; k < t.size(); k++) {
                t.set(k, rnd.nextGaussian());
            }
            g.put(e.getKey(), t);
        }
        return g;
    }

    private byte[] checkpoint(ShampooOptimizer opt, String name) throws IOException {
        return CheckpointBytes.of(opt, dir.resolve(name));
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void cachedAndUncachedRootsGiveIdenticalTrajectories(Variant v) throws IOException {
        ShampooOptimizer cached = optimizer(v, true);
        ShampooOptimizer uncached = optimizer(v, false);
        Random rnd = new Random(7);
        boolean moved = false;
        for (int step = 1; step <= STEPS; step++) {
            Map<String, DenseTensor> g = gradients(rnd);
            cached.step(g);
            uncached.step(g);
            byte[] a = checkpoint(cached, "cached-" + step);
            assertArrayEquals(checkpoint(uncached, "uncached-" + step), a, v + ": checkpoints differ after step " + step);
            if (step == 4) { // a restore must drop the cached D(L̂): continue from the checkpoint of step 4
                cached.restoreCheckpoint(dir.resolve("cached-" + step));
            }
            moved |= cached.parameters().get("a").float32Data()[0] != 0;
        }
        assertTrue(moved, v + ": the parameters never moved; the comparison would be vacuous");
    }
}
