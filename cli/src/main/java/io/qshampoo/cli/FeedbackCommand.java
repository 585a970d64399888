package io.qshampoo.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.qshampoo.quant.Mapping;
import io.qshampoo.experiments.FeedbackExperiment;
import io.qshampoo.experiments.FeedbackExperiment.Method;
import io.qshampoo.experiments.FeedbackOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code qshampoo feedback}: CQ with and without error feedback (Li et al. §4.3), VQ, and eigenvector
 * quantization with and without Björck, run on the same synthetic gradient stream and compared with the
 * unquantized EMA at every step; see {@link FeedbackExperiment}.
 */
@Command(name = "feedback", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Error feedback made visible: one Kronecker factor of fp32, VQ, CQ, CQ+EF and eigenvector "
                + "quantization (with/without Björck) on the same stream G_t = U_t·diag(i^-α)·Z_t/√k (U_t slowly "
                + "rotating), each step against the unquantized float64 EMA.",
                "Per method: NRE/AE of the inverse 4th root, error of the stored factor against the same recurrence "
                        + "unquantized, error of the represented statistic. Writes feedback.txt, "
                        + "feedback-summary.{csv,json}, feedback-steps.csv, nre-decay-α.png and factor-error-decay-α.png."})
final class FeedbackCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    GradientStreamOptions stream = new GradientStreamOptions();

    @Option(names = "--beta", description = "EMA β (default ${DEFAULT-VALUE}).")
    double beta = 0.95;

    @Option(names = "--beta-e", description = "Error-feedback β_e (default ${DEFAULT-VALUE}).")
    double betaE = 0.95;

    @Option(names = "--epsilon", description = "ε: root ridge ε·λmax, Cholesky shift ε·I, initial states (default ${DEFAULT-VALUE}).")
    double epsilon = 1e-6;

    @Option(names = {"--mapping", "--map"}, description = "linear-2, dynamic or linear (default ${DEFAULT-VALUE}).")
    String mapping = "linear-2";

    @Option(names = "--bits", description = "3, 4 or 8 (default ${DEFAULT-VALUE}).")
    int bits = 4;

    @Option(names = "--block", description = "Block size (default ${DEFAULT-VALUE}).")
    int block = 64;

    @Option(names = "--layout", description = "rows or tiles (default ${DEFAULT-VALUE}).")
    String layout = "rows";

    @Option(names = "--bjorck-update", description = "Björck steps t1 before each update of eigen+bjorck (default ${DEFAULT-VALUE}).")
    int bjorckUpdate = 1;

    @Option(names = "--bjorck-root", description = "Björck steps t2 before each root of eigen+bjorck (default ${DEFAULT-VALUE}).")
    int bjorckRoot = 4;

    @Option(names = "--quantize-root", description = "Quantize the root (DiagReal) before comparing, as the optimizers store it.")
    boolean quantizeRoot;

    @Option(names = "--methods", split = ",", description = "Methods among ema-fp64, fp32, vq, cq, cq+ef, cq-fp64, eigen, "
            + "eigen+bjorck, eigen-fp64 (default: all but ema-fp64).")
    List<String> methods;

    @Option(names = "--threads", description = "Decays run in parallel (default: available processors).")
    Integer threads;

    @Option(names = "--out", description = "Output directory (default ./qshampoo-out/feedback).")
    Path out = Path.of("qshampoo-out", "feedback");

    @Mixin
    KernelsOption kernels = new KernelsOption();

    @Override
    public Integer call() throws Exception {
        try {
            return execute();
        } catch (IllegalArgumentException e) {
            return CommandSupport.badInput("feedback", e);
        }
    }

    private int execute() throws Exception {
        CommandSupport.requireOutputDirectory(out);
        int n = stream.n;
        int width = stream.width();
        // The reference EMA factor and one gradient per run: float64, n × n and n × k.
        CommandSupport.requireHeap("--n " + n + " --cols " + width + " (a float64 factor n × n and a gradient n × k)",
                8.0 * n * ((double) n + width));
        try (KernelsOption.Scope k = kernels.apply()) {
            return execute(k.selection().describe());
        }
    }

    private int execute(String kernelsUsed) throws Exception {
        List<Method> ms = new ArrayList<>();
        if (methods == null) {
            ms.addAll(Method.defaults());
        } else {
            for (String m : methods) {
                ms.add(Method.fromId(m.trim()));
            }
        }
        FeedbackExperiment.Settings s = new FeedbackExperiment.Settings(stream.n, stream.width(), stream.steps,
                stream.decays, stream.rotation, beta, betaE, epsilon, Mapping.fromId(mapping), bits, CommandSupport.layout(layout, block), bjorckUpdate,
                bjorckRoot, quantizeRoot, ms, stream.seed, threads == null ? Runtime.getRuntime().availableProcessors() : threads);
        System.err.println("feedback: kernels " + kernelsUsed);
        long t0 = System.nanoTime();
        var runs = new FeedbackExperiment(s).run(CommandSupport.progress());
        String text = FeedbackOutput.text(s, runs);
        System.out.print(text);
        var files = FeedbackOutput.write(out, s, runs, text);
        ExperimentPage.write(spec, out, "Error feedback: CQ, CQ+EF, VQ and eigenvector quantization against the EMA");
        System.out.printf(java.util.Locale.ROOT, "%.1f s; wrote %d files and index.html into %s: %s%n",
                (System.nanoTime() - t0) / 1e9, files.size(), out,
                files.stream().map(p -> p.getFileName().toString()).toList());
        return 0;
    }
}
