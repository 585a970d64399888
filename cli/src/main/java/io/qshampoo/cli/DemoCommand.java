package io.qshampoo.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.qshampoo.experiments.report.HtmlReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code qshampoo demo}: a small version of every experiment, in a few minutes on 2 cores — why Cholesky
 * quantization beats quantizing the preconditioner (tables, feedback), what 4-bit directions do to a
 * Frequent-Directions sketch (sketch), what each variant stores (memory), and how the optimizers train (digits). Each step is an ordinary subcommand with small
 * settings, printed before it runs so that it can be repeated or enlarged by hand. {@code --out/index.html}
 * shows every step's tables, plots and command on one page.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"A small version of each experiment (tables, feedback, sketch, memory, train on UCI digits), in "
                + "about two minutes on 2 cores.",
                "Prints the tables and writes PNG plots and CSV/JSON files into --out (default ./qshampoo-out), with",
                "an index.html per step and one over all steps (--out/index.html)."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default ${DEFAULT-VALUE}).")
    Path out = Path.of("qshampoo-out");

    @Mixin
    KernelsOption kernels = new KernelsOption();

    /** The steps: a title and the subcommand line. */
    private List<String[]> steps() {
        String o = out.toString();
        return List.of(
                new String[] {"NRE/AE of A^(-1/4) when A, its Cholesky factor, its eigenvectors or the root are quantized",
                        "tables", "--n", "256", "--spectrum", "1:128,1e-4:128", "--ef-refreshes", "40", "--out", o + "/tables"},
                new String[] {"Error feedback over a stream of gradients, for three spectral decays",
                        "feedback", "--n", "64", "-T", "120", "--decay", "0.5,1,2", "--out", o + "/feedback"},
                new String[] {"Sketchy's Frequent-Directions sketch in fp32 and with 4-bit directions",
                        "sketch", "--n", "48", "-T", "60", "--decay", "1,2", "--sketch-rank", "12", "--out", o + "/sketch"},
                new String[] {"Optimizer-state bytes per variant for LLaMA-130M",
                        "memory", "--preset", "llama-130m", "--out", o + "/memory"},
                new String[] {"Training an MLP on UCI digits with every optimizer",
                        "train", "--dataset", "digits", "--epochs", "10", "--out", o + "/train"});
    }

    @Override
    public Integer call() {
        try {
            CommandSupport.requireOutputDirectory(out);
        } catch (IllegalArgumentException e) {
            return CommandSupport.badInput("demo", e);
        }
        long start = System.nanoTime();
        List<String[]> steps = steps();
        for (int i = 0; i < steps.size(); i++) {
            String[] step = steps.get(i);
            String[] args = java.util.Arrays.copyOfRange(step, 1, step.length);
            if (kernels.name != null && !args[0].equals("memory")) { // memory is closed form: no kernels
                args = java.util.Arrays.copyOf(args, args.length + 2);
                args[args.length - 2] = "--kernels";
                args[args.length - 1] = kernels.name;
            }
            System.out.printf("%n=== %d/%d  %s%n    $ qshampoo %s%n%n", i + 1, steps.size(), step[0], String.join(" ", args));
            int code = Qshampoo.run(args);
            if (code != 0) {
                System.err.println("qshampoo demo: step '" + args[0] + "' failed with exit code " + code);
                return code;
            }
        }
        List<HtmlReport.Section> sections = new ArrayList<>();
        for (String[] step : steps) {
            List<String> args = List.of(step).subList(1, step.length);
            sections.add(new HtmlReport.Section(step[0], ExperimentPage.commandLine(args),
                    Path.of(args.get(args.indexOf("--out") + 1))));          // every step names its --out
        }
        Path page = out.resolve("index.html");
        try {
            HtmlReport.write(page, "qshampoo demo", sections, ExperimentPage.environment());
        } catch (IOException e) {
            System.err.println("qshampoo demo: cannot write " + page + ": " + e);
            return 2;
        }
        System.out.printf("%nDemo finished in %.0f s. Tables, PNG plots, CSV and JSON files are in %s;%n"
                + "open %s for all of them on one page.%n", (System.nanoTime() - start) / 1e9,
                out.toAbsolutePath().normalize(), page.toAbsolutePath().normalize());
        return 0;
    }
}
