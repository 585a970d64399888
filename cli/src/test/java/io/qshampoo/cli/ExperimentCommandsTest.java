package io.qshampoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The experiment commands end to end on tiny inputs: exit codes and the files they promise. */
class ExperimentCommandsTest {

    @TempDir
    Path dir;

    @Test
    void tablesWritesTextCsvAndJson() throws Exception {
        Path out = dir.resolve("t");
        Path json = dir.resolve("custom.json");
        Cli.Result rc = Cli.run("tables", "--n", "64", "--spectrum", "1:32,1e-4:32", "--map", "linear-2", "--bits", "4",
                "--block", "32", "--layout", "tiles", "--threads", "1", "--out", out.toString(), "--json", json.toString());
        assertEquals(0, rc.exitCode(), rc.toString());
        assertTrue(lastLine(rc.out()).contains(out.toString()), "says where it wrote: " + lastLine(rc.out()));
        assertTrue(Files.size(out.resolve("tables.txt")) > 0 && Files.size(out.resolve("tables.csv")) > 0);
        JsonNode arr = new ObjectMapper().readTree(json.toFile());
        assertEquals(13 * 2, arr.size()); // one mapping × one bit width: 13 rows × 2 functions
        assertEquals("tiles", arr.get(0).get("layout").asText());
        assertEquals(27, Files.readAllLines(out.resolve("tables.csv")).size()); // header + 26
        String page = Files.readString(out.resolve("index.html"));
        assertEquals(26, page.split("<tr>", -1).length - 2, "26 body rows and the header row: " + page);
        assertTrue(lastLine(rc.out()).contains(out.resolve("index.html").toString()), lastLine(rc.out()));
    }

    /**
     * The cells run on a pool; each writes its own rows and the rows are read in cell order, so one worker and two give
     * byte-identical CSV and JSON (four cells, so two workers really interleave). The text names the throughput.
     */
    @Test
    void tablesGiveTheSameCsvAndJsonOnOneThreadAndTwo() throws Exception {
        java.util.Map<String, byte[]> first = new java.util.HashMap<>();
        for (String threads : new String[] {"1", "2"}) {
            Path out = dir.resolve("threads-" + threads);
            Cli.Result rc = Cli.run("tables", "--n", "48", "--spectrum", "1:24,1e-4:24", "--map", "linear-2,dynamic",
                    "--bits", "3,4", "--block", "32", "--threads", threads, "--out", out.toString());
            assertEquals(0, rc.exitCode(), rc.toString());
            assertTrue(rc.out().contains("4 cells in ") && rc.out().contains("on " + threads + " worker thread"),
                    "reports cells per second against the workers: " + rc.out());
            for (String file : new String[] {"tables.csv", "tables.json"}) {
                byte[] bytes = Files.readAllBytes(out.resolve(file));
                byte[] before = first.putIfAbsent(file, bytes);
                if (before != null) {
                    org.junit.jupiter.api.Assertions.assertArrayEquals(before, bytes, file + " differs between 1 and 2 threads");
                }
            }
        }
    }

