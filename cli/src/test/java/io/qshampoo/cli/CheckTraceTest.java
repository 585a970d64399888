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

import io.qshampoo.oracle.npy.NpyArray;
import io.qshampoo.oracle.npy.NpyReader;
import io.qshampoo.oracle.npy.NpyWriter;
import io.qshampoo.oracle.JsonReport;
import io.qshampoo.quant.CodeTable;
import io.qshampoo.quant.PackedCodes;
import io.qshampoo.quant.QuantizationConfig;

/**
 * check trace on an 8 × 6 parameter over 5 steps, states dumped by qshampoo itself (TraceFixture) at steps 2, 3
 * and 5: every variant agrees with itself; one tampered state, code or record is reported at the right step.
 */
class CheckTraceTest {

    @TempDir
    Path dir;

    /** A small manifest with only the settings that apply to the variant (others are refused). */
    static Map<String, Object> manifest(String variant) {
        Map<String, Object> config = variant.equals("sketchy") ? JsonReport.object("t1", 1, "t2", 2, "sketchRank", 4)
                : variant.equals("sketchy4") ? JsonReport.object("t1", 1, "t2", 2, "sketchRank", 4, "bits", 4, "block", 32,
                        "minQuantizedElements", 0)
                : variant.equals("fp32") ? JsonReport.object("t1", 1, "t2", 2)
                : JsonReport.object("t1", 1, "t2", 2, "bits", 4, "block", 32, "minQuantizedElements", 0);
        return JsonReport.object(
                "format", "qshampoo-trace/1",
                "variant", variant,
                "config", config,
                "optimizer", JsonReport.object("name", "sgd", "lr", 0.1, "momentum", 0.9),
                "parameter", JsonReport.object("name", "w", "shape", List.of(8, 6)),
                "precision", "fp32");
    }

    private Path fixture(String variant) throws Exception {
        return TraceFixture.write(dir.resolve(variant.replace('+', '_')), manifest(variant), 5, new int[] {2, 3, 5}, 7);
    }

    @SuppressWarnings("unchecked")
    private static String file(Path manifest, String section, int step, String key) throws Exception {
        Map<String, Object> m = new ObjectMapper().readValue(manifest.toFile(), Map.class);
        Map<String, Map<String, String>> s = (Map<String, Map<String, String>>) m.get(section);
        return manifest.getParent().resolve(s.get(Integer.toString(step)).get(key)).toString();
    }

    private static JsonNode report(Path f) throws Exception {
        return new ObjectMapper().readTree(f.toFile());
    }

