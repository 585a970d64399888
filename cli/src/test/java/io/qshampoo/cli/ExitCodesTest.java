package io.qshampoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.qshampoo.oracle.npy.Fixtures;
import io.qshampoo.oracle.npy.NpyArray;
import io.qshampoo.oracle.npy.NpyReader;
import io.qshampoo.oracle.npy.NpyWriter;
import picocli.CommandLine;

/**
 * Every exit code of {@link ExitCodes} from the real command line: 0 agree/success, 1 disagree, 2 bad input, 3
 * internal error (one line; the stack trace only with --debug); and for every subcommand, a bad file and a bad
 * option end with exit code 2 and no Java stack trace.
 */
class ExitCodesTest {

    /** A line of a Java stack trace, or the JVM's report of an uncaught throwable. */
    static final Pattern STACK_TRACE = Pattern.compile("(?m)^\\s+at [\\w.$/]+\\(|Exception in thread|^Caused by: ");

    @TempDir
    static Path dir;

    private static final String X = Fixtures.oracle("x.npy").toString();
    private static final String CODES = Fixtures.oracle("x.linear-2.4.rows64.codes.npy").toString();
    private static final String SCALES = Fixtures.oracle("x.linear-2.4.rows64.scales.npy").toString();

    private static void assertNoStackTrace(Cli.Result r) {
        assertFalse(STACK_TRACE.matcher(r.out() + r.err()).find(), r::toString);
    }

    @Test
    void zeroForSuccessAndAgreement() {
        Cli.Result r = Cli.run("check", "codes", "--input", X, "--codes", CODES, "--scales", SCALES);
        assertEquals(ExitCodes.OK, r.exitCode(), r::toString);
        r = Cli.run("memory", "--shapes", "64x64", "--variants", "fp32", "--out", dir.resolve("mem").toString());
        assertEquals(ExitCodes.OK, r.exitCode(), r::toString);
    }

    @Test
    void oneForDisagreementOnly() {
        byte[] c = NpyReader.read(Path.of(CODES)).uint8Data();
        c[5] ^= 0x11;
        Path f = dir.resolve("tampered.codes.npy");
        NpyWriter.write(f, NpyArray.ofUint8(c, c.length));
        Cli.Result r = Cli.run("check", "codes", "--input", X, "--codes", f.toString(), "--scales", SCALES);
        assertEquals(ExitCodes.DISAGREE, r.exitCode(), r::toString);
        assertTrue(r.out().contains("verdict: DISAGREE"), r::toString);
    }

