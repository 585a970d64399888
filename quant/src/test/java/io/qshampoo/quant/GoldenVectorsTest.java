package io.qshampoo.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Golden vectors from an independent numpy float32 implementation ({@code quant/src/test/python/make_golden.py},
 * which re-implements the tables and the kernel's binary search from their description): tables, and
 * quantization cases for every mode and layout, including rows that hit fp32 midpoints exactly and a block
 * with a subnormal absmax (1/N = +∞).
 */
class GoldenVectorsTest {

    static final String DIR = "/io/qshampoo/quant/golden/";
    static final List<String> CASES = List.of(
            "case00-linear-2-4-FULL-ROW_SEGMENTS-64.txt",
            "case01-linear-2-4-DIAG_REAL-ROW_SEGMENTS-64.txt",
            "case02-linear-2-4-FULL-ROW_SEGMENTS-32.txt",
            "case03-dynamic-4-FULL-ROW_SEGMENTS-64.txt",
            "case04-dynamic-8-DIAG_REAL-ROW_SEGMENTS-64.txt",
            "case05-linear-4-FULL-ROW_SEGMENTS-64.txt",
            "case06-linear-2-3-FULL-ROW_SEGMENTS-32.txt",
            "case07-linear-2-8-FULL-TILES-32.txt",
            "case08-dynamic-4-DIAG_REAL-TILES-32.txt",
            "case09-linear-2-4-STRICTLY_LOWER-ROW_SEGMENTS-32.txt",
            "case10-linear-2-4-STRICTLY_LOWER-TILES-32.txt",
            "case11-dynamic-3-STRICTLY_LOWER-ROW_SEGMENTS-64.txt",
            "case90-linear-2-4-FULL-ROW_SEGMENTS-64-subnormal.txt");

    static Map<String, String> read(String name) throws IOException {
        Map<String, String> m = new HashMap<>();
        try (InputStream in = GoldenVectorsTest.class.getResourceAsStream(DIR + name)) {
            assertNotNull(in, "missing fixture " + name);
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.startsWith("#")) {
                    int colon = line.indexOf(':');
                    m.put(line.substring(0, colon), line.substring(colon + 1).trim());
                }
            }
        }
        return m;
    }

    static float[] floats(String hex) {
        if (hex.isEmpty()) {
            return new float[0];
        }
        String[] w = hex.split("\\s+");
        float[] out = new float[w.length];
        for (int k = 0; k < w.length; k++) {
            out[k] = Float.intBitsToFloat(Integer.parseUnsignedInt(w[k], 16));
        }
        return out;
    }

    static int[] ints(String s) {
        return s.isEmpty() ? new int[0] : Stream.of(s.split("\\s+")).mapToInt(Integer::parseInt).toArray();
    }

    @Test
    void tables() throws IOException {
        Map<String, String> m = read("tables.txt");
        assertEquals(9, m.size());
        for (Mapping mp : Mapping.values()) {
            for (int b : new int[] {3, 4, 8}) {
                String words = m.get(mp.id() + " " + b);
                assertNotNull(words, mp + " " + b);
                assertArrayEquals(CodeTableTest.hex(words), CodeTableTest.bits(CodeTable.of(mp, b)), mp + " " + b);
            }
        }
    }

    static Stream<String> cases() {
        return CASES.stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void quantization(String name) throws IOException {
        Map<String, String> m = read(name);
        int rows = Integer.parseInt(m.get("rows"));
        int cols = Integer.parseInt(m.get("cols"));
        StorageMode mode = StorageMode.valueOf(m.get("mode"));
        QuantizationConfig config = new QuantizationConfig(Mapping.fromId(m.get("mapping")), Integer.parseInt(m.get("bits")),
                new BlockLayout(BlockLayout.Kind.valueOf(m.get("layout")), Integer.parseInt(m.get("block"))), 0);
        float[] x = floats(m.get("input"));
        QuantizedMatrix q = QuantizedMatrix.quantize(x, rows, cols, mode, config);
        assertArrayEquals(ints(m.get("codes")), q.codes().unpack(), "codes");
        assertArrayEquals(HexFormat.of().parseHex(m.get("packed")), q.codes().toByteArray(), "packed bytes");
        assertArrayEquals(BlockQuantizerProperties.bitsOf(floats(m.get("scales"))), BlockQuantizerProperties.bitsOf(q.scales()),
                "scales");
        if (mode.keepsDiagonal()) {
            assertArrayEquals(BlockQuantizerProperties.bitsOf(floats(m.get("diagonal"))),
                    BlockQuantizerProperties.bitsOf(q.diagonal()), "diagonal");
        } else {
            assertTrue(m.get("diagonal").isEmpty());
        }
        assertArrayEquals(BlockQuantizerProperties.bitsOf(floats(m.get("dequantized"))),
                BlockQuantizerProperties.bitsOf(q.dequantize()), "dequantized");
        // the fixture is not trivial: several codes in use
        assertFalse(q.codes().unpack().length > 10 && java.util.Arrays.stream(q.codes().unpack()).distinct().count() < 3);
    }
}
