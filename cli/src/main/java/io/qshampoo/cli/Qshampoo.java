package io.qshampoo.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code qshampoo} command. Each subcommand is one class in this module; this class only lists them.
 * Exit codes ({@link ExitCodes}): 0 success (for {@code check}: agreement), 1 disagreement, 2 bad input or usage,
 * 3 internal error (one line; the stack trace with {@code --debug}, which every subcommand accepts).
 */
@Command(name = "qshampoo", mixinStandardHelpOptions = true, versionProvider = Qshampoo.Version.class,
        description = "Reference toolkit for memory-efficient Shampoo: 32-bit and 4-bit preconditioners, Cholesky "
                + "quantization with error feedback, eigenvector quantization with Björck rectification, Sketchy.",
        subcommands = {CommandLine.HelpCommand.class, DemoCommand.class, TablesCommand.class, FeedbackCommand.class,
                SketchCommand.class, TrainCommand.class, MemoryCommand.class, QuantizeCommand.class,
                DequantizeCommand.class, CheckCommand.class, GpuInfoCommand.class})
public final class Qshampoo implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = ExitCodes.DEBUG, scope = CommandLine.ScopeType.INHERIT,
            description = "On an internal error (exit code 3), print the stack trace.")
    boolean debug;

    /**
     * Runs the command line and returns its exit code (0, 1, 2 or 3 as {@link ExitCodes} says); never throws,
     * not even for an {@link Error}.
     */
    public static int run(String... args) {
        return run(new CommandLine(new Qshampoo()), args);
    }

    /** Runs a command line built on a {@code Qshampoo} (tests add subcommands to it). */
    static int run(CommandLine cl, String... args) {
        cl.setExecutionExceptionHandler((e, line, parsed) -> ExitCodes.report(e,
                line.getCommandSpec().qualifiedName(), ExitCodes.debug(parsed), line.getErr()));
        try {
            return cl.execute(args);
        } catch (Throwable t) { // an Error escapes picocli's handler; it still gets one line and exit code 3
            CommandLine.ParseResult parsed = cl.getParseResult();
            return ExitCodes.report(t, ExitCodes.commandName(parsed, "qshampoo"), parsed != null && ExitCodes.debug(parsed),
                    cl.getErr());
        }
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * Version from the jar manifest ("development build" when run from classes), and the Java runtime this
     * process runs on: the launcher picks {@code $JAVA_HOME/bin/java} when JAVA_HOME is set, so this line is how
     * a user sees which one it took; then which quantizer kernel runs (scalar, or the Vector API one on JDK 25
     * with a jar built there).
     */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Qshampoo.class.getPackage().getImplementationVersion();
            return new String[] {"qshampoo " + (v == null ? "development build" : v), runtime(),
                    "quantizer kernel: " + io.qshampoo.quant.CpuBlockQuantizer.sequential(
                            io.qshampoo.quant.CodeTable.of(io.qshampoo.quant.Mapping.LINEAR_2, 4),
                            io.qshampoo.quant.BlockLayout.rowSegments(64)).kernel()};
        }

        /** "Java runtime: 17.0.12+7 (Eclipse Adoptium), /usr/lib/jvm/…". */
        static String runtime() {
            return "Java runtime: " + Runtime.version() + " (" + System.getProperty("java.vendor") + "), "
                    + System.getProperty("java.home");
        }
    }
}
