package io.qshampoo.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import picocli.CommandLine;

/**
 * The exit codes of every {@code qshampoo} command, and the one place a throwable becomes one. A check command
 * answering "disagree" must mean that the other side disagrees, never that the reference crashed; so:
 *
 * <table>
 *   <caption>exit codes</caption>
 *   <tr><td>0</td><td>{@link #OK}</td><td>success; for {@code check}: the other side agrees</td></tr>
 *   <tr><td>1</td><td>{@link #DISAGREE}</td><td>{@code check} only: the other side disagrees</td></tr>
 *   <tr><td>2</td><td>{@link #BAD_INPUT}</td><td>bad input or usage: a missing or malformed file, a wrong shape,
 *       an unknown or out-of-range option value, an unreadable or unwritable path, a size beyond the limits</td></tr>
 *   <tr><td>3</td><td>{@link #INTERNAL_ERROR}</td><td>anything else: an unexpected exception or an
 *       {@link Error} such as {@link OutOfMemoryError}; one line on stderr, the stack trace with {@code --debug}</td></tr>
 * </table>
 *
 * <p>Bad input is an {@link IllegalArgumentException} (the project's boundary exception, which picocli's
 * {@link CommandLine.ParameterException} and the npy/checkpoint format exceptions extend or accompany) or an
 * {@link IOException}; wrappers from thread pools ({@link ExecutionException}, {@link CompletionException}) are
 * looked through. Everything is reported as one line naming the command; no stack trace reaches the output unless
 * {@code --debug} was given.
 */
final class ExitCodes {

    static final int OK = 0;
    static final int DISAGREE = 1;
    static final int BAD_INPUT = 2;
    static final int INTERNAL_ERROR = 3;

    /** The option that shows stack traces of internal errors. */
    static final String DEBUG = "--debug";

    private ExitCodes() {
    }

    /** 2 for bad input, 3 for anything else (after looking through thread-pool wrappers). */
    static int of(Throwable t) {
        Throwable c = unwrap(t);
        return c instanceof IllegalArgumentException || c instanceof CommandLine.ParameterException
                || c instanceof IOException || c instanceof UncheckedIOException ? BAD_INPUT : INTERNAL_ERROR;
    }

    /**
     * Prints the one-line report of a throwable that ended {@code command}, with the stack trace when
     * {@code debug}, and returns its exit code. Never throws (a report that fails to print still returns the code).
     */
    static int report(Throwable t, String command, boolean debug, PrintWriter err) {
        int code = of(t);
        Throwable c = unwrap(t);
        try {
            if (code == BAD_INPUT) {
                err.println(command + ": " + message(c));
            } else {
                err.println(command + ": internal error: " + c.getClass().getName()
                        + (c.getMessage() == null ? "" : ": " + oneLine(c.getMessage())) + hint(c)
                        + (debug ? "" : " (run again with " + DEBUG + " for the stack trace)"));
            }
            if (debug) {
                t.printStackTrace(err);
            }
            err.flush();
        } catch (Throwable ignored) {
            // nothing more can be said; the exit code still tells the truth
        }
        return code;
    }

    /** Whether {@code --debug} was given on the command or on any of its parents or subcommands. */
    static boolean debug(CommandLine.ParseResult r) {
        for (CommandLine.ParseResult p = r; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(DEBUG)) {
                return true;
            }
        }
        return false;
    }

    /** "qshampoo check trace": the innermost command the parse reached. */
    static String commandName(CommandLine.ParseResult r, String fallback) {
        String name = fallback;
        for (CommandLine.ParseResult p = r; p != null; p = p.subcommand()) {
            name = p.commandSpec().qualifiedName();
        }
        return name;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof ExecutionException || c instanceof CompletionException
                || c instanceof CommandLine.ExecutionException || c instanceof UncheckedIOException
                        && !(c.getCause() instanceof IOException)) && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof UncheckedIOException u) {
            return u.getCause();
        }
        return c;
    }

    private static String message(Throwable c) {
        if (c instanceof java.nio.file.NoSuchFileException n) {
            return n.getFile() + ": no such file";
        }
        if (c instanceof java.nio.file.AccessDeniedException a) {
            return a.getFile() + ": permission denied";
        }
        if (c instanceof java.nio.file.FileSystemException f) {
            return f.getFile() + ": " + (f.getReason() == null ? c.getClass().getSimpleName() : f.getReason());
        }
        String m = c.getMessage();
        return m == null ? c.getClass().getSimpleName() : c instanceof IOException ? c.toString() : m;
    }

    /** Messages may span lines (a checkpoint's fingerprint diff); internal errors are kept to one. */
    private static String oneLine(String m) {
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl) + " …";
    }

    private static String hint(Throwable c) {
        if (c instanceof OutOfMemoryError) {
            return String.format(java.util.Locale.ROOT, "; the heap limit is %,d MiB (raise it with "
                    + "QSHAMPOO_JAVA_OPTS=-Xmx…)", Runtime.getRuntime().maxMemory() >> 20);
        }
        if (c instanceof StackOverflowError) {
            return "; the input nests too deeply";
        }
        return "";
    }
}
