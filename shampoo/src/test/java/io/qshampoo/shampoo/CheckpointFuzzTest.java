package io.qshampoo.shampoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of {@link ShampooOptimizer#restoreCheckpoint}: a checkpoint either is refused — with a
 * {@link CheckpointException} (an IllegalArgumentException) — and leaves the live optimizer byte for byte as it was,
 * or is restored, and then saving, restoring and saving again gives identical files. Any other throwable is a
 * finding.
 *
 * <p>Input: byte 0 picks the variant (bits 1–3) and the mode (bit 0): 0 writes the remaining bytes as the file, 1
 * wraps them as the payload of a well-formed file (right magic, version, fingerprint and CRC-32), so the fuzzer
 * reaches the record decoding behind the checksum. Regression inputs:
 * {@code src/test/resources/io/qshampoo/shampoo/CheckpointFuzzTestInputs/restore/}.
 */
class CheckpointFuzzTest {

    private static Path dir;
    /** The checkpoint of {@link #optimizer} per variant (deterministic, so saved once). */
    private static final java.util.EnumMap<Variant, byte[]> BEFORE = new java.util.EnumMap<>(Variant.class);

    /** A 5×4 float32 matrix (two blocks of order ≤ 3), a rank-3 float64 tensor and a vector, after two steps. */
    static ShampooOptimizer optimizer(Variant v) {
        ShampooConfig.Builder cb = ShampooConfig.builder().variant(v).intervals(1, 2).maxBlockOrder(3)
                .minQuantizedElements(0);
        ShampooConfig config = (v == Variant.SKETCHY ? cb.sketchRank(2) : v == Variant.SKETCHY4 ? cb.sketchRank(2).bits(4)
                : v == Variant.FP32 ? cb : cb.bits(4)).build();
        Map<String, DenseTensor> p = new LinkedHashMap<>();
        p.put("w", DenseTensor.float32(5, 4));
        p.put("c", DenseTensor.float64(2, 2, 2));
        p.put("b", DenseTensor.float32(3));
        ShampooOptimizer.Builder b = ShampooOptimizer.builder(config, new AdamW(), 1e-2);
        p.forEach(b::parameter);
        ShampooOptimizer opt = b.build();
        for (int k = 1; k <= 2; k++) {
            Map<String, DenseTensor> g = new LinkedHashMap<>();
            for (Map.Entry<String, DenseTensor> e : p.entrySet()) {
                DenseTensor t = DenseTensor.float64(e.getValue().shape());
                for (int i = 0; i < t.size(); i++) {
                    t.set(i, Math.sin(7 * i + k) + 0.1 * k);
                }
                g.put(e.getKey(), t);
            }
            opt.step(g);
        }
        return opt;
    }

    private static byte[] saved(ShampooOptimizer opt, String name) throws IOException {
        return CheckpointBytes.of(opt, dir.resolve(name));
    }

    @FuzzTest(maxDuration = "10m")
    void restore(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        if (dir == null) {
            dir = Files.createTempDirectory("qshampoo-fuzz");
            dir.toFile().deleteOnExit();
        }
        Variant v = Variant.values()[((input[0] & 0xff) >>> 1) % Variant.values().length];
        ShampooOptimizer opt = optimizer(v);
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        Path file = dir.resolve("fuzzed.ckpt");
        if ((input[0] & 1) == 0) {
            Files.write(file, rest);
        } else {
            Checkpoint.write(file, opt.fingerprint(), rest);
        }
        byte[] before = BEFORE.get(v);
        if (before == null) {
            before = saved(opt, "before.ckpt");
            BEFORE.put(v, before);
        }
        try {
            opt.restoreCheckpoint(file);
        } catch (IllegalArgumentException refused) {
            assertArrayEquals(before, saved(opt, "after.ckpt"), "a refused checkpoint changed the live optimizer");
            return;
        }
        byte[] once = saved(opt, "once.ckpt");
        opt.restoreCheckpoint(dir.resolve("once.ckpt"));
        assertArrayEquals(once, saved(opt, "twice.ckpt"), "save, restore, save is not stable");
    }
}
