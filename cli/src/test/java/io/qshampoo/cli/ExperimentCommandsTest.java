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

    private static String lastLine(String s) {
        String[] lines = s.strip().split("\n");
        return lines[lines.length - 1];
    }
}
