package io.qshampoo.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main command runs end to end (about half a minute) and leaves every promised file behind. */
class DemoCommandTest {

    @TempDir
    Path dir;

    @Test
    void demoRunsEveryExperimentAndWritesItsFiles() throws Exception {
        assertEquals(0, Qshampoo.run("demo", "--out", dir.toString()));
        for (String f : new String[] {"tables/tables.txt", "tables/tables.json", "feedback/feedback.txt",
                "feedback/nre-decay-1.png", "memory/memory.csv", "train/results.json", "train/test_accuracy.png"}) {
            Path p = dir.resolve(f);
            assertTrue(Files.size(p) > 0, "missing or empty: " + f);
        }
    }
}
