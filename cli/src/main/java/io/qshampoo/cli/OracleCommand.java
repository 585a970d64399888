package io.qshampoo.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import picocli.CommandLine;

/**
 * A command that reads the other side's files: it returns 0 (success or agreement) or 1 (disagreement) from
 * {@link #execute}, and any {@link IllegalArgumentException} — a missing or malformed file, a wrong shape or
 * type, an unknown option value — becomes exit code 2 with a one-line message on stderr that names the file.
 */
abstract class OracleCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Exit code 2: bad input. */
    static final int BAD_INPUT = ExitCodes.BAD_INPUT;

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            return execute(out);
        } catch (IllegalArgumentException e) {
            out.flush();
            PrintWriter err = spec.commandLine().getErr();
            err.println(spec.qualifiedName() + ": " + e.getMessage());
            err.flush();
            return BAD_INPUT;
        } finally {
            out.flush();
        }
    }

    /** Runs the command; returns 0 or 1. */
    abstract int execute(PrintWriter out);
}
