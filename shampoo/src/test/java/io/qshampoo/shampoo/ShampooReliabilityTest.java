package io.qshampoo.shampoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Checkpoints, non-finite gradients and root failures. */
class ShampooReliabilityTest {

    @TempDir
    Path dir;

    /** A small model: a matrix large enough to be quantized, a rank-3 tensor, and a bias vector. */
    private static Map<String, DenseTensor> model(long seed) {
        Random rnd = new Random(seed);
        Map<String, DenseTensor> m = new LinkedHashMap<>();
        m.put("w", fill(DenseTensor.float32(70, 66), rnd));
        m.put("conv", fill(DenseTensor.float64(4, 3, 5), rnd));
        m.put("b", fill(DenseTensor.float32(66), rnd));
        return m;
    }

    private static DenseTensor fill(DenseTensor t, Random rnd) {
        for (int k = 0; k < t.size(); k++) {
            t.set(k, rnd.nextGaussian());
        }
        return t;
    }

    private static Map<String, DenseTensor> grads(Map<String, DenseTensor> params, Random rnd) {
        Map<String, DenseTensor> g = new LinkedHashMap<>();
        params.forEach((name, p) -> g.put(name, fill(DenseTensor.float64(p.shape()), rnd)));
        return g;
    }

    private static ShampooOptimizer optimizer(Variant v, Map<String, DenseTensor> params) {
        ShampooConfig.Builder cb = ShampooConfig.builder().variant(v).intervals(2, 3).maxBlockOrder(48);
        ShampooConfig config = (v.sketched() ? cb.sketchRank(16) : cb).build();
        ShampooOptimizer.Builder b = ShampooOptimizer.builder(config, new AdamW(), 1e-2);
        params.forEach(b::parameter);
        return b.build();
    }

