package io.qshampoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.qshampoo.quant.CodeTable;
import io.qshampoo.quant.Mapping;
import io.qshampoo.oracle.npy.Fixtures;
import io.qshampoo.oracle.npy.NpyArray;
import io.qshampoo.oracle.npy.NpyReader;
import io.qshampoo.oracle.npy.NpyWriter;

/**
 * check codes against the numpy re-implementation of the official quantizer (make_fixtures.py): it agrees, and
 * a tampered code, scale or tie is found at the right place.
 */
class CheckCodesTest {

    @TempDir
    Path dir;

    private static final String X = Fixtures.oracle("x.npy").toString();
    private static final String CODES = Fixtures.oracle("x.linear-2.4.rows64.codes.npy").toString();
    private static final String SCALES = Fixtures.oracle("x.linear-2.4.rows64.scales.npy").toString();

    private Cli.Result check(String codes, String scales, String... extra) {
        return Cli.run(QuantizeCommandTest.concat(new String[] {"check", "codes", "--map", "linear-2", "--bits", "4",
                "--block", "64", "--input", X, "--codes", codes, "--scales", scales}, extra));
    }

    private Path tamperedCodes(int byteIndex, int xor) {
        byte[] c = NpyReader.read(Path.of(CODES)).uint8Data();
        c[byteIndex] ^= (byte) xor;
        Path f = dir.resolve("codes" + byteIndex + "_" + xor + ".npy");
        NpyWriter.write(f, NpyArray.ofUint8(c, c.length));
        return f;
    }

    private JsonNode json(Path f) throws Exception {
        return new ObjectMapper().readTree(f.toFile());
    }

