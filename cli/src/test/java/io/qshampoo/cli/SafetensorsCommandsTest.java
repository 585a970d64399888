package io.qshampoo.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.qshampoo.oracle.npy.Fixtures;
import io.qshampoo.oracle.npy.NpyArray;
import io.qshampoo.oracle.npy.NpyReader;
import io.qshampoo.oracle.npy.SafetensorsFile;

/**
 * The oracle commands read {@code file.safetensors:name} wherever they read a file, write safetensors where asked,
 * and refuse a malformed safetensors file with exit code 2 naming the file and the field. oracle.safetensors holds
 * the same arrays as the npy oracle fixtures (the independent numpy quantizer's codes, numpy's fp32 roots).
 */
class SafetensorsCommandsTest {

    @TempDir
    Path dir;

    private static final String ST = Fixtures.safetensors("oracle.safetensors").toString();

    @Test
    void checkCodesAcceptsTensorsOfOneFile() {
        Cli.Result r = Cli.run("check", "codes", "--map", "linear-2", "--bits", "4", "--block", "64",
                "--input", ST + ":x", "--codes", ST + ":x.linear-2.4.rows64.codes",
                "--scales", ST + ":x.linear-2.4.rows64.scales");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("verdict: AGREE"), r.out());
        Cli.Result d = Cli.run("check", "codes", "--map", "dynamic", "--bits", "4", "--block", "32", "--diag-real",
                "--input", ST + ":s", "--codes", ST + ":s.dynamic.4.rows32.codes",
                "--scales", ST + ":s.dynamic.4.rows32.scales", "--diag", ST + ":s.dynamic.4.rows32.diag");
        assertEquals(0, d.exitCode(), d.toString());
    }

    @Test
    void checkCodesFindsATamperedCodeInASafetensorsFile() {
        Map<String, NpyArray> t = new LinkedHashMap<>(SafetensorsFile.read(Path.of(ST)));
        byte[] codes = t.get("x.linear-2.4.rows64.codes").uint8Data();
        codes[45] ^= 0x10; // byte 45, high nibble: code 91 = row 1, column 11
        t.put("x.linear-2.4.rows64.codes", NpyArray.ofUint8(codes, codes.length));
        Path f = dir.resolve("tampered.safetensors");
        SafetensorsFile.write(f, t);
        Cli.Result r = Cli.run("check", "codes", "--map", "linear-2", "--bits", "4", "--block", "64",
                "--input", f + ":x", "--codes", f + ":x.linear-2.4.rows64.codes",
                "--scales", f + ":x.linear-2.4.rows64.scales");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("(1, 11)"), r.out());
    }

    @Test
    void checkRootAcceptsTensorsOfOneFile() {
        Cli.Result r = Cli.run("check", "root", "--matrix", ST + ":a", "--root", ST + ":a.root4.fp32");
        assertEquals(0, r.exitCode(), r.toString());
    }

    @Test
    void quantizeWritesOneSafetensorsFileThatDequantizeAndCheckRead() {
        Path out = dir.resolve("q.safetensors");
        Cli.Result q = Cli.run("quantize", "--map", "dynamic", "--bits", "4", "--block", "32", "--diag-real",
                ST + ":s", out.toString());
        assertEquals(0, q.exitCode(), q.toString());
        Map<String, NpyArray> t = SafetensorsFile.read(out);
        assertEquals(java.util.List.of("codes", "scales", "diag"), java.util.List.copyOf(t.keySet()));
        for (String part : new String[] {"codes", "scales", "diag"}) {
            assertEquals(NpyReader.read(Fixtures.oracle("s.dynamic.4.rows32." + part + ".npy")), t.get(part), part);
        }
        Path back = dir.resolve("back.safetensors");
        Cli.Result d = Cli.run("dequantize", "--map", "dynamic", "--bits", "4", "--block", "32", "--diag-real",
                out.toString(), back.toString());
        assertEquals(0, d.exitCode(), d.toString());
        NpyArray m = SafetensorsFile.read(back).get("matrix");
        assertArrayEquals(new int[] {40, 40}, m.shape());
        Cli.Result c = Cli.run("check", "codes", "--map", "dynamic", "--bits", "4", "--block", "32", "--diag-real",
                "--input", ST + ":s", "--codes", out + ":codes", "--scales", out + ":scales", "--diag", out + ":diag");
        assertEquals(0, c.exitCode(), c.toString());
    }

    @Test
    void checkCodesWritesTheReferenceForDiffing() {
        Path ref = dir.resolve("ref.safetensors");
        Cli.Result r = Cli.run("check", "codes", "--map", "linear-2", "--bits", "4", "--block", "64",
                "--input", ST + ":x", "--codes", ST + ":x.linear-2.4.rows64.codes",
                "--scales", ST + ":x.linear-2.4.rows64.scales", "--write-reference", ref.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("reference: " + ref + ":codes, " + ref + ":scales"), r.out());
        Map<String, NpyArray> t = SafetensorsFile.read(ref);
        assertEquals(NpyReader.read(Fixtures.oracle("x.linear-2.4.rows64.codes.npy")), t.get("codes"));
        assertEquals(NpyReader.read(Fixtures.oracle("x.linear-2.4.rows64.scales.npy")), t.get("scales"));
        String prefix = dir.resolve("ref").toString();
        Cli.run("check", "codes", "--map", "linear-2", "--bits", "4", "--block", "64", "--input", ST + ":x",
                "--codes", ST + ":x.linear-2.4.rows64.codes", "--scales", ST + ":x.linear-2.4.rows64.scales",
                "--write-reference", prefix);
        assertEquals(t.get("codes"), NpyReader.read(Path.of(prefix + ".codes.npy")));
    }

    @Test
    void aMalformedFileExitsWith2NamingTheFileAndTheField() throws Exception {
        byte[] good = Files.readAllBytes(Path.of(ST));
        long n = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        String header = new String(good, 8, (int) n, java.nio.charset.StandardCharsets.UTF_8);
        // Claim one more byte for tensor "x" than its shape needs: 8·80 float32 = 2560 bytes.
        int at = header.indexOf("\"x\":");
        String entry = header.substring(at, header.indexOf('}', at) + 1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\[(\\d+),(\\d+)\\]$")
                .matcher(entry.substring(0, entry.length() - 1));
        assertTrue(m.find(), entry);
        long begin = Long.parseLong(m.group(1));
        String bad = header.replace(entry, entry.replace("[" + begin + "," + m.group(2) + "]",
                "[" + begin + "," + (begin + 2561) + "]"));
        byte[] text = bad.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] data = java.util.Arrays.copyOfRange(good, 8 + (int) n, good.length);
        Path f = dir.resolve("broken.safetensors");
        Files.write(f, ByteBuffer.allocate(8 + text.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(text.length).put(text).put(data).array());
        Cli.Result r = Cli.run("check", "codes", "--input", f + ":x", "--codes", f + ":c", "--scales", f + ":s");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains(f + ":x: field 'data_offsets' is [" + begin + ", " + (begin + 2561) + "]")
                && r.err().contains("needs 2560"), r.err());
        Path trunc = dir.resolve("trunc.safetensors");
        Files.write(trunc, java.util.Arrays.copyOf(good, good.length - 1));
        Cli.Result t = Cli.run("check", "root", "--matrix", trunc + ":a", "--root", trunc + ":a.root4.fp32");
        assertEquals(2, t.exitCode(), t.toString());
        assertTrue(t.err().contains(trunc.toString()) && t.err().contains("field 'data_offsets'"), t.err());
    }
}
