package io.qshampoo.shampoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class InspectionTest {

    @Test
    void inspectNamesEveryStoredMatrixOfEveryBlock() {
        ShampooConfig config = ShampooConfig.builder().variant(Variant.CQ_EF).intervals(1, 1).maxBlockOrder(64).build();
        DenseTensor w = DenseTensor.float32(100, 70);
        ShampooOptimizer opt = ShampooOptimizer.builder(config, new Sgd(), 0.1).parameter("w", w).build();
        DenseTensor g = DenseTensor.float64(100, 70);
        for (int k = 0; k < g.size(); k++) {
            g.set(k, Math.sin(k));
        }
        opt.step(Map.of("w", g));
        Map<String, DMatrixRMaj> states = opt.inspect();
        // 100 = 64 + 36 rows, 70 = 64 + 6 columns: four blocks, each with C, E and root on both sides.
        assertEquals(4 * 2 * 3, states.size());
        assertEquals(36, states.get("w#2.left.C").numRows);
        assertEquals(6, states.get("w#3.right.root").numCols);
        DMatrixRMaj c = states.get("w#0.left.C");
        assertEquals(0.0, c.get(0, 5), "C is lower triangular");
        assertTrue(c.get(5, 5) > 0);

        Map<String, Object> records = opt.storedRecords();
        // A 64×64 pair is quantized (4096 elements): codes are one packed n×n matrix, n²/2 bytes.
        assertEquals(64 * 64 / 2, ((byte[]) records.get("w#0.left.CE.codes")).length);
        assertArrayEquals(new int[] {0, 0}, (int[]) records.get("w#0.left.rootFailures"));
    }
}
