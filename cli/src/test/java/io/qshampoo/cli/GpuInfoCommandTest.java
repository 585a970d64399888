package io.qshampoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** {@code qshampoo gpu-info} reports, on any runtime, what it found (exit 0); only a bad --gpu-jar is exit 2. */
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
    void aNamedJarThatIsMissingOrNotTheGpuJarIsBadInput() throws Exception {
        Cli.Result r = Cli.run("gpu-info", "--gpu-jar", Path.of("does-not-exist", "qshampoo-gpu.jar").toString());
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r::toString);
        assertTrue(r.err().contains("qshampoo-gpu.jar: no such file"), r::toString);
        Path notGpu = java.nio.file.Files.createTempFile("not-gpu", ".jar");
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(java.nio.file.Files.newOutputStream(notGpu))) {
            z.putNextEntry(new java.util.zip.ZipEntry("a/B.class"));
            z.closeEntry();
        }
        r = Cli.run("gpu-info", "--gpu-jar", notGpu.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r::toString);
        assertTrue(r.err().contains("does not hold io/qshampoo/gpu/CudaBackend.class"), r::toString);
        java.nio.file.Files.delete(notGpu);
    }

    @Test
    void isASubcommand() {
        assertEquals(0, Cli.run("gpu-info").exitCode());
    }
}
