package io.qshampoo.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SpectrumTest {

    @Test
    void countsAreUsedAsGivenWhenTheyAddUpToN() {
        assertArrayEquals(new double[] {1, 1, 1e-4}, Spectrum.parse("1:2,1e-4:1").expand(3));
    }

    @Test
    void countsAreScaledToNOtherwise() {
        Spectrum s = Spectrum.parse("1:600,1e-4:600");
        assertArrayEquals(new int[] {128, 128}, s.scaledCounts(256));
        assertArrayEquals(new int[] {33, 32}, s.scaledCounts(65)); // tie: the earlier level gets the extra one
        assertArrayEquals(new int[] {1, 2}, Spectrum.parse("1:1,2:1000").scaledCounts(3)); // every level kept
        assertEquals("1:128,1e-04:128", s.describe(256));
        assertEquals("2.5:1,0.125:1,3.3e-07:1", Spectrum.parse("2.5:1,0.125:1,3.3e-7:1").describe(3));
    }

    @Test
    void rejectsMalformedPairs() {
        assertThrows(IllegalArgumentException.class, () -> Spectrum.parse("1:600,1e-4"));
        assertThrows(IllegalArgumentException.class, () -> Spectrum.parse("-1:3"));
        assertThrows(IllegalArgumentException.class, () -> Spectrum.parse("1:0"));
        assertThrows(IllegalArgumentException.class, () -> Spectrum.parse("x:3"));
    }
}
