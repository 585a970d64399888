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

    /** The closed-form count is the number of blocks {@link Blocking#of} builds, for ranks 2 to 4 and any order. */
    @Test
    void theCountIsTheNumberOfBlocksBuilt() {
        qt().forAll(integers().between(1, 300), integers().between(1, 40), integers().between(1, 6),
                integers().between(1, 130)).checkAssert((rows, cols, extra, order) -> {
                    int[][] shapes = {{rows, cols}, {rows, cols, extra}, {rows, extra, cols, 2}};
                    for (int[] shape : shapes) {
                        assertEquals(Blocking.of(shape, order).blocks().size(), Blocking.count(shape, order),
                                () -> java.util.Arrays.toString(shape) + " at order " + order);
                        assertEquals(Blocking.count(shape, order), ShampooOptimizer.blockCount(shape, order));
                    }
                });
    }

    @Test
    void blockCountNeedsNoBlocksAndSaturates() {
        assertEquals(0, ShampooOptimizer.blockCount(new int[] {5}, 4));
        assertEquals(27, ShampooOptimizer.blockCount(new int[] {32000, 768}, 1200));
        int big = Integer.MAX_VALUE;
        assertEquals(Integer.MAX_VALUE, ShampooOptimizer.blockCount(new int[] {big, big, big, big}, 1));
        assertEquals(Long.MAX_VALUE, Blocking.count(new int[] {big, big, big, big}, 1));
        assertThrows(IllegalArgumentException.class, () -> ShampooOptimizer.blockCount(new int[] {4, 0}, 2));
        assertThrows(IllegalArgumentException.class, () -> ShampooOptimizer.blockCount(new int[] {4, 4}, 0));
    }

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
        double[] before = w.float64Data().clone();
        opt.step(Map.of("w", g));
        double dot = 0;
        double normD = 0;
        double normG = 0;
        for (int k = 0; k < 4; k++) {
            double d = before[k] - w.get(k);
            dot += d * g.get(k);
            normD += d * d;
            normG += g.get(k) * g.get(k);
        }
        // Step 3 is preconditioned: grafting keeps the length lr·‖G‖ (to rounding) but turns the direction.
        assertEquals(0.5 * Math.sqrt(normG), Math.sqrt(normD), 1e-12);
        assertTrue(dot / Math.sqrt(normD * normG) < 0.999, "the preconditioned step is not parallel to G");
    }
}