    @Test
    void twoForBadInputWithOneLineNamingTheFile() {
        Cli.Result r = Cli.run("check", "codes", "--input", dir.resolve("missing.npy").toString(), "--codes", CODES,
                "--scales", SCALES);
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r::toString);
        assertEquals(1, r.err().strip().lines().count(), r::toString);
        assertTrue(r.err().contains("missing.npy: no such file"), r::toString);
    }

    /** A subcommand that fails as the reference itself could: an unexpected exception, or the heap running out. */
    @CommandLine.Command(name = "fail")
    static final class Fail implements Callable<Integer> {
        @CommandLine.Option(names = "--with")
        String with;

        @Override
        public Integer call() {
            switch (with) {
                case "oom" -> throw new OutOfMemoryError("Java heap space");
                case "npe" -> throw new NullPointerException("a bug");
                case "state" -> throw new IllegalStateException("an invariant broke");
                case "io" -> throw new java.io.UncheckedIOException(new java.nio.file.AccessDeniedException("out.csv"));
                default -> throw new IllegalArgumentException("--with is " + with);
            }
        }
    }

    private static Cli.Result failing(String... args) {
        return Cli.run(cl -> cl.addSubcommand(new Fail()), args);
    }

    @Test
    void threeForInternalErrorsInOneLineWithTheStackTraceOnlyOnRequest() {
        for (String kind : List.of("oom", "npe", "state")) {
            Cli.Result r = failing("fail", "--with", kind);
            assertEquals(ExitCodes.INTERNAL_ERROR, r.exitCode(), r::toString);
            assertEquals(1, r.err().strip().lines().count(), r::toString);
            assertTrue(r.err().startsWith("qshampoo fail: internal error: "), r::toString);
            assertTrue(r.err().contains("--debug"), r::toString);
            assertNoStackTrace(r);
            // --debug is accepted before or after the subcommand, and shows the trace.
            for (String[] args : new String[][] {{"--debug", "fail", "--with", kind}, {"fail", "--with", kind, "--debug"}}) {
                Cli.Result d = failing(args);
                assertEquals(ExitCodes.INTERNAL_ERROR, d.exitCode(), d::toString);
                assertTrue(STACK_TRACE.matcher(d.err()).find(), d::toString);
            }
        }
        Cli.Result oom = failing("fail", "--with", "oom");
        assertTrue(oom.err().contains("OutOfMemoryError") && oom.err().contains("heap limit"), oom::toString);
        // Bad input raised the same way is still 2, and an unreadable path too.
        assertEquals(ExitCodes.BAD_INPUT, failing("fail", "--with", "x").exitCode());
        Cli.Result io = failing("fail", "--with", "io");
        assertEquals(ExitCodes.BAD_INPUT, io.exitCode(), io::toString);
        assertTrue(io.err().contains("out.csv: permission denied"), io::toString);
    }

    @Test
    void traceWithAHugeManifestShapeAndASmallGradientIsBadInputBeforeAnyAllocation() throws Exception {
        Path d = Files.createDirectories(dir.resolve("huge"));
        NpyWriter.write(d.resolve("g.npy"), NpyArray.ofFloat32(new float[4], 2, 2));
        Files.writeString(d.resolve("m.json"), """
                { "format": "qshampoo-trace/1", "variant": "fp32", "optimizer": {"name": "sgd", "lr": 0.1},
                  "parameter": {"name": "w", "shape": [40000, 40000]}, "gradients": ["g.npy"] }""");
        Cli.Result r = Cli.run("check", "trace", d.resolve("m.json").toString());
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r::toString);
        assertTrue(r.err().contains("gradient g.npy is 2×2, the manifest's parameter is 40000×40000"), r::toString);
        assertNoStackTrace(r);
    }

    /** Files the bad-file cases name: garbage bytes, a directory where a file is expected, a file where a directory is. */
    private static Path garbage() throws Exception {
        Path g = dir.resolve("garbage.npy");
        if (!Files.exists(g)) {
            Files.write(g, new byte[] {'\n', 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18});
        }
        return g;
    }

    static Stream<Arguments> badFiles() throws Exception {
        String g = garbage().toString();
        Path json = dir.resolve("garbage.json");
        Files.writeString(json, "{ \"format\": ");
        String aFile = g;
        String empty = Files.createDirectories(dir.resolve("empty")).toString();
        return Stream.of(
                Arguments.of("tables", List.of("tables", "--matrix", g, "--out", dir.resolve("t").toString())),
                Arguments.of("feedback", List.of("feedback", "--n", "8", "--out", aFile)),
                Arguments.of("sketch", List.of("sketch", "--n", "8", "--out", aFile)),
                Arguments.of("train", List.of("train", "--data", empty, "--out", dir.resolve("tr").toString())),
                Arguments.of("memory", List.of("memory", "--shapes", "8x8", "--out", aFile)),
                Arguments.of("quantize", List.of("quantize", g, dir.resolve("q").toString())),
                Arguments.of("dequantize", List.of("dequantize", "--shape", "4x4", dir.resolve("nothing").toString(),
                        dir.resolve("d.npy").toString())),
                Arguments.of("check codes", List.of("check", "codes", "--input", X, "--codes", g, "--scales", SCALES)),
                Arguments.of("check root", List.of("check", "root", "--matrix", g, "--root", g)),
                Arguments.of("check trace", List.of("check", "trace", json.toString())),
                Arguments.of("check trace", List.of("check", "trace", empty, json.toString())),
                Arguments.of("gpu-info", List.of("gpu-info", "--gpu-jar", g)),
                Arguments.of("demo", List.of("demo", "--out", aFile)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void aBadFileIsExitTwoWithoutStackTrace(String command, List<String> args) {
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r::toString);
        assertTrue(Pattern.compile("(?m)^qshampoo " + command + ": ").matcher(r.err()).find(), r::toString);
        assertNoStackTrace(r);
    }

    static Stream<Arguments> badOptions() {
        return Stream.of(
                Arguments.of(List.of("tables", "--bits", "5", "--n", "64")),
                Arguments.of(List.of("tables", "--n", "2000000000")),
                Arguments.of(List.of("feedback", "--layout", "diagonal")),
                Arguments.of(List.of("feedback", "--n", "100000000")),
                Arguments.of(List.of("feedback", "--steps", "2000000000")),
                Arguments.of(List.of("sketch", "--bits", "5")),
                Arguments.of(List.of("sketch", "--steps", "2000000000")),
                Arguments.of(List.of("train", "--dataset", "digits", "--epochs", "2000000000")),
                Arguments.of(List.of("train", "--epochs", "-1")),
                Arguments.of(List.of("train", "--dataset", "digits", "--hidden", "2000000000")),
                Arguments.of(List.of("memory", "--shapes", "64x64x")),
                Arguments.of(List.of("memory", "--shapes", "1000000x1000000", "--max-order", "1000000")),
                Arguments.of(List.of("quantize", "--block", "33", X, "q")),
                Arguments.of(List.of("dequantize", "--shape", "0x1", "p", "o.npy")),
                Arguments.of(List.of("check", "codes", "--layout", "diagonal", "--input", X, "--codes", CODES,
                        "--scales", SCALES)),
                Arguments.of(List.of("check", "root", "--matrix", X, "--root", X, "--p", "x")),
                Arguments.of(List.of("check", "trace", "--bogus", "m.json")),
                Arguments.of(List.of("check", "trace", "--threads", "0", "m.json", "n.json")),
                Arguments.of(List.of("check", "trace", "--kernels", "cuda", "m.json")),
                Arguments.of(List.of("gpu-info", "--bogus")),
                Arguments.of(List.of("demo", "--out")),
                Arguments.of(List.of("no-such-command")));
    }

    /** Every subcommand of {@code qshampoo} (but help) has a bad file and a bad option above: a new one cannot be missed. */
    @Test
    void everySubcommandIsTriedWithABadFileAndABadOption() throws Exception {
        java.util.Set<String> withFile = new java.util.HashSet<>();
        badFiles().forEach(a -> withFile.add(((List<?>) a.get()[1]).get(0).toString()));
        java.util.Set<String> withOption = new java.util.HashSet<>();
        badOptions().forEach(a -> withOption.add(((List<?>) a.get()[0]).get(0).toString()));
        for (String name : new picocli.CommandLine(new Qshampoo()).getSubcommands().keySet()) {
            if (!name.equals("help")) {
                assertTrue(withFile.contains(name), "no bad-file case for " + name);
                assertTrue(withOption.contains(name), "no bad-option case for " + name);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badOptions")
    void aBadOptionIsExitTwoWithoutStackTrace(List<String> args) {
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r::toString);
        assertFalse(r.err().isBlank(), r::toString);
        assertNoStackTrace(r);
    }

    /**
     * A step or epoch count whose kept records cannot fit is refused before the loop, with the need and the limit:
     * feedback keeps five float64 curves per step, method and decay (2·10⁹ steps × 9 methods × 3 decays ≈ 2 TiB);
     * train one record per epoch and optimizer (2·10⁹ × 8 × 80 bytes ≈ 1.2 TiB). Both far above any test heap.
     */
    @Test
    void aHugeStepOrEpochCountIsRefusedWithTheNeedAndTheLimit() {
        Cli.Result f = Cli.run("feedback", "--steps", "2000000000");
        assertEquals(ExitCodes.BAD_INPUT, f.exitCode(), f::toString);
        assertTrue(f.err().matches("(?s).*--steps 2000000000 with \\d+ methods and 3 decays.*") && f.err().contains("needs at least")
                && f.err().contains("heap limit is"), f::toString);
        Cli.Result t = Cli.run("train", "--dataset", "digits", "--epochs", "2000000000");
        assertEquals(ExitCodes.BAD_INPUT, t.exitCode(), t::toString);
        assertTrue(t.err().contains("--epochs 2000000000 for") && t.err().contains("needs at least")
                && t.err().contains("heap limit is"), t::toString);
        assertNoStackTrace(f);
        assertNoStackTrace(t);
    }
}
