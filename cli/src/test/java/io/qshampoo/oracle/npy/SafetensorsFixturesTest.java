package io.qshampoo.oracle.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * safetensors files written by hand with numpy (make_fixtures.py: header order differs from data order) read back
 * exactly, through {@link SafetensorsFile} and through {@link NpyLoader} references; files qshampoo writes read
 * back equal.
 */
class SafetensorsFixturesTest {

    @TempDir
    Path dir;

    private static final Path TENSORS = Fixtures.safetensors("tensors.safetensors");

    @Test
    void everySupportedDtypeReadsBackAsNumpyHeldIt() {
        Map<String, NpyArray> t = SafetensorsFile.read(TENSORS);
        assertEquals(List.of("weight", "layer.0.f64", "codes", "i8", "i16", "u16", "i32", "u32", "i64", "u64", "mask",
                "scalar", "empty"), List.copyOf(t.keySet()), "header order is kept");
        float[] w = t.get("weight").float32Data();
        assertArrayEquals(new int[] {3, 4}, t.get("weight").shape());
        for (int k = 0; k < 12; k++) {
            assertEquals(k * 0.25f - 1.5f, w[k]);
        }
        double[] f = t.get("layer.0.f64").toDoubles();
        for (int k = 0; k < 6; k++) {
            assertEquals(k / 3.0, f[k]); // numpy's division is IEEE double, as Java's
        }
        assertArrayEquals(new long[] {0, 1, 127, 128, 255}, t.get("codes").toLongs());
        assertEquals(NpyDtype.UINT8, t.get("codes").dtype());
        assertArrayEquals(new long[] {-128, -1, 0, 127}, t.get("i8").toLongs());
        long[] i16 = t.get("i16").toLongs();
        assertArrayEquals(new int[] {2, 3, 4}, t.get("i16").shape());
        for (int k = 0; k < 24; k++) {
            assertEquals(k - 12, i16[k]);
        }
        assertArrayEquals(new long[] {0, 65535}, t.get("u16").toLongs());
        assertArrayEquals(new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE}, t.get("i32").toLongs());
        assertArrayEquals(new long[] {0, 0xffffffffL}, t.get("u32").toLongs());
        assertArrayEquals(new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}, t.get("i64").toLongs());
        assertEquals("18446744073709551615", Long.toUnsignedString(t.get("u64").toLongs()[0]));
        assertEquals(NpyDtype.BOOL, t.get("mask").dtype());
        assertArrayEquals(new long[] {1, 0, 1}, t.get("mask").toLongs());
        assertEquals(0, t.get("scalar").rank());
        assertArrayEquals(new double[] {2.5}, t.get("scalar").toDoubles());
        assertArrayEquals(new int[] {0, 3}, t.get("empty").shape());
        assertEquals(0, t.get("empty").size());
        assertEquals(TENSORS + ":weight", t.get("weight").source());
        assertEquals(Map.of("format", "pt", "written_by", "make_fixtures.py"), SafetensorsFile.metadata(TENSORS));
    }

    @Test
    void theLoaderResolvesFileColonNameReferences() {
        NpyLoader loader = new NpyLoader(TENSORS.getParent());
        NpyArray w = loader.read("tensors.safetensors:weight");
        assertArrayEquals(new int[] {3, 4}, w.shape());
        assertEquals(TENSORS, loader.resolve("tensors.safetensors:layer.0.f64"));
        assertArrayEquals(new double[] {0, 1 / 3.0, 2 / 3.0, 1, 4 / 3.0, 5 / 3.0},
                loader.read("tensors.safetensors:layer.0.f64").toDoubles());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> loader.read("tensors.safetensors:nope"));
        assertTrue(missing.getMessage().contains("no entry 'nope'") && missing.getMessage().contains("weight"),
                missing.getMessage());
        IllegalArgumentException bare = assertThrows(IllegalArgumentException.class,
                () -> loader.read("tensors.safetensors"));
        assertTrue(bare.getMessage().contains("name one as tensors.safetensors:NAME"), bare.getMessage());
    }

    @Test
    void halfPrecisionIsRefusedNamingTheTensorAndTheField() {
        Path f = Fixtures.safetensors("bf16.safetensors");
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> SafetensorsFile.read(f));
        assertEquals(f + ":half", e.source());
        assertTrue(e.getMessage().contains("field 'dtype' is \"BF16\"") && e.getMessage().contains("float32"),
                e.getMessage());
    }

    @Test
    void writtenFilesReadBackEqualWithTheDataAlignedTo8Bytes() {
        Map<String, NpyArray> in = new LinkedHashMap<>();
        in.put("codes", NpyArray.ofUint8(new byte[] {1, 2, 3}, 3));
        in.put("w", NpyArray.ofFloat32(new float[] {1.5f, -0f, Float.MIN_VALUE, Float.MAX_VALUE}, 2, 2));
        in.put("d", NpyArray.ofFloat64(new double[] {Math.PI}));
        in.put("i", NpyArray.ofIntegers(NpyDtype.INT16, new long[] {-5, 7}, 1, 2));
        in.put("b", NpyArray.ofIntegers(NpyDtype.BOOL, new long[] {1, 0}, 2));
        Path f = dir.resolve("sub/out.safetensors");
        SafetensorsFile.write(f, in, Map.of("k", "v"));
        Map<String, NpyArray> back = SafetensorsFile.read(f);
        assertEquals(in, back);
        assertEquals(Map.of("k", "v"), SafetensorsFile.metadata(f));
        byte[] bytes = SafetensorsFile.toBytes(in, Map.of());
        long n = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, (8 + n) % 8, "the data starts at a multiple of 8");
        String header = new String(bytes, 8, (int) n, java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{") && header.stripTrailing().endsWith("}")
                && header.substring(header.stripTrailing().length()).chars().allMatch(c -> c == ' '),
                "one JSON object padded with spaces: '" + header + "'");
    }
}
