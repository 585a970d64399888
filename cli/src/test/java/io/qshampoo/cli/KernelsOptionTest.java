package io.qshampoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.qshampoo.linalg.DenseKernelsFactory;

/** {@code --kernels}: the backend that ran is reported, a bad name is bad input, and the choice does not leak. */
class KernelsOptionTest {

    @TempDir
    Path dir;

    @Test
    void tablesOnOpenblasSaysSoInEveryOutput() throws Exception {
        Path out = dir.resolve("t");
        Cli.Result rc = Cli.run("tables", "--n", "48", "--spectrum", "1:24,1e-4:24", "--map", "linear-2", "--bits", "4",
                "--block", "32", "--threads", "1", "--kernels", "openblas", "--out", out.toString());
        assertEquals(0, rc.exitCode(), rc.toString());
        assertTrue(rc.out().startsWith("kernels: openblas, 1 thread"), rc.out()); // progress (stderr) is for terminals only
        assertTrue(Files.readString(out.resolve("tables.txt")).startsWith("kernels: openblas, 1 thread\n"));
        JsonNode rows = new ObjectMapper().readTree(out.resolve("tables.json").toFile());
        assertEquals("openblas, 1 thread", rows.get(0).get("kernels").asText());
        String page = Files.readString(out.resolve("index.html"));
        assertTrue(page.contains("dense kernels: openblas, 1 thread") && page.contains("quantizer kernel: "), page);
        assertNull(System.getProperty(DenseKernelsFactory.PROPERTY), "the choice must not outlive the command");
    }

    @Test
    void withoutTheOptionEjmlRuns() throws Exception {
        Path out = dir.resolve("f");
        Cli.Result rc = Cli.run("feedback", "--n", "12", "--steps", "2", "--decay", "1", "--block", "32",
                "--methods", "cq", "--out", out.toString());
        assertEquals(0, rc.exitCode(), rc.toString());
        assertTrue(rc.err().contains("feedback: kernels ejml, 1 thread"), rc.err());
        assertTrue(Files.readString(out.resolve("index.html")).contains("dense kernels: ejml, 1 thread"));
    }

    @Test
    void trainOnOpenblasRecordsItInItsJson() throws Exception {
        Path out = dir.resolve("r");
        Cli.Result rc = Cli.run("train", "--dataset", "digits", "--epochs", "1", "--train-limit", "200", "--test-limit",
                "100", "--optimizers", "fp32", "--t1", "2", "--t2", "4", "--progress", "none", "--kernels", "openblas",
                "--out", out.toString());
        assertEquals(0, rc.exitCode(), rc.toString());
        assertTrue(rc.err().contains("; kernels openblas, 1 thread"), rc.err());
        JsonNode json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertEquals("openblas, 1 thread", json.get("kernels").asText());
    }

    @Test
    void sketchOnOpenblasSaysSo() throws Exception {
        Path out = dir.resolve("s");
        Cli.Result rc = Cli.run("sketch", "--n", "24", "--steps", "3", "--decay", "1", "--sketch-rank", "6", "--block",
                "32", "--kernels", "openblas", "--out", out.toString());
        assertEquals(0, rc.exitCode(), rc.toString());
        assertTrue(rc.out().startsWith("kernels: openblas, 1 thread\n"), rc.out());
        assertTrue(Files.readString(out.resolve("sketch.txt")).startsWith("kernels: openblas, 1 thread\n"));
        assertNull(System.getProperty(DenseKernelsFactory.PROPERTY), "the choice must not outlive the command");
    }

    @Test
    void anUnknownBackendIsBadInput() {
        for (String command : new String[] {"tables", "feedback", "train", "sketch"}) {
            Cli.Result r = Cli.run(command, "--kernels", "mkl");
            assertEquals(2, r.exitCode(), r.toString());
            assertTrue(r.err().startsWith("qshampoo " + command + ": unknown kernels 'mkl'; expected one of [ejml, openblas]"),
                    r.toString());
        }
    }
}