    private static void assertBitwiseEqual(Map<String, DenseTensor> a, Map<String, DenseTensor> b) {
        a.forEach((name, t) -> {
            DenseTensor u = b.get(name);
            for (int k = 0; k < t.size(); k++) {
                assertEquals(Double.doubleToRawLongBits(t.get(k)), Double.doubleToRawLongBits(u.get(k)),
                        name + "[" + k + "] differs");
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void restoreAndContinueIsBitwiseIdenticalToAnUninterruptedRun(Variant v) throws IOException {
        Map<String, DenseTensor> straight = model(1);
        ShampooOptimizer a = optimizer(v, straight);
        Random ga = new Random(9);
        for (int t = 0; t < 7; t++) {
            a.step(grads(straight, ga));
        }
        Path file = dir.resolve("ckpt.qsh");
        a.saveCheckpoint(file);
        for (int t = 0; t < 6; t++) {
            a.step(grads(straight, ga));
        }

        Map<String, DenseTensor> resumed = model(2); // different values: the checkpoint restores them
        ShampooOptimizer b = optimizer(v, resumed);
        b.restoreCheckpoint(file);
        assertEquals(7, b.stepCount());
        Random gb = new Random(9);
        for (int t = 0; t < 7; t++) {
            grads(resumed, gb); // replay the gradient stream up to the checkpoint
        }
        for (int t = 0; t < 6; t++) {
            b.step(grads(resumed, gb));
        }
        assertBitwiseEqual(straight, resumed);
        assertEquals(a.stateBytes(), b.stateBytes());
    }

    @Test
    void corruptTruncatedOrMismatchedCheckpointsAreRejectedAndLeaveTheLiveStateUntouched() throws IOException {
        Map<String, DenseTensor> params = model(1);
        ShampooOptimizer a = optimizer(Variant.CQ_EF, params);
        Random rnd = new Random(3);
        for (int t = 0; t < 4; t++) {
            a.step(grads(params, rnd));
        }
        Path good = dir.resolve("good.qsh");
        a.saveCheckpoint(good);
        byte[] bytes = Files.readAllBytes(good);

        Map<String, DenseTensor> live = model(5);
        ShampooOptimizer b = optimizer(Variant.CQ_EF, live);
        b.step(grads(live, new Random(4)));
        Map<String, DenseTensor> before = new LinkedHashMap<>();
        live.forEach((k, t) -> before.put(k, t.copy()));
        StateBytes bytesBefore = b.stateBytes();

        byte[] flipped = bytes.clone();
        flipped[flipped.length / 2] ^= 0x10;
        assertRejected(b, flipped, "corrupt: CRC-32");
        assertRejected(b, java.util.Arrays.copyOf(bytes, bytes.length - 100), "truncated");
        assertRejected(b, java.util.Arrays.copyOf(bytes, 10), "truncated");
        assertRejected(b, "not a checkpoint at all, just text".getBytes(), "not a qshampoo checkpoint");
        byte[] version = bytes.clone();
        version[11] = 9;
        assertRejected(b, version, "version 9");

        Map<String, DenseTensor> other = model(1);
        other.put("extra", DenseTensor.float32(3));
        ShampooOptimizer.Builder ob = ShampooOptimizer.builder(a.config(), new AdamW(), 1e-2);
        other.forEach(ob::parameter);
        Path otherFile = dir.resolve("other.qsh");
        ob.build().saveCheckpoint(otherFile);
        CheckpointException e = assertThrows(CheckpointException.class, () -> b.restoreCheckpoint(otherFile));
        assertTrue(e.getMessage().contains("written for another optimizer"), e.getMessage());

        assertBitwiseEqual(before, live);
        assertEquals(1, b.stepCount());
        assertEquals(bytesBefore, b.stateBytes());
    }

    private void assertRejected(ShampooOptimizer b, byte[] content, String fragment) throws IOException {
        Path f = dir.resolve("bad.qsh");
        Files.write(f, content);
        CheckpointException e = assertThrows(CheckpointException.class, () -> b.restoreCheckpoint(f));
        assertTrue(e.getMessage().contains(fragment), () -> "'" + e.getMessage() + "' lacks '" + fragment + "'");
        assertTrue(e.getMessage().contains(f.toString()), "the message names the file");
    }

    @Test
    void nonFiniteGradientThrowsNamingParameterIndexAndStep() {
        Map<String, DenseTensor> params = model(1);
        ShampooOptimizer opt = optimizer(Variant.FP32, params);
        Random rnd = new Random(1);
        opt.step(grads(params, rnd));
        Map<String, DenseTensor> g = grads(params, rnd);
        g.get("conv").set(7, Double.NaN);
        Map<String, DenseTensor> before = new LinkedHashMap<>();
        params.forEach((k, t) -> before.put(k, t.copy()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.step(g));
        assertTrue(e.getMessage().contains("'conv'") && e.getMessage().contains("step 2")
                && e.getMessage().contains("NaN") && e.getMessage().contains("[0, 1, 2]"), e.getMessage());
        assertBitwiseEqual(before, params);
        assertEquals(1, opt.stepCount());
    }

    @Test
    void skipPolicySkipsTheWholeStep() {
        Map<String, DenseTensor> params = model(1);
        ShampooConfig config = ShampooConfig.builder().variant(Variant.CQ).intervals(1, 1)
                .nonFinitePolicy(NonFinitePolicy.SKIP_STEP).build();
        ShampooOptimizer.Builder b = ShampooOptimizer.builder(config, new Sgd(), 1e-2);
        params.forEach(b::parameter);
        ShampooOptimizer opt = b.build();
        Map<String, DenseTensor> g = grads(params, new Random(1));
        g.get("b").set(0, Double.POSITIVE_INFINITY);
        Map<String, DenseTensor> before = new LinkedHashMap<>();
        params.forEach((k, t) -> before.put(k, t.copy()));
        assertFalse(opt.step(g));
        assertEquals(1, opt.skippedSteps());
        assertEquals(0, opt.stepCount());
        assertBitwiseEqual(before, params);
    }

    @Test
    void gradientsMustMatchTheParameters() {
        Map<String, DenseTensor> params = model(1);
        ShampooOptimizer opt = optimizer(Variant.FP32, params);
        Map<String, DenseTensor> g = grads(params, new Random(1));
        g.remove("b");
        assertThrows(IllegalArgumentException.class, () -> opt.step(g));
        Map<String, DenseTensor> g2 = grads(params, new Random(1));
        g2.put("w", DenseTensor.float64(66, 70));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.step(g2));
        assertTrue(e.getMessage().contains("[66, 70]") && e.getMessage().contains("[70, 66]"), e.getMessage());
    }

    @Test
    void failingRootsKeepThePreviousRootAndThrowAfterTheLimit() {
        // The official Newton preset cannot converge on this ill-conditioned statistic (κ ≈ 1e6: a rank-1
        // gradient with ε = 1e-6), so every refresh fails; with maxConsecutiveRootFailures = 3 the third throws.
        DenseTensor w = DenseTensor.float64(3, 3);
        ShampooConfig config = ShampooConfig.builder().variant(Variant.FP32).intervals(1, 1)
                .rootMethod(RootMethod.NEWTON_OFFICIAL).maxConsecutiveRootFailures(3).build();
        ShampooOptimizer opt = ShampooOptimizer.builder(config, new Sgd(), 0.1).parameter("w", w).build();
        DenseTensor g = DenseTensor.wrap(new double[] {1, 0, 0, 0, 0, 0, 0, 0, 0}, 3, 3);
        opt.step(Map.of("w", g));
        assertEquals(2, opt.rootFailures(), "left and right roots both failed once");
        // With L̂ = R̂ = I kept, the step is plain SGD grafted to ‖G‖: w = −0.1·G.
        assertArrayEquals(new double[] {-0.1, 0, 0, 0, 0, 0, 0, 0, 0}, w.float64Data(), 1e-15);
        opt.step(Map.of("w", g));
        RootFailureException e = assertThrows(RootFailureException.class, () -> opt.step(Map.of("w", g)));
        assertTrue(e.getMessage().contains("step 3") && e.getMessage().contains("3 consecutive"), e.getMessage());
    }
}
