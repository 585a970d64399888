package io.qshampoo.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** {@code qshampoo gpu-info} reports, on any runtime, what it found; it never fails. */
class GpuInfoCommandTest {

    static String run(GpuInfoCommand c) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        c.out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        assertEquals(0, c.call());
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void reportsTheRuntimeAndWhetherTheForeignFunctionApiExists() {
        String report = run(new GpuInfoCommand());
        assertTrue(report.startsWith("Java runtime: " + Runtime.version()), report);
        if (Runtime.version().feature() < 22) {
            assertTrue(report.contains("Foreign Function & Memory API: not available"), report);
            assertTrue(report.contains("GPU backend: not in this build") || report.contains("cannot run on this runtime"),
                    report);
        } else {
            assertTrue(report.contains("Foreign Function & Memory API: available"), report);
        }
    }

    @Test
    void aMissingJarIsReportedAsNotInThisBuild() {
        GpuInfoCommand c = new GpuInfoCommand();
        c.gpuJar = Path.of("does-not-exist", "qshampoo-gpu.jar");
        String report = run(c);
        assertTrue(report.contains("GPU backend: not in this build"), report);
    }

    @Test
    void isASubcommand() {
        assertEquals(0, Qshampoo.run("gpu-info", "--gpu-jar", "does-not-exist.jar"));
    }
}
