package io.qshampoo.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code qshampoo check codes|root|trace}: compares what another implementation computed with the reference.
 * Each mode prints a summary, writes a JSON report with {@code --json FILE}, and exits 0 when the other side
 * agrees, 1 when it does not, 2 on bad input.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check another implementation's output against the reference (exit 0 agree, 1 disagree, 2 bad input).",
                "  codes  packed codes + scales (+ diagonal) of a block-quantized matrix",
                "  root   an inverse p-th root of a matrix (or of C·Cᵀ for a Cholesky factor C)",
                "  trace  optimizer states over a sequence of gradients, from a JSON manifest (docs/oracle.md)"},
        subcommands = {CheckCodesCommand.class, CheckRootCommand.class, CheckTraceCommand.class})
final class CheckCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