    @Test
    void feedbackWritesSummaryStepsAndPlots() throws Exception {
        Path out = dir.resolve("f");
        Cli.Result rc = Cli.run("feedback", "--n", "12", "--steps", "3", "--decay", "1", "--block", "32",
                "--methods", "cq,cq+ef", "--out", out.toString());
        assertEquals(0, rc.exitCode(), rc.toString());
        assertTrue(lastLine(rc.out()).contains(out.toString()), "says where it wrote: " + lastLine(rc.out()));
        for (String f : new String[] {"feedback.txt", "feedback-summary.csv", "feedback-summary.json", "feedback-steps.csv",
                "nre-decay-1.png", "factor-error-decay-1.png"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        // index.html: the command that reproduces it, the plots inline, the CSVs as tables.
        String page = Files.readString(out.resolve("index.html"));
        assertTrue(page.contains("$ ./qshampoo feedback --n 12 --steps 3 --decay 1 --block 32 --methods cq,cq+ef --out "
                + out), page);
        assertTrue(page.contains("<img src=\"nre-decay-1.png\"") && page.contains("<img src=\"factor-error-decay-1.png\""),
                page);
        assertTrue(page.contains("<h3>feedback-summary.csv</h3>") && page.contains("<td class=\"num\">"), page);
    }

    @Test
    void memoryWritesTotalsAndLayers() throws Exception {
        Path out = dir.resolve("m");
        Cli.Result rc = Cli.run("memory", "--shapes", "256x128*2,64", "--variants", "fp32,cq+ef", "--out", out.toString());
        assertEquals(0, rc.exitCode(), rc.toString());
        assertTrue(lastLine(rc.out()).contains(out.toString()), "says where it wrote: " + lastLine(rc.out()));
        assertEquals(3, Files.readAllLines(out.resolve("memory.csv")).size()); // header + 2 variants
        assertEquals(5, Files.readAllLines(out.resolve("memory-layers.csv")).size()); // header + 2 variants × 2 shapes
        JsonNode j = new ObjectMapper().readTree(out.resolve("memory.json").toFile());
        assertEquals(2, j.get("totals").size());
        String page = Files.readString(out.resolve("index.html"));
        assertTrue(page.contains("Java runtime: ") && !page.contains("dense kernels"),
                "the closed-form memory model names no kernels: " + page);
    }

    @Test
    void sketchWritesSummaryAndSteps() throws Exception {
        Path out = dir.resolve("s");
        Cli.Result rc = Cli.run("sketch", "--n", "24", "--steps", "5", "--decay", "1,2", "--sketch-rank", "6", "--block",
                "32", "--out", out.toString());
        assertEquals(0, rc.exitCode(), rc.toString());
        assertTrue(lastLine(rc.out()).contains(out.toString()), "says where it wrote: " + lastLine(rc.out()));
        assertTrue(rc.out().contains("ℓ = 6 (5 directions kept)"), rc.out());
        assertEquals(1 + 2 * 5, Files.readAllLines(out.resolve("sketch-steps.csv")).size()); // header + 2 decays × 5
        JsonNode j = new ObjectMapper().readTree(out.resolve("sketch.json").toFile());
        assertEquals(2, j.get("summaries").size());
        assertTrue(Files.readString(out.resolve("index.html")).contains("$ ./qshampoo sketch --n 24"));
    }

    @Test
    void badOptionValuesExitWithTwoAndAMessage() {
        for (String[] args : new String[][] {{"tables", "--n", "64", "--layout", "diagonal"}, {"memory", "--preset", "gpt-5"},
                {"feedback", "--methods", "cq+magic"}, {"tables", "--spectrum", "1:10,oops"}, {"sketch", "--bits", "32"},
                {"sketch", "--sketch-rank", "0"}}) {
            Cli.Result r = Cli.run(args);
            assertEquals(2, r.exitCode(), r.toString());
            assertTrue(r.err().startsWith("qshampoo " + args[0] + ": ") && !r.err().contains("\tat "), r.toString());
        }
    }

    /**
     * A tiny sweep end to end: 2 rotations × 2 seeds streams, one width, two βₑ; the cells, the per-stream rows, the
     * JSON settings, one heat map, and the page with the command, the heat map and both tables.
     */
    @Test
    void feedbackSweepWritesCellsStreamsHeatMapAndPage() throws Exception {
        Path out = dir.resolve("sweep");
        Cli.Result rc = Cli.run("feedback", "--sweep", "--n", "8", "--steps", "6", "--burn-in", "2", "--seeds", "2",
                "--bits", "4", "--beta-e", "0,0.9", "--rotation", "0,0.1", "--beta", "0.9", "--decay", "1", "--block", "32",
                "--threads", "2", "--out", out.toString());
        assertEquals(0, rc.exitCode(), rc.toString());
        assertTrue(rc.out().contains("4-bit, decay α = 1") && rc.out().contains("4-bit: EF helps in "), rc.out());
        assertTrue(lastLine(rc.out()).contains(out.toString()), "says where it wrote: " + lastLine(rc.out()));
        assertEquals(1 + 2 * 2, Files.readAllLines(out.resolve("feedback-sweep.csv")).size()); // header + βₑ × θ
        assertEquals(1 + 2 * 2 * 3, Files.readAllLines(out.resolve("feedback-sweep-streams.csv")).size()); // θ × seeds × 3
        JsonNode json = new ObjectMapper().readTree(out.resolve("feedback-sweep.json").toFile());
        assertEquals(2, json.get("settings").get("seeds").asInt());
        assertEquals(2, json.get("settings").get("burn_in").asInt());
        assertEquals(4, json.get("cells").size());
        for (JsonNode c : json.get("cells")) {
            double lo = c.get("ratio_lower").asDouble();
            double hi = c.get("ratio_upper").asDouble();
            assertTrue(lo <= c.get("ratio").asDouble() && c.get("ratio").asDouble() <= hi, c.toString());
            assertEquals(hi < 1 ? "helps" : lo > 1 ? "hurts" : "unclear", c.get("verdict").asText(), c.toString());
        }
        assertTrue(Files.size(out.resolve("sweep-bits-4.png")) > 0);
        String page = Files.readString(out.resolve("index.html"));
        assertTrue(page.contains("$ ./qshampoo feedback --sweep --n 8 --steps 6"), page);
        assertTrue(page.contains("<img src=\"sweep-bits-4.png\"") && page.contains("<h3>feedback-sweep.csv</h3>")
                && page.contains("<h3>feedback-sweep-streams.csv</h3>"), page);
    }

    /** Sweep options are checked at the boundary: exit 2, one line naming the option, what was found and expected. */
    @Test
    void feedbackSweepOptionsAreValidated() {
        String[][] cases = {
            {"feedback", "--sweep", "--seeds", "1"}, {"--seeds is 1; expected >= 2"},
            {"feedback", "--sweep", "--beta-e", "0.5,1"}, {"--beta-e has 1.0; expected values in [0, 1)"},
            {"feedback", "--sweep", "--bits", "4,4"}, {"--bits [4, 4] repeats a value"},
            {"feedback", "--sweep", "--methods", "cq"}, {"--methods does not apply to --sweep"},
            {"feedback", "--seeds", "3"}, {"--seeds applies only with --sweep"},
            {"feedback", "--beta-e", "0.5,0.9"}, {"--beta-e has 2 values [0.5, 0.9]; expected one (lists only with --sweep)"},
            {"feedback", "--sweep", "--n", "4000"}, {"the limit is 2e+13"},
            {"feedback", "--sweep", "--steps", "10", "--burn-in", "10"}, {"--steps is 10 and --burn-in 10"},
        };
        for (int i = 0; i < cases.length; i += 2) {
            Cli.Result r = Cli.run(cases[i]);
            assertEquals(2, r.exitCode(), r.toString());
            assertTrue(r.err().startsWith("qshampoo feedback: ") && r.err().contains(cases[i + 1][0])
                    && !r.err().contains("\tat "), r.toString());
        }
    }

    private static String lastLine(String s) {
        String[] lines = s.strip().split("\n");
        return lines[lines.length - 1];
    }
}
