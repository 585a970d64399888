package io.qshampoo.shampoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.Mapping;

/** Li et al. Eqs. 8, 10–11 in {@link CholeskyQuantizedFactor} on cases worked out by hand. */
class CholeskyQuantizedFactorTest {

    /**
     * Li Eqs. (10)–(11) on a 3×3 factor whose strictly-lower part (0.5, −0.25, 1.0) is one block (B = 32), fed the
     * same C four times with β_e = 1/2, worked out by hand with the 4-bit linear-2 table (units of 1/225:
     * …, −81, −49, 0, …, 81, 121, 169, 225; decision midpoints 0.448889 between 81 and 121, −0.288889 between
     * −49 and −81, −0.875556 between −169 and −225):
     * <pre>
     *   step 1: C+E = (0.5, −0.25, 1)           → D(C̄) = (121, −49, 225)/225;  E = (−0.018889, −0.016111, 0)
     *           Q(E): N = 0.018889, −0.85294 → −169/225                     → D(Ē) = (−0.018889, −0.014188, 0)
     *   step 2: C+E = (0.481111, −0.264188, 1)  → same codes;                 E = (−0.037778, −0.030299, 0) → D(Ē) = (−0.037778, −0.028375, 0)
     *   step 3: C+E = (0.462222, −0.278375, 1)  → same codes;                 E = (−0.056667, −0.044486, 0) → D(Ē) = (−0.056667, −0.042563, 0)
     *   step 4: C+E = (0.443333, −0.292563, 1)  → D(C̄) = (81, −81, 225)/225 (both cross their midpoints);
     *           E = (0.013333, 0.012437, 0), ratio 0.9328 → 1                → D(Ē) = (0.013333, 0.013333, 0)
     * </pre>
     * The accumulated error pushes the codes over their midpoints at step 4. Tolerance 1e-6: inputs and table
     * entries are fp32 (relative 6e-8), the hand values are rounded to 6 digits, and every decision above has a
     * margin of at least 0.0037, so no code can differ.
     */
    @Test
    void errorFeedbackFollowsItsRecurrenceOnAHandCheckedCase() {
        ShampooConfig config = ShampooConfig.builder().variant(Variant.CQ_EF).bits(4).mapping(Mapping.LINEAR_2)
                .layout(BlockLayout.rowSegments(32)).minQuantizedElements(0).betaE(0.5).build();
        CholeskyQuantizedFactor t = new CholeskyQuantizedFactor("f", 3, Side.LEFT, config, Backend.reference());
        java.util.Map<String, DMatrixRMaj> state = new java.util.HashMap<>();
        double[][] factors = {{121, -49, 225}, {121, -49, 225}, {121, -49, 225}, {81, -81, 225}};
        double[][] errors = {{-0.018889, -0.014188}, {-0.037778, -0.028375}, {-0.056667, -0.042563}, {0.013333, 0.013333}};
        for (int step = 0; step < 4; step++) {
            DMatrixRMaj c = new DMatrixRMaj(new double[][] {{1, 0, 0}, {0.5, 1, 0}, {-0.25, 1.0, 1}});
            t.storeFactor(c);
            DMatrixRMaj f = t.factor();
            t.inspect("f", state);
            DMatrixRMaj e = state.get("f.E");
            String where = "step " + (step + 1);
            assertEquals(factors[step][0] / 225, f.get(1, 0), 1e-6, where);
            assertEquals(factors[step][1] / 225, f.get(2, 0), 1e-6, where);
            assertEquals(factors[step][2] / 225, f.get(2, 1), 1e-6, where);
            assertEquals(1.0, f.get(0, 0), 0.0, where); // the diagonal is kept in fp32, uncompensated
            assertEquals(errors[step][0], e.get(1, 0), 1e-6, where);
            assertEquals(errors[step][1], e.get(2, 0), 1e-6, where);
            assertEquals(0.0, e.get(2, 1), 1e-6, where);
            for (int i = 0; i < 3; i++) {
                assertEquals(0.0, e.get(i, i), 0.0, "E has a zero diagonal, " + where);
            }
        }
    }

    /**
     * β_e = 0 is classical error feedback: Eq. (11) keeps the whole residual, E_1 = C + E_0 − D(C̄_1). The case above,
     * one step: C + E_0 = (0.5, −0.25, 1) → D(C̄) = (121, −49, 225)/225, E = (0.5 − 121/225, −0.25 + 49/225, 0) =
     * (−0.037778, −0.032222, 0); Q(E): N = 0.037778, −0.032222/N = −0.85294 → −169/225, so D(Ē) = (−0.037778,
     * −0.028375, 0) — twice the β_e = 1/2 error of step 1 in the first entry, as (1 − β_e) says. Tolerance as above.
     */
    @Test
    void betaEZeroCarriesTheWholeResidual() {
        ShampooConfig config = ShampooConfig.builder().variant(Variant.CQ_EF).bits(4).mapping(Mapping.LINEAR_2)
                .layout(BlockLayout.rowSegments(32)).minQuantizedElements(0).betaE(0.0).build();
        CholeskyQuantizedFactor t = new CholeskyQuantizedFactor("f", 3, Side.LEFT, config, Backend.reference());
        t.storeFactor(new DMatrixRMaj(new double[][] {{1, 0, 0}, {0.5, 1, 0}, {-0.25, 1.0, 1}}));
        java.util.Map<String, DMatrixRMaj> state = new java.util.HashMap<>();
        t.inspect("f", state);
        DMatrixRMaj e = state.get("f.E");
        assertEquals(-0.037778, e.get(1, 0), 1e-6);
        assertEquals(-0.028375, e.get(2, 0), 1e-6);
        assertEquals(0.0, e.get(2, 1), 1e-6);
    }

    /** β_e lies in [0, 1): 1 would freeze E at Ē₀ = 0 forever (no feedback while claiming it), below 0 is no EMA. */
    @Test
    void betaEOutsideZeroToOneIsRefusedWithTheRange() {
        for (double bad : new double[] {1.0, -0.1, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ShampooConfig.builder().variant(Variant.CQ_EF).betaE(bad).build());
            assertTrue(e.getMessage().contains("betaE is " + bad) && e.getMessage().contains("[0, 1)"), e.getMessage());
        }
    }
}
