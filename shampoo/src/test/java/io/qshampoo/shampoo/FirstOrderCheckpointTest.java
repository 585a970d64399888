package io.qshampoo.shampoo;

import static io.qshampoo.shampoo.FirstOrderFixtures.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

/** Checkpoint records of the base optimizers and diagonal methods: names, lengths, sizes, refusals. */
class FirstOrderCheckpointTest {

    private static Stateful steppedOptimizer(BaseOptimizer opt, int n) {
        ParameterUpdate s = opt.newState(n);
        Random rnd = new Random(11);
        s.apply(DenseTensor.float64(n), FirstOrderFixtures.randomValues(rnd, n), 1, 0.1);
        return s;
    }

    private static Stateful steppedDiagonal(DiagonalMethod method, int n) {
        DiagonalState s = method.newState(n);
        s.direction(FirstOrderFixtures.randomValues(new Random(11), n), new double[n], 1);
        return s;
    }

    private static boolean isSecondMoment(String tag) {
        return tag.endsWith(".sum") || tag.endsWith("_sq") || tag.endsWith("square_avg");
    }

    /** Bytes of a record's header: modified-UTF-8 tag (2-byte length + ASCII), type, length. */
    private static long headerBytes(String tag) {
        return 2 + tag.getBytes(StandardCharsets.UTF_8).length + 1 + 4;
    }

    @Test
    void stateBytesCountExactlyTheStoredArrays() {
        for (int n : new int[] {1, 7, 300}) {
            for (FirstOrderFixtures.OptimizerCase c : FirstOrderFixtures.optimizerCases()) {
                Stateful s = steppedOptimizer(c.optimizer(), n);
                long headers = c.tags().stream().mapToLong(FirstOrderCheckpointTest::headerBytes).sum();
                assertEquals(4L * n * c.tags().size(), s.stateBytes().total(), c + ": one float32 array per record");
                assertEquals(headers + s.stateBytes().total(), FirstOrderFixtures.save(s).length, c + " size " + n);
            }
            for (FirstOrderFixtures.DiagonalCase c : FirstOrderFixtures.diagonalCases()) {
                Stateful s = steppedDiagonal(c.method(), n);
                long headers = c.tags().stream().mapToLong(FirstOrderCheckpointTest::headerBytes).sum();
                assertEquals(4L * n * c.tags().size(), s.stateBytes().total(), c + ": one float32 array per record");
                assertEquals(headers + s.stateBytes().total(), FirstOrderFixtures.save(s).length, c + " size " + n);
            }
        }
    }

    @Test
    void wrongLengthNamesTheRecord() {
        for (FirstOrderFixtures.OptimizerCase c : FirstOrderFixtures.optimizerCases()) {
            if (!c.tags().isEmpty()) {
                byte[] bytes = FirstOrderFixtures.save(steppedOptimizer(c.optimizer(), 3));
                assertMessage(CheckpointException.class, () -> FirstOrderFixtures.restore(c.optimizer().newState(4), bytes),
                        "'" + c.tags().get(0) + "'", "3 elements", "4 elements");
            }
        }
        for (FirstOrderFixtures.DiagonalCase c : FirstOrderFixtures.diagonalCases()) {
            if (!c.tags().isEmpty()) {
                byte[] bytes = FirstOrderFixtures.save(steppedDiagonal(c.method(), 3));
                assertMessage(CheckpointException.class, () -> FirstOrderFixtures.restore(c.method().newState(4), bytes),
                        "'" + c.tags().get(0) + "'", "3 elements", "4 elements");
            }
        }
    }

    @Test
    void anotherOptimizersRecordsAreRefused() {
        byte[] adam = FirstOrderFixtures.save(steppedOptimizer(new AdamW(), 3));
        assertMessage(CheckpointException.class, () -> FirstOrderFixtures.restore(new AdaGrad().newState(3), adam),
                "'adamw.exp_avg'", "'adagrad.sum'");
        byte[] diag = FirstOrderFixtures.save(steppedDiagonal(new DiagonalAdaGrad(), 3));
        assertMessage(CheckpointException.class, () -> FirstOrderFixtures.restore(new AdaGrad().newState(3), diag),
                "'diag_adagrad.sum'", "'adagrad.sum'");
        // Momentum on one side only: the extra record is left over, or missing.
        byte[] heavy = FirstOrderFixtures.save(steppedOptimizer(new Sgd(0.9, false, 0), 3));
        assertMessage(CheckpointException.class, () -> FirstOrderFixtures.restore(new Sgd().newState(3), heavy), "remain");
        assertMessage(CheckpointException.class, () -> FirstOrderFixtures.restore(new Sgd(0.9, false, 0).newState(3), new byte[0]),
                "'sgd.momentum_buffer'", "truncated");
    }

    @Test
    void truncatedCheckpointNamesTheRecord() {
        byte[] bytes = FirstOrderFixtures.save(steppedOptimizer(new AdamW(), 5));
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 3);
        assertMessage(CheckpointException.class, () -> FirstOrderFixtures.restore(new AdamW().newState(5), cut),
                "'adamw.exp_avg_sq'", "truncated");
    }

    @Test
    void negativeOrNaNSecondMomentsAreRefused() {
        for (float bad : new float[] {-1f, Float.NaN}) {
            for (FirstOrderFixtures.OptimizerCase c : FirstOrderFixtures.optimizerCases()) {
                refuseBadSecondMoment(c.tags(), () -> c.optimizer().newState(3), bad);
            }
            for (FirstOrderFixtures.DiagonalCase c : FirstOrderFixtures.diagonalCases()) {
                refuseBadSecondMoment(c.tags(), () -> c.method().newState(3), bad);
            }
        }
    }

    private static void refuseBadSecondMoment(List<String> tags, Supplier<Stateful> fresh, float bad) {
        for (String target : tags) {
            if (!isSecondMoment(target)) {
                continue;
            }
            StateOutput out = new StateOutput();
            for (String tag : tags) {
                out.writeFloats(tag, tag.equals(target) ? new float[] {0.5f, bad, 2f} : new float[] {0.25f, 0.25f, 0.25f});
            }
            byte[] bytes = out.toByteArray();
            assertMessage(CheckpointException.class, () -> FirstOrderFixtures.restore(fresh.get(), bytes),
                    "'" + target + "'", String.valueOf(bad), "element 1", ">= 0");
        }
        // and the same records with valid values restore (the refusal is about the value, not the layout)
        StateOutput ok = new StateOutput();
        for (String tag : tags) {
            ok.writeFloats(tag, new float[] {0.5f, 0f, 2f});
        }
        FirstOrderFixtures.restore(fresh.get(), ok.toByteArray());
    }

    @Test
    void statelessMethodsWriteAndReadNothing() {
        Stateful sgd = steppedOptimizer(new Sgd(), 4);
        Stateful identity = steppedDiagonal(new IdentityDirection(), 4);
        assertEquals(0, FirstOrderFixtures.save(sgd).length);
        assertEquals(0, FirstOrderFixtures.save(identity).length);
        FirstOrderFixtures.restore(new Sgd().newState(4), new byte[0]);
        FirstOrderFixtures.restore(new IdentityDirection().newState(4), new byte[0]);
    }
}
