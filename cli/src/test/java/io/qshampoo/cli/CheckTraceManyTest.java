package io.qshampoo.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.qshampoo.experiments.ModelPresets;
import io.qshampoo.oracle.JsonReport;
import io.qshampoo.oracle.npy.NpyArray;
import io.qshampoo.oracle.npy.NpyReader;
import io.qshampoo.oracle.npy.NpyWriter;

/**
 * check trace over several traces, one per parameter of a small "model" (written by qshampoo itself, TraceFixture):
 * a verdict per parameter and one overall, the exit code of the oracle (0 agree, 1 one diverged, 2 bad input naming
 * the file), one JSON report that is the same on one worker and on two.
 */
class CheckTraceManyTest {

    @TempDir
    Path dir;

    /** Three parameters: an 8 × 6 matrix, a 7 × 5 matrix in 4 blocks (maxBlockOrder 4), a vector; CQ+EF 4-bit. */
    private Path model(String variant) throws Exception {
        Path root = dir.resolve("model-" + variant.replace('+', '_'));
        Object[][] params = {{"layers.0.attn.weight", List.of(8, 6), null}, {"layers.0.mlp.weight", List.of(7, 5), 4},
                {"norm.weight", List.of(6), null}};
        long seed = 11;
        for (Object[] p : params) {
            Map<String, Object> m = CheckTraceTest.manifest(variant);
            m.put("parameter", JsonReport.object("name", p[0], "shape", p[1]));
            if (p[2] != null) {
                @SuppressWarnings("unchecked")
                Map<String, Object> config = (Map<String, Object>) m.get("config");
                config.put("maxBlockOrder", p[2]);
            }
            TraceFixture.write(root.resolve((String) p[0]), m, 4, new int[] {2, 4}, seed++);
        }
        return root;
    }

    @Test
    void severalTracesAgreeGivenAsADirectoryOrAsManifests() throws Exception {
        Path model = model("cq+ef");
        Path json = dir.resolve("r.json");
        Cli.Result r = Cli.run("check", "trace", model.toString(), "--threads", "2", "--json", json.toString());
        assertEquals(0, r.exitCode(), r::toString);
        for (String p : new String[] {"layers.0.attn.weight", "layers.0.mlp.weight", "norm.weight"}) {
            assertTrue(r.out().matches("(?s).*\\n  " + java.util.regex.Pattern.quote(p) + " +cq\\+ef .*AGREE\\n.*"), r.out());
        }
        // 4 steps × (1 + 4 + 1 blocks): the progress counts the blocks of every trace
        assertTrue(r.out().contains("verdict: AGREE (3 of 3 parameters agree)") && r.out().contains("24 block-steps in ")
                && r.out().contains("on 2 worker threads"), r.out());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals("agree", j.get("verdict").asText());
        assertEquals(3, j.get("traces").asInt());
        assertEquals(3, j.get("reports").size());
        // each element is a single trace's report: path order of the directory walk
        assertTrue(j.get("reports").get(0).get("manifest").asText().endsWith("layers.0.attn.weight/manifest.json"));
        assertTrue(j.get("reports").get(2).get("comparisons").size() > 0);

        Cli.Result listed = Cli.run("check", "trace", model.resolve("norm.weight/manifest.json").toString(),
                model.resolve("layers.0.attn.weight/manifest.json").toString(), "--threads", "1");
        assertEquals(0, listed.exitCode(), listed::toString);
        assertTrue(listed.out().indexOf("norm.weight") < listed.out().indexOf("layers.0.attn.weight"),
                "reports in the order the manifests were named: " + listed.out());
        assertTrue(listed.out().contains("2 of 2 parameters agree"), listed.out());
    }

