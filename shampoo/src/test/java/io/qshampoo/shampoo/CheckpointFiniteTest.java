package io.qshampoo.shampoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint with a valid checksum but a non-finite value is refused, naming it, and the live optimizer is kept. */
class CheckpointFiniteTest {

    @TempDir
    Path dir;

    private static ShampooOptimizer optimizer(DenseTensor w) {
        ShampooConfig c = ShampooConfig.builder().variant(Variant.CQ_EF).intervals(1, 1).minQuantizedElements(0).build();
        return ShampooOptimizer.builder(c, new Sgd(), 0.1).parameter("w", w).build();
    }

    @Test
    void aNonFiniteParameterInACheckpointIsRefusedAndNothingChanges() throws Exception {
        DenseTensor bad = DenseTensor.float32(4, 3);
        ShampooOptimizer writer = optimizer(bad);
        writer.step(Map.of("w", DenseTensor.wrap(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 4, 3)));
        bad.set(5, Float.NaN); // a run that went wrong outside the optimizer, then saved
        Path file = dir.resolve("nan.qsh");
        writer.saveCheckpoint(file);

        DenseTensor w = DenseTensor.float32(4, 3);
        ShampooOptimizer live = optimizer(w);
        live.step(Map.of("w", DenseTensor.wrap(new double[] {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8}, 4, 3)));
        float[] before = w.float32Data().clone();
        long steps = live.stepCount();
        CheckpointException e = assertThrows(CheckpointException.class, () -> live.restoreCheckpoint(file));
        assertTrue(e.getMessage().contains("parameter 'w' element 5 is NaN"), e.getMessage());
        assertArrayEquals(before, w.float32Data());
        assertEquals(steps, live.stepCount());
    }
}
