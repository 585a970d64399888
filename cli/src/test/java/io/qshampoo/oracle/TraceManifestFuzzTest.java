package io.qshampoo.oracle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.qshampoo.oracle.npy.NpyLoader;

/**
 * Coverage-guided fuzzing of the trace manifest: {@link TraceManifest#read} and everything the replay derives from
 * a manifest before it allocates (the Shampoo configuration, the base optimizer, the step maps, the size bounds of
 * {@link TraceBounds} against files that do not exist). Any text is either refused with an
 * {@link IllegalArgumentException} or yields all of them; any other throwable is a finding. Regression inputs:
 * {@code src/test/resources/io/qshampoo/cli/oracle/TraceManifestFuzzTestInputs/manifest/}.
 */
class TraceManifestFuzzTest {

    private static Path dir;

    @FuzzTest(maxDuration = "10m")
    void manifest(byte[] json) throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory("qshampoo-fuzz");
            dir.toFile().deleteOnExit();
        }
        Path file = dir.resolve("m.json");
        Files.write(file, json);
        try {
            TraceManifest m = TraceManifest.read(file);
            m.shampooConfig();
            m.baseOptimizer();
            m.precisionValue();
            m.stateSteps();
            m.recordSteps();
            m.toString();
            TraceBounds.check(m, new NpyLoader(dir), "m.json", 1L << 30);
        } catch (IllegalArgumentException expected) {
            // refused with a message
        }
    }
}
