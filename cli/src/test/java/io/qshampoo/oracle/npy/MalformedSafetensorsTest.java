package io.qshampoo.oracle.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every malformed safetensors file, built byte by byte here, is refused with a message that names the file (and
 * the tensor), the field, what was found and what was expected.
 */
class MalformedSafetensorsTest {

    @TempDir
    Path dir;

    /** 8-byte length, the header text as given (no padding), then {@code data}. */
    static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(h.length).put(h).put(data).array();
    }

    static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    /** A valid two-tensor file: a = [1, 2] F32 at [0, 8), b = [3] F32 at [8, 12). */
    static final String GOOD = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";

    private String rejected(byte[] bytes, String source, String... fragments) throws Exception {
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, bytes);
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> SafetensorsFile.read(f));
        assertEquals(source == null ? f.toString() : f + ":" + source, e.source(), e.getMessage());
        for (String s : fragments) {
            assertTrue(e.getMessage().contains(s), "'" + s + "' not in: " + e.getMessage());
        }
        return e.getMessage();
    }

    private static String a(String entry) {
        return "{\"a\":" + entry + "}";
    }

    @Test
    void theValidBaseFileReads() throws Exception {
        Path f = dir.resolve("good.safetensors");
        Files.write(f, file(GOOD + "   ", floats(1, 2, 3)));
        assertEquals(3f, SafetensorsFile.read(f).get("b").float32Data()[0]);
    }

    @Test
    void headerLength() throws Exception {
        rejected(new byte[5], null, "truncated", "5 bytes");
        byte[] huge = file(GOOD, floats(1, 2, 3));
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
        rejected(huge, null, "field 'header length' is 1099511627776", "at most 100000000");
        byte[] negative = file(GOOD, floats(1, 2, 3));
        ByteBuffer.wrap(negative).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1);
        rejected(negative, null, "field 'header length' is 18446744073709551615");
        byte[] beyond = file(GOOD, new byte[0]);
        ByteBuffer.wrap(beyond).order(ByteOrder.LITTLE_ENDIAN).putLong(0, beyond.length);
        rejected(beyond, null, "field 'header length'", "truncated");
        rejected(ByteBuffer.allocate(8).array(), null, "field 'header'", "empty header");
    }

    @Test
    void headerText() throws Exception {
        rejected(file(" " + GOOD, floats(1, 2, 3)), null, "field 'header' does not start with '{'", "0x20");
        rejected(file("[1, 2]", new byte[0]), null, "does not start with '{'");
        byte[] latin = file("{\"\u00e9\":{}}", new byte[0]);
        latin[10] = (byte) 0xe9; // a lone latin-1 byte where UTF-8 needs two
        latin[11] = (byte) '"';
        rejected(latin, null, "field 'header' is not valid UTF-8");
        rejected(file("{\"a\":", new byte[0]), null, "field 'header' is not one JSON object");
        rejected(file(GOOD + "{}", floats(1, 2, 3)), null, "field 'header' is not one JSON object");
        rejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", floats(1, 2)), null,
                "not one JSON object", "Duplicate field 'a'");
    }

    @Test
    void entryFields() throws Exception {
        rejected(file(a("[1]"), new byte[0]), "a", "entry is ARRAY", "dtype, shape and data_offsets");
        rejected(file(a("{\"dtype\":\"F32\",\"shape\":[1]}"), floats(1)), "a", "fields [dtype, shape]",
                "exactly [data_offsets, dtype, shape]");
        rejected(file(a("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":1}"), floats(1)), "a",
                "fields [data_offsets, dtype, extra, shape]");
        rejected(file(a("{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}"), floats(1)), "a",
                "field 'dtype' is \"F16\"", "expected one of BOOL, I8, U8", "F32, F64", "tensor.float()");
        rejected(file(a("{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}"), floats(1, 2)), "a",
                "field 'dtype' is \"C64\"");
        rejected(file(a("{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}"), floats(1)), "a",
                "field 'dtype' is 32", "expected a string");
    }

    @Test
    void shapes() throws Exception {
        rejected(file(a("{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}"), floats(1)), "a",
                "field 'shape' has -1 at index 0", "integer from 0 to 2147483647");
        rejected(file(a("{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]}"), floats(1)), "a",
                "field 'shape' has 1.0");
        rejected(file(a("{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}"), floats(1)), "a",
                "field 'shape' has \"1\"");
        rejected(file(a("{\"dtype\":\"F32\",\"shape\":4,\"data_offsets\":[0,4]}"), floats(1)), "a",
                "field 'shape' is 4", "array of non-negative integers");
        rejected(file(a("{\"dtype\":\"F32\",\"shape\":[4294967296],\"data_offsets\":[0,4]}"), floats(1)), "a",
                "field 'shape' has 4294967296");
        rejected(file(a("{\"dtype\":\"F64\",\"shape\":[65536,65536],\"data_offsets\":[0,4]}"), floats(1)), "a",
                "exceeds", "the most a Java array holds");
    }

    @Test
    void offsets() throws Exception {
        rejected(file(a("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}"), floats(1)), "a",
                "field 'data_offsets' is [0]", "an array of 2 non-negative integers");
        rejected(file(a("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}"), floats(1)), "a",
                "field 'data_offsets' is [4, 0]", "begin ≤ end");
        rejected(file(a("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,18446744073709551616]}"), floats(1)),
                "a", "field 'data_offsets' has 18446744073709551616");
        rejected(file(a("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}"), floats(1)), "a",
                "field 'data_offsets' is [0, 8]", "the data has only 4 bytes");
        rejected(file(a("{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}"), floats(1, 2)), "a",
                "8 bytes", "field 'shape' [3] of F32 needs 12");
    }

    @Test
    void tensorsMustTileTheData() throws Exception {
        String gap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        rejected(file(gap, floats(1, 2, 3)), "b", "starts at 8; expected 4 (the end of tensor 'a')", "gaps");
        String overlap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        rejected(file(overlap, floats(1, 2)), "b", "starts at 4; expected 8", "overlaps");
        rejected(file(a("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}"), floats(1, 2)), "a",
                "starts at 4; expected 0 (the start of the data)");
        rejected(file(GOOD, floats(1, 2, 3, 4)), null, "4 unexpected bytes after the last tensor");
        rejected(file("{}", floats(1)), null, "4 unexpected bytes");
    }

    @Test
    void metadataAndBools() throws Exception {
        rejected(file("{\"__metadata__\":{\"k\":1}}", new byte[0]), null, "field '__metadata__.k' is 1",
                "expected a string");
        rejected(file("{\"__metadata__\":[]}", new byte[0]), null, "field '__metadata__' is ARRAY");
        rejected(file(a("{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[0,2]}"), new byte[] {1, 2}), "a",
                "bool element 1 is byte 2", "expected 0 or 1");
    }

    @Test
    void anNpyFileIsNotASafetensorsFile() throws Exception {
        byte[] npy = NpyWriter.toBytes(NpyArray.ofFloat32(new float[] {1}, 1), ByteOrder.LITTLE_ENDIAN,
                NpyWriter.Layout.C);
        rejected(npy, null, "field 'header length'", "not a safetensors file");
    }

    @Test
    void aMissingFileIsNamed() {
        Path f = dir.resolve("absent.safetensors");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafetensorsFile.read(f));
        assertEquals(f + ": no such file", e.getMessage());
    }
}
