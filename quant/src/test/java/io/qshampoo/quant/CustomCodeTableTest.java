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
}
