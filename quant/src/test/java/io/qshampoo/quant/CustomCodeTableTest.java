package io.qshampoo.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Tables given as data: validation, equality by entries, and quantizers built from equal tables interchangeable. */
class CustomCodeTableTest {

    private static float[] torchLikeLinear2() {
        float[] v = CodeTable.of(Mapping.LINEAR_2, 4).values().clone();
        v[8] = Math.nextUp(Math.nextUp(v[8])); // the kind of few-ulp difference a vectorized linspace makes
        return v;
    }

    @Test
    void tablesAreEqualWhenTheirEntriesAre() {
        CodeTable builtIn = CodeTable.of(Mapping.LINEAR_2, 4);
        assertEquals(builtIn, CodeTable.custom(Mapping.LINEAR_2, builtIn.values()));
        CodeTable a = CodeTable.custom(Mapping.LINEAR_2, torchLikeLinear2());
        CodeTable b = CodeTable.custom(Mapping.LINEAR_2, torchLikeLinear2());
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(builtIn, a);
    }

    @Test
    void aQuantizerWithAnEqualTableIsAcceptedAndAnotherIsRefused() {
        QuantizationConfig config = QuantizationConfig.defaults().withMinElements(0)
                .withCustomTable(CodeTable.custom(Mapping.LINEAR_2, torchLikeLinear2()));
        float[] x = new float[64 * 64];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i);
        }
        BlockQuantizer equal = CpuBlockQuantizer.sequential(CodeTable.custom(Mapping.LINEAR_2, torchLikeLinear2()),
                config.layout());
        QuantizedMatrix viaEqual = QuantizedMatrix.quantize(x, 64, 64, StorageMode.FULL, config, equal);
        QuantizedMatrix viaConfig = QuantizedMatrix.quantize(x, 64, 64, StorageMode.FULL, config);
        assertArrayEquals(viaConfig.codes().toByteArray(), viaEqual.codes().toByteArray());
        BlockQuantizer builtIn = CpuBlockQuantizer.sequential(CodeTable.of(Mapping.LINEAR_2, 4), config.layout());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QuantizedMatrix.quantize(x, 64, 64, StorageMode.FULL, config, builtIn));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }

    @Test
    void badTablesAreRefusedNamingTheEntry() {
        float[] v = torchLikeLinear2();
        v[3] = v[2];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CodeTable.custom(Mapping.LINEAR_2, v));
        assertTrue(e.getMessage().contains("entries 2 and 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CodeTable.custom(Mapping.LINEAR_2, new float[15]));
    }

    /**
     * Found by QuantHostilityProperties: entries one ulp apart have an fp32 midpoint that rounds onto one of them.
     * The table was accepted and then its constructor threw an IllegalStateException ("thresholds are not sorted"),
     * or, with the tie on the other side, an entry encoded to its neighbour's code. Now refused with the pair.
     */
    @Test
    void entriesWhoseMidpointRoundsOntoOneOfThemAreRefused() {
        float[] v = {-1f, -0.5f, -0.25f, 0f, 0.25f, 0.5f, Math.nextDown(1f), 1f};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CodeTable.custom(Mapping.LINEAR, v));
        assertTrue(e.getMessage().contains("entries 6 and 7") && e.getMessage().contains("midpoint"), e.getMessage());
        float[] sub = {-1f, -0.5f, 0f, Float.MIN_VALUE, 2 * Float.MIN_VALUE, 0.25f, 0.5f, 1f};
        e = assertThrows(IllegalArgumentException.class, () -> CodeTable.custom(Mapping.LINEAR, sub));
        assertTrue(e.getMessage().contains("entries 2 and 3"), e.getMessage()); // 0 and η are neighbours too
        // two ulps apart is enough: the midpoint is the float between them, and each entry encodes to itself
        float[] ok = {-1f, -0.5f, -0.25f, 0f, 0.25f, 0.5f, Math.nextDown(Math.nextDown(1f)), 1f};
        CodeTable t = CodeTable.custom(Mapping.LINEAR, ok);
        for (int k = 0; k < ok.length; k++) {
            assertEquals(k, t.encode(ok[k]));
        }
    }
}
