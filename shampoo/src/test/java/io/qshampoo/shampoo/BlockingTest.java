package io.qshampoo.shampoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.QuickTheory.qt;

import java.util.List;
import java.util.Map;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class BlockingTest {

    @Test
    void splitsLargeDimensionsIntoChunksPlusARemainder() {
        Blocking b = Blocking.of(new int[] {2500, 100}, 1200);
        List<Blocking.Block> blocks = b.blocks();
        assertEquals(3, blocks.size());
        assertEquals(new Blocking.Block(0, 0, 1200, 0, 100), blocks.get(0));
        assertEquals(new Blocking.Block(2, 2400, 100, 0, 100), blocks.get(2));
    }

    @Test
    void rankThreeTensorsCollapseToTheFirstDimensionAndTheRest() {
        Blocking b = Blocking.of(new int[] {16, 3, 3, 5}, 1200);
        assertEquals(16, b.rows());
        assertEquals(45, b.cols());
        assertTrue(Blocking.isMatrix(new int[] {2, 2}));
        assertFalse(Blocking.isMatrix(new int[] {7}));
        assertThrows(IllegalArgumentException.class, () -> Blocking.of(new int[] {7}, 1200));
    }

    @Test
    void blocksTileTheMatrixExactly() {
        qt().withExamples(Integer.getInteger("QT_EXAMPLES", 200))
                .forAll(integers().between(1, 40), integers().between(1, 40), integers().between(1, 17))
                .checkAssert((rows, cols, order) -> {
                    Blocking b = Blocking.of(new int[] {rows, cols}, order);
                    int[] covered = new int[rows * cols];
                    DenseTensor t = DenseTensor.float64(rows, cols);
                    for (int k = 0; k < t.size(); k++) {
                        t.set(k, k);
                    }
                    double[] rebuilt = new double[rows * cols];
                    for (Blocking.Block blk : b.blocks()) {
                        assertTrue(blk.rows() <= order && blk.cols() <= order);
                        DMatrixRMaj m = b.extract(t, blk);
                        b.insert(m.data, blk, rebuilt);
                        for (int i = 0; i < blk.rows(); i++) {
                            for (int j = 0; j < blk.cols(); j++) {
                                covered[(blk.row() + i) * cols + blk.col() + j]++;
                            }
                        }
                    }
                    for (int c : covered) {
                        assertEquals(1, c, "every element in exactly one block");
                    }
                    assertArrayEquals(t.float64Data(), rebuilt, 0.0);
                });
    }

    @Test
    void beforeTheStartStepTheGraftedDirectionIsUsedAsIs() {
        // SGD grafting: the direction is G itself until startStep, so the first two steps are plain SGD.
        ShampooConfig config = ShampooConfig.builder().variant(Variant.FP32).intervals(1, 1).startStep(3).build();
        DenseTensor w = DenseTensor.float64(2, 2);
        ShampooOptimizer opt = ShampooOptimizer.builder(config, new Sgd(), 0.5).parameter("w", w).build();
        DenseTensor g = DenseTensor.wrap(new double[] {1, 2, 0, 4}, 2, 2);
        opt.step(Map.of("w", g));
        opt.step(Map.of("w", g));
        assertArrayEquals(new double[] {-1, -2, 0, -4}, w.float64Data(), 0.0);
        opt.step(Map.of("w", g));
        double[] third = {w.get(0) + 1, w.get(1) + 2, w.get(2), w.get(3) + 4};
        // From step 3 the preconditioned direction (rescaled to ‖G‖) differs from G's direction.
        assertFalse(java.util.Arrays.equals(new double[] {-0.5, -1, 0, -2}, third));
    }
}