    @Test
    void oneDivergedAmongSeveralIsExitOneNamingThatParameter() throws Exception {
        Path model = model("cq+ef");
        Path c = model.resolve("layers.0.mlp.weight/s4/layers_0_mlp_weight_0_left_C.npy");
        float[] x = NpyReader.read(c).float32Data();
        x[4 * 1 + 0] += 1e-2f * x[0];
        NpyWriter.write(c, NpyArray.ofFloat32(x, 4, 4));
        Path json = dir.resolve("r.json");
        Cli.Result r = Cli.run("check", "trace", model.toString(), "--json", json.toString());
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.out().contains("DIVERGED at step 4, layers.0.mlp.weight#0.left.C"), r.out());
        assertTrue(r.out().contains("verdict: DIVERGED (2 of 3 parameters agree; diverged: layers.0.mlp.weight; "
                + "indeterminate: none)"), r.out());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals("diverged", j.get("verdict").asText());
        assertEquals("layers.0.mlp.weight", j.get("diverged").get(0).asText());
        assertEquals("diverged", j.get("reports").get(1).get("verdict").asText());
        assertEquals("agree", j.get("reports").get(0).get("verdict").asText());
    }

    @Test
    void aBadManifestAmongSeveralIsExitTwoNamingItsFile() throws Exception {
        Path model = model("cq+ef");
        Path bad = model.resolve("layers.0.mlp.weight/manifest.json");
        Files.writeString(bad, Files.readString(bad).replace("\"t1\" : 1", "\"t1\" : 1, \"tt2\" : 3"));
        Cli.Result r = Cli.run("check", "trace", model.toString());
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains(bad.toString()) && r.err().contains("tt2"), r::toString);
        assertFalse(r.out().contains("verdict"), "nothing is replayed before every manifest is read: " + r.out());

        // a state file that is missing is found when that trace's replay starts: still exit 2 naming its manifest
        Path model2 = model("vq");
        Files.delete(model2.resolve("norm.weight/s4/norm.weight.npy"));
        r = Cli.run("check", "trace", model2.toString(), "--threads", "2");
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("norm.weight.npy: no such file (named in " + model2.resolve("norm.weight/manifest.json")),
                r::toString);
    }

    @Test
    void aDirectoryWithoutTracesOrATraceNamedTwiceIsBadInput() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty/sub"));
        Cli.Result r = Cli.run("check", "trace", dir.resolve("empty").toString());
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains(dir.resolve("empty") + ": a directory holding no manifest.json"), r::toString);
        assertTrue(Files.isDirectory(empty));

        Path model = model("cq+ef");
        Path m = model.resolve("norm.weight/manifest.json");
        r = Cli.run("check", "trace", model.toString(), m.toString());
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains(m + ": named twice"), r::toString);

        r = Cli.run("check", "trace", model.toString(), dir.resolve("nothing-here").toString());
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains(dir.resolve("nothing-here") + ": no such file"), r::toString);
    }

    /**
     * All traces on one worker (which then runs each trace's blocks itself) and on two: the same JSON report, byte for
     * byte, fp32 (with its calibrated band's replays on the pool) and CQ+EF.
     */
    @Test
    void oneWorkerOrTwoGiveTheSameReport() throws Exception {
        for (String v : new String[] {"fp32", "cq+ef"}) {
            Path model = model(v);
            byte[] first = null;
            for (String threads : new String[] {"1", "2"}) {
                Path json = dir.resolve(v.replace('+', '_') + "-" + threads + ".json");
                Cli.Result r = Cli.run("check", "trace", model.toString(), "--threads", threads, "--json", json.toString());
                assertEquals(0, r.exitCode(), r::toString);
                byte[] bytes = Files.readAllBytes(json);
                if (first == null) {
                    first = bytes;
                } else {
                    assertArrayEquals(first, bytes, v + ": reports differ between 1 and 2 threads");
                }
            }
        }
    }

    /** The bench's trace writer names every parameter of llama-130m once: 111 tensors, the preset's count. */
    @Test
    void theWholeModelWriterExpandsThePresetsNames() {
        java.util.List<String> names = new java.util.ArrayList<>();
        int count = 0;
        for (io.qshampoo.experiments.LayerShape l : ModelPresets.of("llama-130m")) {
            names.addAll(WholeModelTraces.names(l));
            count += l.count();
        }
        assertEquals(count, names.size());
        assertEquals(111, new java.util.HashSet<>(names).size());
        assertTrue(names.containsAll(List.of("embed_tokens.weight", "layers.0.self_attn.q_proj.weight",
                "layers.11.mlp.down_proj.weight", "layers.11.post_attention_layernorm.weight", "norm.weight",
                "lm_head.weight")), names::toString);
    }
}
