package io.qshampoo.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.Mapping;

/**
 * The sketch experiment on a small stream: every step obeys FD's bound for the fp32 sketch and the quantized
 * sketch's ρ + κ bound, the 4-bit sketch's error is visible against the fp32 one and shrinks at 8 bits, and a
 * seeded run repeats exactly.
 */
class SketchErrorExperimentTest {

    private static SketchErrorExperiment.Settings settings(int bits) {
        return new SketchErrorExperiment.Settings(40, 40, 30, List.of(1.0), 0.02, 0.99, 8, bits, Mapping.LINEAR_2,
                BlockLayout.rowSegments(32), 3);
    }

    @Test
    void everyStepIsWithinItsBoundAndQuantizationIsVisible() {
        SketchErrorExperiment.DecayRun four = new SketchErrorExperiment(settings(4)).run().get(0);
        SketchErrorExperiment.DecayRun eight = new SketchErrorExperiment(settings(8)).run().get(0);
        SketchErrorExperiment.Curves c = four.curves();
        for (int t = 0; t < c.error4().length; t++) {
            // Relative budget for float64 SVD/eigen rounding and fp32 storage of ρ (QuantizedSketchProperties
            // derives 64·(n + w + k)·T·u + T·u₃₂ per unit of ‖G‖): n = 40, w = 8, k = 40, T ≤ 30: ≈ 2e-10.
            double tol = 64.0 * (40 + 8 + 40) * 30 * 0x1p-53 + 30 * 0x1p-24;
            int step = t + 1;
            assertTrue(c.error32()[t] <= c.rho32()[t] + tol, () -> "FD bound, step " + step);
            assertTrue(c.error4()[t] <= c.rho4()[t] + c.kappa4()[t] + tol, () -> "ρ + κ bound, step " + step);
            assertTrue(c.excess4()[t] <= c.kappa4()[t] + tol, () -> "excess within κ, step " + step);
        }
        assertTrue(four.summary().minSlack() >= 1, "slack " + four.summary().minSlack());
        assertTrue(four.summary().meanErrorRatio() > 1, "4-bit directions add error: " + four.summary());
        assertTrue(eight.summary().finalError4() < four.summary().finalError4(),
                "8 bits: " + eight.summary() + "; 4 bits: " + four.summary());
        double p = four.summary().meanPersistence();
        assertTrue(p > 0 && p <= 1 + 1e-12, "persistence " + p);
    }

    @Test
    void aSeededRunRepeats() {
        SketchErrorExperiment.Summary a = new SketchErrorExperiment(settings(4)).run().get(0).summary();
        SketchErrorExperiment.Summary b = new SketchErrorExperiment(settings(4)).run().get(0).summary();
        assertEquals(a, b);
    }

    @Test
    void badSettingsAreRefusedWithTheirValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SketchErrorExperiment.Settings(
                40, 40, 30, List.of(1.0), 0.02, 0.99, 8, 32, Mapping.LINEAR_2, BlockLayout.rowSegments(32), 3));
        assertTrue(e.getMessage().contains("bits is 32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SketchErrorExperiment.Settings(40, 40, 30,
                List.of(1.0), 0.02, 1.5, 8, 4, Mapping.LINEAR_2, BlockLayout.rowSegments(32), 3));
        assertTrue(e.getMessage().contains("beta is 1.5"), e.getMessage());
    }
}
