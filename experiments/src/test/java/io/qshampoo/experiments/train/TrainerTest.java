package io.qshampoo.experiments.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TrainerTest {

    private static final Optimizers.Settings SMALL_INTERVALS = new Optimizers.Settings(0.9, 0, "sgdm", 2, 4, 16, 3);

    /** Everything of a result but the wall times. */
    private static List<Object> fingerprint(TrainResult r) {
        return List.of(r.id(), String.valueOf(r.failure()), r.rootFailures(), r.epochs().stream()
                .map(e -> List.of(e.epoch(), e.steps(), e.trainLoss(), e.testLoss(), e.testAccuracy(), e.stateBytes(),
                        e.stateBreakdown(), e.rootFailures()))
                .toList());
    }

    /**
     * Same seed, same results, bit for bit, for every optimizer: 1 epoch of 12 batches of 16 digits, with
     * T1 = 2 and T2 = 4 so that every Shampoo variant updates its statistics and roots several times.
     */
    @Test
    void sameSeedGivesIdenticalResults() throws IOException {
        Dataset d = Datasets.digits().limit(192, 100);
        Trainer.Config config = new Trainer.Config(new int[] {64}, 1, 16, 42, 1000);
        List<TrainResult> a = new Trainer(d, config).run(Optimizers.ALL, Map.of(), SMALL_INTERVALS, TrainListener.NONE);
        List<TrainResult> b = new Trainer(d, config).run(Optimizers.ALL, Map.of(), SMALL_INTERVALS, TrainListener.NONE);
        assertEquals(Optimizers.ALL.size(), a.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(fingerprint(a.get(i)), fingerprint(b.get(i)), a.get(i).id());
            assertTrue(!a.get(i).error(), a.get(i).id() + ": " + a.get(i).failure());
        }
        // ... and the comparison is sensitive: another seed changes the results.
        List<TrainResult> c = new Trainer(d, new Trainer.Config(new int[] {64}, 1, 16, 43, 1000))
                .run(List.of("adamw"), Map.of(), SMALL_INTERVALS, TrainListener.NONE);
        assertNotEquals(fingerprint(a.get(1)), fingerprint(c.get(0)));
    }

    /**
     * A short AdamW run on the digits (5 epochs of 45 batches, well under a second) must be far above
     * chance. Chance is 10% (10 balanced classes; no class has more than 11% of the 360 test digits), and
     * a random guesser's accuracy on 360 examples has a standard deviation of √(0.1·0.9/360) ≈ 1.6%, so
     * 70% is more than 35 standard deviations above chance. The run itself reaches about 84% (seed 1);
     * the margin allows for changes of the implementation's rounding without letting a broken
     * gradient or optimizer pass (they stay near 10–30%).
     */
    @Test
    void shortAdamWRunOnDigitsIsFarAboveChance() throws IOException {
        Dataset d = Datasets.digits();
        long t0 = System.nanoTime();
        TrainResult r = new Trainer(d, new Trainer.Config(new int[] {64}, 5, 32, 1, 1000))
                .train("adamw", 1e-3, new Optimizers.Settings(0.9, 0, "sgdm", 5, 25, 16, 3), TrainListener.NONE);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertNull(r.failure());
        assertEquals(5, r.epochs().size());
        assertTrue(r.last().testAccuracy() >= 0.70, "test accuracy " + r.last().testAccuracy());
        assertTrue(r.epochs().get(4).trainLoss() < r.epochs().get(0).trainLoss());
        assertTrue(seconds < 5, seconds + " s");
    }

    @Test
    void batchOrderCoversEveryExampleOncePerEpochIncludingTheRemainder() throws IOException {
        Dataset d = Datasets.digits().limit(100, 50);
        Trainer t = new Trainer(d, new Trainer.Config(new int[] {8}, 2, 32, 1, 1000));
        assertEquals(4, t.stepsPerEpoch()); // 32 + 32 + 32 + 4
        TrainResult r = t.train("sgdm", 0.05, SMALL_INTERVALS, TrainListener.NONE);
        assertEquals(4, r.epochs().get(0).steps());
        assertEquals(8, r.epochs().get(1).steps());
    }

    @Test
    void divergenceStopsOneOptimizerWithAMessage() throws IOException {
        Dataset d = Datasets.digits().limit(256, 50);
        Trainer t = new Trainer(d, new Trainer.Config(new int[] {32}, 3, 32, 1, 1000));
        // lr 1e20: the float32 weights overflow within a few steps and the loss becomes NaN.
        TrainResult r = t.train("sgdm", 1e20, SMALL_INTERVALS, TrainListener.NONE);
        assertTrue(r.failure() != null && r.failure().startsWith("diverged: training loss NaN at epoch 1"),
                String.valueOf(r.failure()));
        assertTrue(!r.error());
        assertTrue(r.epochs().isEmpty());
    }
}
