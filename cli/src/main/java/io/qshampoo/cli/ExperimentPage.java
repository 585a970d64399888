package io.qshampoo.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.qshampoo.linalg.DenseKernelsFactory;

import io.qshampoo.experiments.report.HtmlReport;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code index.html} each experiment command ({@code tables}, {@code feedback}, {@code memory}, {@code train})
 * writes beside its files, and the one {@code demo} writes over all of them ({@link HtmlReport}).
 */
final class ExperimentPage {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=,+@%^-]+");

    private ExperimentPage() {
    }

    /** {@code ./qshampoo ARGS} as a shell line: arguments with spaces or shell characters in single quotes. */
    static String commandLine(List<String> args) {
        return "./qshampoo " + args.stream()
                .map(a -> PLAIN.matcher(a).matches() ? a : "'" + a.replace("'", "'\\''") + "'")
                .collect(Collectors.joining(" "));
    }

    /** The command line that ran {@code spec}'s command, as given. */
    static String commandLine(CommandSpec spec) {
        return commandLine(spec.commandLine().getParseResult().originalArgs());
    }

    /**
     * Footer lines: qshampoo's version, the Java runtime, the dense kernels and the quantizer kernel the experiments
     * ran on. Called inside the command's {@link KernelsOption.Scope}, where the property names the backend that runs.
     */
    static List<String> environment() {
        String[] version = new Qshampoo.Version().getVersion();
        return List.of(version[0], Qshampoo.Version.runtime(),
                "dense kernels: " + DenseKernelsFactory.fromProperty().describe(), version[2]);
    }

    /** Footer lines of a command that runs no kernels (the memory model is closed form): version and runtime. */
    static List<String> environmentWithoutKernels() {
        return List.of(new Qshampoo.Version().getVersion()[0], Qshampoo.Version.runtime());
    }

    /** Writes {@code out/index.html} for one command's files; returns the page. */
    static Path write(CommandSpec spec, Path out, String title) throws IOException {
        return write(spec, out, title, environment());
    }

    /** As {@link #write(CommandSpec, Path, String)} with the given footer lines. */
    static Path write(CommandSpec spec, Path out, String title, List<String> footer) throws IOException {
        Path page = out.resolve("index.html");
        HtmlReport.write(page, title, List.of(new HtmlReport.Section(title, commandLine(spec), out)), footer);
        return page;
    }
}
