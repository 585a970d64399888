package io.qshampoo.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link RatioInterval} on numbers worked out by hand, with t quantiles from printed tables. */
class RatioIntervalTest {

    /**
     * Ratios e^0.1, e^0.2, e^0.3: ln r = 0.1, 0.2, 0.3, mean 0.2, s = 0.1 (deviations ±0.1, 0: s² = 0.02/2).
     * t_{2, 0.975} = 4.302653 (any t table), h = 4.302653·0.1/√3 = 0.2484138, so the interval is
     * [e^(−0.0484138), e^(0.4484138)] = [0.952739, 1.565826] around e^0.2 = 1.221403. Tolerance 1e-6: the hand values
     * carry 7 digits; the quantile Commons Math computes is accurate far beyond that.
     */
    @Test
    void threeSeedsMatchTheHandComputation() {
        RatioInterval r = RatioInterval.of(new double[] {Math.exp(0.1), Math.exp(0.2), Math.exp(0.3)}, 0.95);
        assertEquals(3, r.count());
        assertEquals(0.2, r.meanLog(), 1e-12);
        assertEquals(0.1, r.sdLog(), 1e-12);
        assertEquals(4.302653, r.tQuantile(), 1e-6);
        assertEquals(1.221403, r.geometricMean(), 1e-6);
        assertEquals(0.952739, r.lower(), 1e-6);
        assertEquals(1.565826, r.upper(), 1e-6);
        assertFalse(r.below1() || r.above1(), "an interval across 1 decides nothing");
    }

    /**
     * Two seeds, ratios 0.5 and 0.6: ln = −0.693147, −0.510826, mean −0.6019864, s = |difference|/√2 = 0.1289208;
     * t_{1, 0.975} = 12.706205, h = 12.706205·0.1289208/√2 = 1.1583075: the interval [0.172, 1.744] spans 1 although
     * both seeds favour EF — two seeds are weak evidence, which is why the sweep defaults to five. At c = 0.5,
     * t_{1, 0.75} = 1 and h = 0.091161: [0.5, 0.6] exactly (the two seeds themselves), below 1.
     */
    @Test
    void twoSeedsGiveAWideIntervalAtNinetyFivePercent() {
        RatioInterval wide = RatioInterval.of(new double[] {0.5, 0.6}, 0.95);
        assertEquals(12.706205, wide.tQuantile(), 1e-6);
        assertEquals(Math.sqrt(0.3), wide.geometricMean(), 1e-12);
        assertEquals(Math.exp(-0.6019864 - 1.1583075), wide.lower(), 1e-6);
        assertEquals(Math.exp(-0.6019864 + 1.1583075), wide.upper(), 1e-6);
        assertFalse(wide.below1());
        RatioInterval narrow = RatioInterval.of(new double[] {0.5, 0.6}, 0.5);
        assertEquals(1.0, narrow.tQuantile(), 1e-9);
        assertEquals(0.5, narrow.lower(), 1e-9);
        assertEquals(0.6, narrow.upper(), 1e-9);
        assertTrue(narrow.below1());
    }

    /** Equal ratios: s = 0 and the interval is the point; above 1 it says so. */
    @Test
    void equalRatiosGiveAPointInterval() {
        RatioInterval r = RatioInterval.of(new double[] {1.25, 1.25, 1.25, 1.25}, 0.95);
        assertEquals(1.25, r.lower(), 1e-12);
        assertEquals(1.25, r.upper(), 1e-12);
        assertTrue(r.above1() && !r.below1());
    }

    @Test
    void refusesTooFewSeedsNonPositiveRatiosAndBadConfidence() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RatioInterval.of(new double[] {0.9}, 0.95));
        assertTrue(e.getMessage().contains("expected at least 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RatioInterval.of(new double[] {0.9, 0.0}, 0.95));
        assertTrue(e.getMessage().contains("ratio 0.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RatioInterval.of(new double[] {0.9, Double.NaN}, 0.95));
        e = assertThrows(IllegalArgumentException.class, () -> RatioInterval.of(new double[] {0.9, 0.8}, 1.0));
        assertTrue(e.getMessage().contains("confidence is 1.0"), e.getMessage());
    }
}