    @Test
    void numpyFixturesAgreeInEveryConfiguration() {
        assertEquals(0, check(CODES, SCALES).exitCode());
        String[][] others = {
            {"--map", "linear", "--bits", "8", "--block", "32", "--layout", "tiles", "--input", X,
                "--codes", Fixtures.oracle("x.linear.8.tiles32.codes.npy").toString(),
                "--scales", Fixtures.oracle("x.linear.8.tiles32.scales.npy").toString()},
            {"--map", "dynamic", "--bits", "3", "--block", "32", "--input", X,
                "--codes", Fixtures.oracle("x.dynamic.3.rows32.codes.npy").toString(),
                "--scales", Fixtures.oracle("x.dynamic.3.rows32.scales.npy").toString()},
            {"--map", "dynamic", "--bits", "4", "--block", "32", "--diag-real",
                "--input", Fixtures.oracle("s.npy").toString(),
                "--codes", Fixtures.oracle("s.dynamic.4.rows32.codes.npy").toString(),
                "--scales", Fixtures.oracle("s.dynamic.4.rows32.scales.npy").toString(),
                "--diag", Fixtures.oracle("s.dynamic.4.rows32.diag.npy").toString()},
        };
        for (String[] o : others) {
            Cli.Result r = Cli.run(QuantizeCommandTest.concat(new String[] {"check", "codes"}, o));
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.out().contains("verdict: AGREE"), r.out());
        }
    }

    @Test
    void aTamperedCodeIsFoundAndLocalised() throws Exception {
        // Byte 45 holds codes 90 and 91: row 1 (80 columns), columns 10 (low nibble) and 11 (high nibble).
        Path json = dir.resolve("r.json");
        Cli.Result r = check(tamperedCodes(45, 0x30).toString(), SCALES, "--json", json.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("(1, 11)") && r.out().contains("wrong code"), r.out());
        JsonNode m = json(json).get("codes").get("mismatches");
        assertEquals(1, m.size());
        assertEquals(91, m.get(0).get("index").asInt());
        assertEquals(1, m.get(0).get("row").asInt());
        assertEquals(11, m.get(0).get("col").asInt());
        assertEquals("WRONG", m.get(0).get("kind").asText());
        assertEquals("disagree", json(json).get("verdict").asText());
    }

    @Test
    void aTamperedScaleIsFoundWithItsBlockAndUlps() throws Exception {
        float[] s = NpyReader.read(Path.of(SCALES)).float32Data();
        s[5] = Math.nextUp(s[5]);
        Path f = dir.resolve("s.npy");
        NpyWriter.write(f, NpyArray.ofFloat32(s, s.length));
        Path json = dir.resolve("r.json");
        Cli.Result r = check(CODES, f.toString(), "--json", json.toString());
        assertEquals(1, r.exitCode(), r.toString());
        JsonNode m = json(json).get("scales").get("mismatches");
        assertEquals(1, m.size());
        assertEquals(5, m.get(0).get("index").asInt());
        assertEquals(1, m.get(0).get("ulps").asInt());
        assertEquals(0, json(json).get("codes").get("differ").asInt());
    }

    @Test
    void aTamperedKeptDiagonalIsFound() throws Exception {
        float[] d = NpyReader.read(Fixtures.oracle("s.dynamic.4.rows32.diag.npy")).float32Data();
        d[17] = -d[17];
        Path f = dir.resolve("d.npy");
        NpyWriter.write(f, NpyArray.ofFloat32(d, d.length));
        Path json = dir.resolve("r.json");
        Cli.Result r = Cli.run("check", "codes", "--map", "dynamic", "--bits", "4", "--block", "32", "--diag-real",
                "--input", Fixtures.oracle("s.npy").toString(),
                "--codes", Fixtures.oracle("s.dynamic.4.rows32.codes.npy").toString(),
                "--scales", Fixtures.oracle("s.dynamic.4.rows32.scales.npy").toString(),
                "--diag", f.toString(), "--json", json.toString());
        assertEquals(1, r.exitCode(), r.toString());
        JsonNode m = json(json).get("diagonal").get("mismatches");
        assertEquals(1, m.size());
        assertEquals(17, m.get(0).get("index").asInt());
        assertEquals(0, json(json).get("codes").get("differ").asInt());
    }

    @Test
    void aTieBrokenTheOtherWayIsATieRuleDifference() throws Exception {
        // make_fixtures.py put x[0, 1 + k] at the fp32 midpoint m_k (block absmax 1, so x̄ = x): the contract picks
        // the even code of k, k + 1. Code 2 (x[0, 2] = m_1) becomes 1: the odd neighbour, a tie-rule difference.
        float[] x = NpyReader.read(Path.of(X)).float32Data();
        float[] mid = CodeTable.of(Mapping.LINEAR_2, 4).midpoints();
        assertEquals(mid[1], x[2]);
        byte[] c = NpyReader.read(Path.of(CODES)).uint8Data();
        assertEquals(2, c[1] & 0x0f);
        c[1] = (byte) ((c[1] & 0xf0) | 1);
        Path f = dir.resolve("tie.npy");
        NpyWriter.write(f, NpyArray.ofUint8(c, c.length));
        Path json = dir.resolve("r.json");
        Cli.Result r = check(f.toString(), SCALES, "--json", json.toString());
        assertEquals(1, r.exitCode(), r.toString());
        JsonNode m = json(json).get("codes").get("mismatches").get(0);
        assertEquals("TIE_RULE", m.get("kind").asText());
        assertEquals(0.0, m.get("midpointDistance").asDouble());
        assertEquals(1, m.get("nearestMidpoint").asInt());
        assertTrue(r.out().contains("tie-rule difference"), r.out());
        assertEquals(0, check(f.toString(), SCALES, "--allow-ties").exitCode());
    }

    @Test
    void systematicDifferencesGetHints() {
        byte[] c = NpyReader.read(Path.of(CODES)).uint8Data();
        for (int k = 0; k < c.length; k++) {
            c[k] = (byte) (((c[k] & 0x0f) << 4) | ((c[k] & 0xf0) >>> 4));
        }
        Path swapped = dir.resolve("sw.npy");
        NpyWriter.write(swapped, NpyArray.ofUint8(c, c.length));
        float[] s = NpyReader.read(Path.of(SCALES)).float32Data();
        for (int k = 0; k < s.length; k++) {
            s[k] = 1f / s[k];
        }
        Path recip = dir.resolve("rs.npy");
        NpyWriter.write(recip, NpyArray.ofFloat32(s, s.length));
        Cli.Result r = check(swapped.toString(), recip.toString(), "--max-print", "2");
        assertEquals(1, r.exitCode());
        assertTrue(r.out().contains("nibbles of every byte swapped"), r.out());
        assertTrue(r.out().contains("reciprocals 1/N"), r.out());
        assertTrue(r.out().contains("more (see --json)"), r.out());
    }

    @Test
    void buffersOfTheWrongTypeOrLengthAreBadInput() throws Exception {
        Path shortCodes = dir.resolve("short.npy");
        NpyWriter.write(shortCodes, NpyArray.ofUint8(new byte[10], 10));
        Cli.Result r = check(shortCodes.toString(), SCALES);
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("short.npy") && r.err().contains("need exactly 320"), r.err());

        Path floatCodes = dir.resolve("fc.npy");
        NpyWriter.write(floatCodes, NpyArray.ofFloat32(new float[320], 320));
        r = check(floatCodes.toString(), SCALES);
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("fc.npy") && r.err().contains("uint8"), r.err());

        Path f64Scales = dir.resolve("s64.npy");
        NpyWriter.write(f64Scales, NpyArray.ofFloat64(new double[16], 16));
        r = check(CODES, f64Scales.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("s64.npy") && r.err().contains("float32"), r.err());

        r = Cli.run("check", "codes", "--map", "dynamic", "--bits", "4", "--block", "32", "--diag-real",
                "--input", Fixtures.oracle("s.npy").toString(),
                "--codes", Fixtures.oracle("s.dynamic.4.rows32.codes.npy").toString(),
                "--scales", Fixtures.oracle("s.dynamic.4.rows32.scales.npy").toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--diag"), r.err());
        assertEquals(2, check(dir.resolve("none.npy").toString(), SCALES).exitCode());
    }

    @Test
    void malformedFilesAreBadInputNamedInTheMessage() throws Exception {
        byte[] good = Files.readAllBytes(Path.of(CODES));
        Map<String, byte[]> bad = Map.of(
                "magic.npy", withByte(good, 0, (byte) 'X'),
                "header.npy", replace(good, "'shape'", "'shapf'"),
                "complex.npy", Files.readAllBytes(Fixtures.npy("c16_unsupported.npy")),
                "truncated.npy", java.util.Arrays.copyOf(good, good.length - 7));
        List<String> fragments = List.of("magic", "keys", "unsupported dtype '<c16'", "truncated payload");
        List<String> names = List.of("magic.npy", "header.npy", "complex.npy", "truncated.npy");
        for (int i = 0; i < names.size(); i++) {
            Path f = dir.resolve(names.get(i));
            Files.write(f, bad.get(names.get(i)));
            Cli.Result r = check(f.toString(), SCALES);
            assertEquals(2, r.exitCode(), r.toString());
            assertTrue(r.err().contains(f.toString()) && r.err().contains(fragments.get(i)), r.err());
            assertTrue(r.out().isEmpty() || !r.out().contains("verdict"), r.out());
        }
    }

    private static byte[] withByte(byte[] b, int i, byte v) {
        byte[] c = b.clone();
        c[i] = v;
        return c;
    }

    private static byte[] replace(byte[] b, String from, String to) {
        String s = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).replace(from, to);
        return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
