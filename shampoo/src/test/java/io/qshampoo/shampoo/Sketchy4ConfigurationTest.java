package io.qshampoo.shampoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.qshampoo.linalg.DenseKernels;

/**
 * sketchy4 as a configuration and as stored state: the variant follows from a {@link Preconditioner.Sketch} with
 * quantized storage, the builder refuses what does not apply with a message naming the way out, and its
 * checkpoint records are Q(Uᵀ)'s codes and scales, σ̃, the masses (ρₜ, ρ₁:ₜ, κ₁:ₜ) and the step count.
 */
class Sketchy4ConfigurationTest {

    @TempDir
    Path dir;

    private static IllegalArgumentException refused(Supplier<ShampooConfig> build) {
        return assertThrows(IllegalArgumentException.class, build::get);
    }

    private static void assertMentions(IllegalArgumentException e, String... fragments) {
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "'" + e.getMessage() + "' lacks '" + f + "'");
        }
    }

    @Test
    void theVariantFollowsFromTheSketchAndItsStorage() {
        ShampooConfig four = ShampooConfig.builder().variant(Variant.SKETCHY4).sketchRank(16).build();
        assertEquals(Variant.SKETCHY4, four.variant());
        assertEquals(4, four.bits());
        assertEquals(new Preconditioner.Sketch(16, 0.999, 1e-7), four.preconditioner());
        assertEquals(four, four.toBuilder().build());
        for (int bits : new int[] {3, 8}) {
            assertEquals(Variant.SKETCHY4, ShampooConfig.builder().variant(Variant.SKETCHY4).bits(bits).build().variant());
        }
        ShampooConfig typed = new ShampooConfig(four.preconditioner(), StorageConfig.fp32(), 1, 1, 1200, Grafting.SGD,
                1, 3, Conventions.qshampoo(), NonFinitePolicy.THROW);
        assertEquals(Variant.SKETCHY, typed.variant());
        IllegalArgumentException exact = assertThrows(IllegalArgumentException.class, () -> new ShampooConfig(
                four.preconditioner(), StorageConfig.fp32().withBits(64), 1, 1, 1200, Grafting.SGD, 1, 3,
                Conventions.qshampoo(), NonFinitePolicy.THROW));
        assertMentions(exact, "bits is 64", "fp32 (bits 32)", "(3, 4 or 8)");
        assertEquals(Variant.SKETCHY4, Variant.fromId("sketchy4"));
        assertEquals("sketchy4", Variant.SKETCHY4.id());
        assertMentions(assertThrows(IllegalArgumentException.class, () -> Variant.fromId("sketchy8")), "sketchy4");
        // No official code quantizes a sketch; "official" means tearfree's Sketchy switches for it too.
        assertEquals(Conventions.officialSketchy(), Conventions.named("official", Variant.SKETCHY4));
    }

    @Test
    void theBuilderRefusesWhatDoesNotApplyNamingTheWayOut() {
        assertMentions(refused(() -> ShampooConfig.builder().variant(Variant.SKETCHY4).bits(32).build()),
                "sketchy4", "bits is 32", "use sketchy");
        assertMentions(refused(() -> ShampooConfig.builder().variant(Variant.SKETCHY4).bits(64).build()),
                "bits is 64");
        assertMentions(refused(() -> ShampooConfig.builder().variant(Variant.SKETCHY).bits(4).build()),
                "sketchy keeps its sketch in fp32", "bits is 4", "use sketchy4");
        assertMentions(refused(() -> ShampooConfig.builder().variant(Variant.SKETCHY4).betaE(0.9).build()),
                "betaE applies to cq+ef", "the variant is sketchy4");
        assertMentions(refused(() -> ShampooConfig.builder().variant(Variant.SKETCHY4).bjorckSteps(1, 4).build()),
                "Björck steps applies to eigen4", "the variant is sketchy4");
        assertMentions(refused(() -> ShampooConfig.builder().variant(Variant.SKETCHY4).rootMethod(RootMethod.EIGEN)
                .build()), "rootMethod");
        assertMentions(refused(() -> ShampooConfig.builder().variant(Variant.CQ).sketchRank(8).build()),
                "sketchRank applies to sketchy and sketchy4 only", "cq");
    }

    private static ShampooOptimizer optimizer(Variant v) {
        ShampooConfig config = ShampooConfig.builder().variant(v).sketchRank(4).intervals(1, 1)
                .minQuantizedElements(0).build();
        return ShampooOptimizer.builder(config, new Sgd(), 0.1).parameter("w", DenseTensor.float32(40, 6)).build();
    }

    private static void steps(ShampooOptimizer opt, int count) {
        Random rnd = new Random(1);
        for (int t = 0; t < count; t++) {
            DenseTensor g = DenseTensor.float64(40, 6);
            for (int k = 0; k < g.size(); k++) {
                g.set(k, rnd.nextGaussian());
            }
            opt.step(Map.of("w", g));
        }
    }

    @Test
    void theCheckpointHoldsCodesScalesSigmaMassesAndSteps() {
        ShampooOptimizer opt = optimizer(Variant.SKETCHY4);
        steps(opt, 3);
        List<String> tags = List.copyOf(opt.storedRecords().keySet());
        List<String> expected = new java.util.ArrayList<>();
        for (String side : new String[] {"left", "right"}) {
            String p = "w#0." + side + ".sketch.";
            expected.addAll(List.of(p + "Ut.codes", p + "Ut.scales", p + "sigma", p + "rho", p + "steps"));
        }
        assertEquals(expected, tags);
        // left: ℓ = 4 directions of order 40, 4-bit: 4·40/2 code bytes, one scale per row (40 < 64)
        assertEquals(80, ((byte[]) opt.storedRecords().get("w#0.left.sketch.Ut.codes")).length);
        assertEquals(4, ((float[]) opt.storedRecords().get("w#0.left.sketch.Ut.scales")).length);
        float[] masses = (float[]) opt.storedRecords().get("w#0.left.sketch.rho");
        assertEquals(3, masses.length);
        assertTrue(masses[2] > 0, "κ₁:ₜ grows from the first update: " + masses[2]);
    }

    @Test
    void aSketchyCheckpointIsNotASketchy4One() throws IOException {
        ShampooOptimizer four = optimizer(Variant.SKETCHY4);
        steps(four, 2);
        Path f = dir.resolve("four.qsh");
        four.saveCheckpoint(f);
        ShampooOptimizer fp32 = optimizer(Variant.SKETCHY);
        CheckpointException e = assertThrows(CheckpointException.class, () -> fp32.restoreCheckpoint(f));
        assertTrue(e.getMessage().contains("bits"), e.getMessage()); // the fingerprint difference names the field
        ShampooOptimizer again = optimizer(Variant.SKETCHY4);
        again.restoreCheckpoint(f);
        assertEquals(four.storedRecords().keySet(), again.storedRecords().keySet());
        for (String tag : four.storedRecords().keySet()) {
            Object a = four.storedRecords().get(tag);
            Object b = again.storedRecords().get(tag);
            if (a instanceof float[] fa) {
                assertArrayEquals(fa, (float[]) b, 0f, tag);
            } else if (a instanceof byte[] ba) {
                assertArrayEquals(ba, (byte[]) b, tag);
            } else {
                assertEquals(a, b, tag);
            }
        }
    }

    /** The factor's records, with one replaced. */
    private static byte[] withRecord(KroneckerFactor f, String tag, Object value) {
        StateOutput saved = new StateOutput();
        f.save(saved);
        StateOutput out = new StateOutput();
        for (Map.Entry<String, Object> r : new LinkedHashMap<>(saved.records()).entrySet()) {
            Object v = r.getKey().equals(tag) ? value : r.getValue();
            if (v instanceof float[] x) {
                out.writeFloats(r.getKey(), x);
            } else if (v instanceof byte[] x) {
                out.writeBytes(r.getKey(), x);
            } else {
                out.writeLong(r.getKey(), (Long) v);
            }
        }
        return out.toByteArray();
    }

    @Test
    void aCorruptStoredSketchIsRefusedNamingTheField() {
        ShampooConfig config = ShampooConfig.builder().variant(Variant.SKETCHY4).sketchRank(4).minQuantizedElements(0)
                .build();
        KroneckerFactor f = KroneckerFactor.create("f", 40, Side.LEFT, config, DenseKernels.reference());
        Random rnd = new Random(2);
        for (int t = 0; t < 3; t++) {
            DMatrixRMaj g = new DMatrixRMaj(40, 6);
            for (int k = 0; k < g.data.length; k++) {
                g.data[k] = rnd.nextGaussian();
            }
            f.updateStatistics(g);
        }
        StateOutput saved = new StateOutput();
        f.save(saved);
        float[] sigma = ((float[]) saved.records().get("f.sketch.sigma")).clone();
        float[] ascending = {sigma[2], sigma[1], sigma[0], sigma[3]};
        float[] rho = ((float[]) saved.records().get("f.sketch.rho")).clone();
        rho[2] = -1f;
        Object[][] cases = {{"f.sketch.sigma", ascending, "descending"}, {"f.sketch.rho", rho, "quantization mass"},
            {"f.sketch.sigma", new float[] {sigma[0], sigma[1], sigma[2], 1f}, "expected 0"}};
        for (Object[] c : cases) {
            KroneckerFactor fresh = KroneckerFactor.create("f", 40, Side.LEFT, config, DenseKernels.reference());
            byte[] bytes = withRecord(f, (String) c[0], c[1]);
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> fresh.restore(new StateInput(bytes, "planted")));
            assertTrue(e.getMessage().contains("f.sketch") && e.getMessage().contains((String) c[2]), e.getMessage());
        }
    }
}