    /** A copy of a committed trace fixture directory, so a test may edit its manifest. */
    private Path copyOf(String fixture) throws Exception {
        Path from = io.qshampoo.oracle.npy.Fixtures.oracle(fixture + "/manifest.json").getParent();
        Path to = dir.resolve(fixture);
        try (java.util.stream.Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return to.resolve("manifest.json");
    }

    @Test
    void independentNumpyFp32ShampooAgrees() throws Exception {
        // make_fixtures.py runs 32-bit Shampoo and 4-bit VQ Shampoo entirely in float32 (numpy, LAPACK ssyevd):
        // every state within the derived fp32 tolerance, and every code identical.
        for (String f : new String[] {"trace_fp32", "trace_vq"}) {
            Path m = io.qshampoo.oracle.npy.Fixtures.oracle(f + "/manifest.json");
            Cli.Result r = Cli.run("check", "trace", m.toString());
            assertEquals(0, r.exitCode(), r.toString());
        }
    }

    @Test
    void aWrongHyperparameterDivergesAtTheFirstDumpedStep() throws Exception {
        // The numpy side used β = 0.95; replaying with β = 0.9 moves L by about 5% (far beyond 1e-5).
        Path m = copyOf("trace_vq");
        Files.writeString(m, Files.readString(m).replace("\"beta\": 0.95", "\"beta\": 0.9"));
        Cli.Result r = Cli.run("check", "trace", m.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("DIVERGED first at step 3, w#0.left.L:"), r.out());
    }

    @Test
    void everyVariantAgreesWithItsOwnTrace() throws Exception {
        for (String v : new String[] {"fp32", "vq", "cq", "cq+ef", "eigen4", "eigen4+ef", "sketchy", "sketchy4"}) {
            Path m = fixture(v);
            Cli.Result r = Cli.run("check", "trace", m.toString());
            assertEquals(0, r.exitCode(), v + ": " + r);
            assertTrue(r.out().contains("verdict: AGREE"), r.out());
        }
    }

    /**
     * A parameter in 6 blocks (maxBlockOrder 3 on 8 × 6) replayed on one worker and on two: the blocks write their own
     * states, so the JSON report is byte for byte the same; the text names the block-steps per second.
     */
    @Test
    void blocksReplayedOnOneThreadOrTwoGiveTheSameReport() throws Exception {
        for (String v : new String[] {"fp32", "cq+ef"}) {
            Map<String, Object> manifest = manifest(v);
            @SuppressWarnings("unchecked")
            Map<String, Object> config = (Map<String, Object>) manifest.get("config");
            config.put("maxBlockOrder", 3);
            Path m = TraceFixture.write(dir.resolve("blocks-" + v.replace('+', '_')), manifest, 5, new int[] {2, 3, 5}, 7);
            byte[] first = null;
            for (String threads : new String[] {"1", "2"}) {
                Path json = dir.resolve("blocks-" + v.replace('+', '_') + "-" + threads + ".json");
                Cli.Result r = Cli.run("check", "trace", m.toString(), "--threads", threads, "--json", json.toString());
                assertEquals(0, r.exitCode(), v + ": " + r);
                assertTrue(r.out().contains("verdict: AGREE") && r.out().contains("30 block-steps in ")
                        && r.out().contains("on " + threads + " worker thread"), r.out());
                byte[] bytes = Files.readAllBytes(json);
                if (first == null) {
                    first = bytes;
                } else {
                    org.junit.jupiter.api.Assertions.assertArrayEquals(first, bytes, v + ": reports differ between 1 and 2 threads");
                }
            }
        }
    }

    /**
     * βₑ and the Björck steps apply to eigen4+ef, which then agrees with its own trace (its error state A included);
     * βₑ for a variant without error feedback is bad input naming the field (exit 2).
     */
    @Test
    @SuppressWarnings("unchecked")
    void errorFeedbackSettingsBelongToTheErrorFeedbackVariants() throws Exception {
        Map<String, Object> ef = manifest("eigen4+ef");
        ((Map<String, Object>) ef.get("config")).putAll(JsonReport.object("betaE", 0.8, "bjorckUpdateSteps", 2));
        Path m = TraceFixture.write(dir.resolve("eigen4_ef_settings"), ef, 5, new int[] {2, 3, 5}, 7);
        assertTrue(Files.readString(m).contains("w#0.left.A"), "the fixture dumps the error state");
        Cli.Result r = Cli.run("check", "trace", m.toString());
        assertEquals(0, r.exitCode(), r.toString());
        // the error state is compared: half of it missing is a divergence at its step (on the right factor, whose
        // 6×6 statistic is well conditioned; the left one's 8×8 statistic from rank-6 gradients makes any difference
        // of its basis indeterminate)
        Path a = Path.of(file(m, "states", 3, "w#0.right.A"));
        float[] x = NpyReader.read(a).float32Data();
        for (int i = 0; i < x.length; i++) {
            x[i] *= 0.5f;
        }
        NpyWriter.write(a, NpyArray.ofFloat32(x, 6, 6));
        r = Cli.run("check", "trace", m.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("DIVERGED first at step 3, w#0.right.A"), r.out());

        Path plain = fixture("eigen4");
        Files.writeString(plain, Files.readString(plain).replace("\"t1\" : 1", "\"t1\" : 1, \"betaE\" : 0.8"));
        r = Cli.run("check", "trace", plain.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("\"config.betaE\" applies to cq+ef and eigen4+ef only"), r.err());
    }

    @Test
    void aTamperedStateIsReportedAtItsStep() throws Exception {
        Path m = fixture("cq+ef");
        // Step 3's C factor, one element off by 1e-3 relative to the largest: NRE ≈ 1e-3/‖C‖·max|C| ≫ the
        // fp32 tolerance (≈ 1e-4 at this size and step, printed in the report).
        Path c3 = Path.of(file(m, "states", 3, "w#0.left.C"));
        float[] c = NpyReader.read(c3).float32Data();
        c[8 * 5 + 2] += 1e-2f * c[0];
        NpyWriter.write(c3, NpyArray.ofFloat32(c, 8, 8));
        Path json = dir.resolve("r.json");
        Cli.Result r = Cli.run("check", "trace", m.toString(), "--json", json.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("DIVERGED first at step 3, w#0.left.C"), r.out());
        JsonNode j = report(json);
        assertEquals(3, j.get("firstDivergence").get("step").asInt());
        assertEquals("w#0.left.C", j.get("firstDivergence").get("key").asText());
        long diverged = 0;
        for (JsonNode c1 : j.get("comparisons")) {
            diverged += c1.get("ok").asBoolean() ? 0 : 1;
        }
        assertEquals(1, diverged, "only the tampered state diverges (the replay is free-running)");
    }

    @Test
    void aTamperedCodeIsReportedWithItsPosition() throws Exception {
        Path m = fixture("cq+ef");
        Path codes = Path.of(file(m, "records", 5, "w#0.right.CE.codes"));
        byte[] b = NpyReader.read(codes).uint8Data();
        // The 6 × 6 pair's codes: byte 7 holds codes 14 and 15, (2, 2) (a diagonal slot) and (2, 3) = E(3, 2)ᵀ.
        b[7] ^= (byte) 0x10;
        NpyWriter.write(codes, NpyArray.ofUint8(b, b.length));
        Path json = dir.resolve("r.json");
        Cli.Result r = Cli.run("check", "trace", m.toString(), "--json", json.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("DIVERGED first at step 5, w#0.right.CE.codes"), r.out());
        JsonNode first = null;
        for (JsonNode c : report(json).get("comparisons")) {
            if (!c.get("ok").asBoolean()) {
                first = c;
                break;
            }
        }
        JsonNode mm = first.get("mismatches").get(0);
        assertEquals(15, mm.get("index").asInt());
        assertEquals(2, mm.get("row").asInt());
        assertEquals(3, mm.get("col").asInt());
        assertEquals("E (transposed)", mm.get("part").asText());
    }

    @Test
    void sketchy4IsParsedWithItsBitsAndItsDirectionCodesAreCompared() throws Exception {
        Path m = fixture("sketchy4");
        // Bits: 3, 4 or 8 for sketchy4, 32 only for sketchy; the sketch's β₂ and ε are its own fields.
        String[][] cases = {
            {"\"bits\" : 4", "\"bits\" : 32", "sketchy4 quantizes its sketch's directions"},
            {"\"variant\" : \"sketchy4\"", "\"variant\" : \"sketchy\"", "use sketchy4"},
            {"\"t1\" : 1", "\"t1\" : 1, \"beta\" : 0.9", "does not apply to sketchy4"},
        };
        assertBadInput(m, cases);
        Path beta = m.getParent().resolve("beta.json");
        Files.writeString(beta, Files.readString(m).replaceFirst("\"t1\" : 1", "\"t1\" : 1, \"sketchBeta\" : 0.999"));
        assertEquals(0, Cli.run("check", "trace", beta.toString()).exitCode(), "sketchBeta 0.999 is the default");
        // Uᵀ of the left factor (8 × 8 here, ℓ = 4: 4 × 8 codes, 16 bytes): code 1 moved by 4 steps.
        Path codes = Path.of(file(m, "records", 5, "w#0.left.sketch.Ut.codes"));
        byte[] b = NpyReader.read(codes).uint8Data();
        assertEquals(16, b.length);
        b[0] ^= (byte) 0x40;
        NpyWriter.write(codes, NpyArray.ofUint8(b, b.length));
        Cli.Result r = Cli.run("check", "trace", m.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("DIVERGED first at step 5, w#0.left.sketch.Ut.codes"), r.out());
    }

    /**
     * A side that stores a direction with the other sign (against sketchy4's convention, largest component positive)
     * is told so: direction 1 of the left Uᵀ re-encoded as the negation of ours.
     */
    @Test
    void sketchy4DirectionsWithTheOtherSignAreNamed() throws Exception {
        Path m = fixture("sketchy4");
        Path codes = Path.of(file(m, "records", 5, "w#0.left.sketch.Ut.codes"));
        CodeTable table = QuantizationConfig.defaults().table();
        int[] c = PackedCodes.of(4, 32, NpyReader.read(codes).uint8Data()).unpack();
        for (int i = 8; i < 16; i++) {
            c[i] = table.encode(-table.value(c[i]));
        }
        NpyWriter.write(codes, NpyArray.ofUint8(PackedCodes.pack(4, c).toByteArray(), 16));
        Cli.Result r = Cli.run("check", "trace", m.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("DIVERGED first at step 5, w#0.left.sketch.Ut.codes"), r.out());
        assertTrue(r.out().contains("their direction(s) [1] point the other way"), r.out());
    }

    @Test
    void aTamperedParameterAndRootFailureCounterAreFound() throws Exception {
        Path m = fixture("vq");
        Path w2 = Path.of(file(m, "states", 2, "w"));
        float[] w = NpyReader.read(w2).float32Data();
        w[17] *= 1.5f;
        NpyWriter.write(w2, NpyArray.ofFloat32(w, 8, 6));
        Path failures = Path.of(file(m, "records", 3, "w#0.left.rootFailures"));
        NpyWriter.write(failures, NpyArray.ofInt32(new int[] {0, 1}, 2));
        Cli.Result r = Cli.run("check", "trace", m.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("DIVERGED first at step 2, w:"), r.out());
        assertTrue(r.out().matches("(?s).*\\n\\s+3\\s+w#0\\.left\\.rootFailures\\s+1/2 values differ.*DIVERGED.*"), r.out());
    }

    @Test
    void eigenvectorSignsDoNotCount() throws Exception {
        Path m = fixture("eigen4");
        Path v = Path.of(file(m, "states", 5, "w#0.left.V"));
        float[] x = NpyReader.read(v).float32Data();
        for (int i = 0; i < 8; i++) {
            x[i * 8 + 3] = -x[i * 8 + 3];
        }
        NpyWriter.write(v, NpyArray.ofFloat32(x, 8, 8));
        Cli.Result r = Cli.run("check", "trace", m.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("1 column(s) sign-flipped"), r.out());
    }

    /** Each case {found, replacement, message}: the manifest with the replacement is exit 2 with the message. */
    private static void assertBadInput(Path m, String[][] cases) throws Exception {
        String good = Files.readString(m);
        for (String[] c : cases) {
            assertTrue(good.contains(c[0]), c[0]);
            Path bad = m.getParent().resolve("bad.json");
            Files.writeString(bad, good.replaceFirst(java.util.regex.Pattern.quote(c[0]),
                    java.util.regex.Matcher.quoteReplacement(c[1])));
            Cli.Result r = Cli.run("check", "trace", bad.toString());
            assertEquals(2, r.exitCode(), c[1] + ": " + r);
            assertTrue(r.err().contains(c[2]), c[2] + " not in: " + r.err());
        }
    }

    @Test
    void badManifestsAreBadInput() throws Exception {
        Path m = fixture("cq");
        String[][] cases = {
            {"\"variant\" : \"cq\"", "\"variant\" : \"cq4\"", "unknown variant"},
            {"\"lr\" : 0.1", "\"lr\" : 0.1, \"lrr\" : 1", "lrr"},
            {"\"momentum\" : 0.9", "\"beta1\" : 0.9", "does not apply to sgd"},
            {"\"format\" : \"qshampoo-trace/1\"", "\"format\" : \"other\"", "format"},
            {"\"w#0.left.C\" :", "\"w#0.left.Q\" :", "names state 'w#0.left.Q'"},
            {"\"g3.npy\"", "\"g-missing.npy\"", "g-missing.npy: no such file"},
            {"\"3\" : {", "\"9\" : {", "names step 9"},
            {"{", "[", "not a valid trace manifest"},
        };
        assertBadInput(m, cases);
        // A malformed gradient file: exit 2 naming it.
        Path g2 = m.getParent().resolve("g2.npy");
        byte[] b = Files.readAllBytes(g2);
        Files.write(g2, java.util.Arrays.copyOf(b, b.length - 4));
        Cli.Result r = Cli.run("check", "trace", m.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("g2.npy") && r.err().contains("truncated payload"), r.err());
    }
}
