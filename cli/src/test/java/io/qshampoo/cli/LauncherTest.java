package io.qshampoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./qshampoo} launcher picks {@code $JAVA_HOME/bin/java} when JAVA_HOME is set and {@code java} on the
 * PATH otherwise, and refuses a JAVA_HOME without a java. The script is copied into a scratch checkout with a
 * placeholder jar (so it does not build), and the "java" it may run is a stub that prints who it is and its
 * arguments.
 */
class LauncherTest {

    @TempDir
    Path tmp;

    Path launcher;
    Path jar;

    @BeforeEach
    void scratchCheckout() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "bash is needed to run the launcher script");
        Path script = Path.of("..", "qshampoo");
        assumeTrue(Files.isRegularFile(script), "the launcher script ../qshampoo is not beside this module");
        launcher = tmp.resolve("checkout/qshampoo");
        jar = tmp.resolve("checkout/cli/target/qshampoo.jar");
        Files.createDirectories(jar.getParent());
        Files.write(jar, new byte[0]);
        Files.copy(script, launcher);
        executable(launcher);
    }

    private static void executable(Path p) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** A directory {@code dir/bin} with a "java" that prints {@code name} and its arguments. */
    private Path stubJava(String dir, String name) throws IOException {
        Path bin = tmp.resolve(dir).resolve("bin");
        Files.createDirectories(bin);
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"" + name + " $*\"\n");
        executable(java);
        return tmp.resolve(dir);
    }

    private record Run(int exit, String output) {
    }

    private Run run(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/bin/bash", launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("JAVA_HOME");
        pb.environment().remove("QSHAMPOO_JAVA_OPTS");
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "launcher did not finish within 60 s");
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void javaHomeWinsOverThePath() throws Exception {
        Path home = stubJava("jdk-home", "home-java");
        Path onPath = stubJava("on-path", "path-java");
        Run r = run(Map.of("JAVA_HOME", home.toString(),
                "PATH", onPath.resolve("bin") + ":/usr/bin:/bin"), "--version");
        assertEquals(0, r.exit(), r.output());
        assertEquals("home-java -Dqshampoo.kernels=openblas -jar " + jar.toRealPath() + " --version", r.output().strip());
    }

    @Test
    void withoutJavaHomeTheJavaOnThePathRuns() throws Exception {
        Path onPath = stubJava("on-path", "path-java");
        Run r = run(Map.of("PATH", onPath.resolve("bin") + ":/usr/bin:/bin"), "gpu-info");
        assertEquals(0, r.exit(), r.output());
        assertEquals("path-java -Dqshampoo.kernels=openblas -jar " + jar.toRealPath() + " gpu-info", r.output().strip());
    }

    @Test
    void jvmOptionsComeBeforeTheJar() throws Exception {
        Path home = stubJava("jdk-home", "home-java");
        Run r = run(Map.of("JAVA_HOME", home.toString(), "QSHAMPOO_JAVA_OPTS", "-Xmx1g -Dx=y"), "demo");
        assertEquals("home-java -Dqshampoo.kernels=openblas -Xmx1g -Dx=y -jar " + jar.toRealPath() + " demo", r.output().strip());
    }

    @Test
    void aJavaHomeWithoutJavaIsRefusedWithExitCode2() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("not-a-jdk"));
        Path onPath = stubJava("on-path", "path-java");
        Run r = run(Map.of("JAVA_HOME", empty.toString(), "PATH", onPath.resolve("bin") + ":/usr/bin:/bin"),
                "--version");
        assertEquals(2, r.exit(), r.output());
        assertTrue(r.output().contains("JAVA_HOME is set to '" + empty + "', which has no executable bin/java"),
                r.output());
        assertTrue(!r.output().contains("path-java"), "must not fall back to the PATH silently: " + r.output());
    }

    @Test
    void versionNamesTheRuntime() {
        Cli.Result r = Cli.run("--version");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("Java runtime: " + Runtime.version()), r.out());
        assertTrue(r.out().contains(System.getProperty("java.home")), r.out());
    }
}
