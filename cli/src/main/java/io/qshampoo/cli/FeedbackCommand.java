package io.qshampoo.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.qshampoo.quant.Mapping;
import io.qshampoo.experiments.FeedbackExperiment;
import io.qshampoo.experiments.FeedbackExperiment.Method;
import io.qshampoo.experiments.FeedbackOutput;
import io.qshampoo.experiments.FeedbackSweep;
import io.qshampoo.experiments.FeedbackSweepOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code qshampoo feedback}: CQ with and without error feedback (Li et al. §4.3), VQ, and eigenvector
 * quantization with and without Björck (and with Björck and error feedback), run on the same synthetic gradient stream and compared with the
 * unquantized EMA at every step; see {@link FeedbackExperiment}.
 */
@Command(name = "feedback", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Error feedback made visible: one Kronecker factor of fp32, VQ, CQ, CQ+EF and eigenvector "
                + "quantization (without Björck, with it, with it and error feedback) on the same stream G_t = U_t·diag(i^-α)·Z_t/√k (U_t slowly "
                + "rotating), each step against the unquantized float64 EMA.",
                "Per method: NRE/AE of the inverse 4th root, error of the stored factor against the same recurrence "
                        + "unquantized, error of the represented statistic. Writes feedback.txt, "
                        + "feedback-summary.{csv,json}, feedback-steps.csv, nre-decay-α.png and factor-error-decay-α.png.",
                "With --sweep: where error feedback helps — NRE(cq+ef)/NRE(cq) over a grid of βₑ, bits, rotation, β and "
                        + "decay, averaged over seeds with a t-interval; heat maps with the cells where EF helps outlined."})
final class FeedbackCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--sweep", description = "The regime map: the ratio NRE(cq+ef)/NRE(cq) over a grid of --beta-e, "
            + "--bits, --rotation, --beta and --decay (each a comma-separated list here), averaged over --seeds with a "
            + "t-interval. Writes feedback-sweep.{txt,csv,json}, feedback-sweep-streams.csv and sweep-bits-B.png.")
    boolean sweep;

    @Option(names = "--n", description = "Factor order (default 96; with --sweep 32).")
    Integer n;

    @Option(names = "--cols", description = "Gradient columns k (default: = n).")
    Integer cols;

    @Option(names = {"--steps", "-T"}, description = "Steps T (default 200; with --sweep " + SWEEP_STEPS + ").")
    Integer steps;

    @Option(names = "--decay", split = ",", description = "Power-law exponents α of the gradient's singular values "
            + "i^-α, one run each (default 0.5,1,2, also with --sweep).")
    List<Double> decays;

    @Option(names = "--rotation", split = ",", description = "Basis rotation θ per step (radians, roughly) (default "
            + "0.02; with --sweep a list, default " + SWEEP_ROTATIONS + ").")
    List<Double> rotation;

    @Option(names = "--beta", split = ",", description = "EMA β (default 0.95; with --sweep a list, default "
            + SWEEP_BETAS + ").")
    List<Double> beta;

    @Option(names = "--beta-e", split = ",", description = "Error-feedback β_e of cq+ef and eigen+bjorck+ef, in [0, 1) "
            + "(default 0.95; with --sweep a list, default " + SWEEP_BETA_ES + ").")
    List<Double> betaE;

    @Option(names = "--seeds", description = "With --sweep: seeds per cell, >= 2 (default " + SWEEP_SEEDS + "); the "
            + "first is --seed.")
    Integer seeds;

    @Option(names = "--burn-in", description = "With --sweep: steps before the NRE is averaged (default T/2).")
    Integer burnIn;

    @Option(names = "--confidence", description = "With --sweep: confidence of the intervals (default 0.95).")
    Double confidence;

    @Option(names = "--epsilon", description = "ε: root ridge ε·λmax, Cholesky shift ε·I, initial states (default ${DEFAULT-VALUE}).")
    double epsilon = 1e-6;

    @Option(names = {"--mapping", "--map"}, description = "linear-2, dynamic or linear (default ${DEFAULT-VALUE}).")
    String mapping = "linear-2";

    @Option(names = "--bits", split = ",", description = "3, 4 or 8 (default 4; with --sweep a list, default 3,4,8).")
    List<Integer> bits;

    @Option(names = "--block", description = "Block size (default ${DEFAULT-VALUE}).")
    int block = 64;

    @Option(names = "--layout", description = "rows or tiles (default ${DEFAULT-VALUE}).")
    String layout = "rows";

    @Option(names = "--bjorck-update", description = "Björck steps t1 before each update of eigen+bjorck and eigen+bjorck+ef (default ${DEFAULT-VALUE}).")
    int bjorckUpdate = 1;

    @Option(names = "--bjorck-root", description = "Björck steps t2 before each root of eigen+bjorck and eigen+bjorck+ef (default ${DEFAULT-VALUE}).")
    int bjorckRoot = 4;

    @Option(names = "--quantize-root", description = "Quantize the root (DiagReal) before comparing, as the optimizers store it.")
    boolean quantizeRoot;

    @Option(names = "--methods", split = ",", description = "Methods among ema-fp64, fp32, vq, cq, cq+ef, cq-fp64, eigen, "
            + "eigen+bjorck, eigen+bjorck+ef, eigen-fp64 (default: all but ema-fp64).")
    List<String> methods;

    @Option(names = "--seed", description = "Seed of the gradient stream; with --sweep the first of --seeds consecutive "
            + "seeds (default ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = "--threads", description = "Decays (with --sweep: streams) run in parallel (default: available "
            + "processors).")
    Integer threads;

    @Option(names = "--out", description = "Output directory (default ./qshampoo-out/feedback; with --sweep "
            + "./qshampoo-out/feedback-sweep).")
    Path out;

    @Mixin
    KernelsOption kernels = new KernelsOption();

    /** The sweep's default grid (sized to take a few minutes on 2 cores with OpenBLAS; docs/experiments.md). */
    static final String SWEEP_BETA_ES = "0,0.5,0.8,0.9,0.95,0.99";
    static final String SWEEP_ROTATIONS = "0,0.01,0.03,0.1";
    static final String SWEEP_BETAS = "0.9,0.95,0.99";
    static final int SWEEP_N = 32;
    static final int SWEEP_STEPS = 400;
    static final int SWEEP_SEEDS = 5;

    /** Options of the single run that mean nothing to the sweep. */
    private static final List<String> SINGLE_RUN_ONLY = List.of("--methods", "--quantize-root", "--bjorck-update",
            "--bjorck-root");
    /** Options of the sweep that mean nothing to the single run. */
    private static final List<String> SWEEP_ONLY = List.of("--seeds", "--burn-in", "--confidence");

    @Override
    public Integer call() throws Exception {
        try {
            return execute();
        } catch (IllegalArgumentException e) {
            return CommandSupport.badInput("feedback", e);
        }
    }

    private int execute() throws Exception {
        var parsed = spec.commandLine().getParseResult();
        for (String o : sweep ? SINGLE_RUN_ONLY : SWEEP_ONLY) {
            if (parsed.hasMatchedOption(o)) {
                throw new IllegalArgumentException(o + (sweep ? " does not apply to --sweep (it compares cq+ef with cq, "
                        + "roots not quantized)" : " applies only with --sweep"));
            }
        }
        Path dir = out != null ? out : Path.of("qshampoo-out", sweep ? "feedback-sweep" : "feedback");
        CommandSupport.requireOutputDirectory(dir);
        int order = n != null ? n : sweep ? SWEEP_N : 96;
        int width = cols == null ? order : cols;
        if (order < 2 || width < 1) {
            throw new IllegalArgumentException("--n is " + order + " and --cols " + width + "; expected n >= 2 and cols >= 1");
        }
        // The reference EMA factor and one gradient per run: float64, n × n and n × k.
        CommandSupport.requireHeap("--n " + order + " --cols " + width + " (a float64 factor n × n and a gradient n × k)",
                8.0 * order * ((double) order + width));
        int workers = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (sweep) {
            FeedbackSweep.Grid grid = new FeedbackSweep.Grid(orDefault(betaE, SWEEP_BETA_ES), bits == null
                    ? List.of(3, 4, 8) : bits, orDefault(rotation, SWEEP_ROTATIONS), orDefault(beta, SWEEP_BETAS),
                    orDefault(decays, "0.5,1,2"), seeds == null ? SWEEP_SEEDS : seeds, seed, order, width,
                    steps == null ? SWEEP_STEPS : steps, burnIn == null ? (steps == null ? SWEEP_STEPS : steps) / 2
                    : burnIn, epsilon, Mapping.fromId(mapping),
                    CommandSupport.layout(layout, block), confidence == null ? 0.95 : confidence, workers);
            CommandSupport.requireHeap(String.format(java.util.Locale.ROOT, "the sweep's %d factors per stream on %d threads",
                    grid.factorsPerStream(), workers), grid.leastBytes());
            try (KernelsOption.Scope k = kernels.apply()) {
                return sweep(grid, dir, k.selection().describe());
            }
        }
        try (KernelsOption.Scope k = kernels.apply()) {
            return execute(dir, order, width, workers, k.selection().describe());
        }
    }

    private static List<Double> orDefault(List<Double> given, String defaults) {
        if (given != null) {
            return given;
        }
        return java.util.Arrays.stream(defaults.split(",")).map(Double::valueOf).toList();
    }

    private static <T> T single(String option, List<T> given, T otherwise) {
        if (given == null) {
            return otherwise;
        }
        if (given.size() != 1) {
            throw new IllegalArgumentException(option + " has " + given.size() + " values " + given + "; expected one "
                    + "(lists only with --sweep)");
        }
        return given.get(0);
    }

    private int sweep(FeedbackSweep.Grid grid, Path dir, String kernelsUsed) throws Exception {
        System.err.println("feedback --sweep: kernels " + kernelsUsed + "; " + grid.streams() + " streams × "
                + grid.factorsPerStream() + " factors, " + grid.cells() + " cells, on " + grid.threads() + " threads");
        long t0 = System.nanoTime();
        FeedbackSweep sweeper = new FeedbackSweep(grid);
        var results = sweeper.run(CommandSupport.progress());
        var cells = sweeper.cells(results);
        String text = FeedbackSweepOutput.text(grid, cells);
        System.out.print(text);
        var files = FeedbackSweepOutput.write(dir, grid, results, cells, text);
        ExperimentPage.write(spec, dir, "Where error feedback helps: NRE(cq+ef) / NRE(cq) over βₑ, bits, rate of change "
                + "and decay");
        System.out.printf(java.util.Locale.ROOT, "%.1f s; wrote %d files and index.html into %s: %s%n",
                (System.nanoTime() - t0) / 1e9, files.size(), dir, files.stream().map(p -> p.getFileName().toString()).toList());
        return 0;
    }

    /**
     * The step loop keeps five float64 curves (NRE, AE, factor and statistic errors, trace ratio) per step, method
     * and decay for the reports, all decays at once: 40·T·methods·decays bytes, refused before the loop starts when
     * they exceed the heap. A long run that fits shows its progress (a line about every 10 s on a terminal).
     */
    static void requireCurvesFit(int steps, int methods, int decays) {
        CommandSupport.requireHeap(String.format(java.util.Locale.ROOT, "--steps %d with %d methods and %d decays (five"
                + " float64 curves per step, method and decay)", steps, methods, decays), 40.0 * steps * methods * decays);
    }

    private int execute(Path dir, int order, int width, int workers, String kernelsUsed) throws Exception {
        List<Method> ms = new ArrayList<>();
        if (methods == null) {
            ms.addAll(Method.defaults());
        } else {
            for (String m : methods) {
                ms.add(Method.fromId(m.trim()));
            }
        }
        int stepCount = steps == null ? 200 : steps;
        List<Double> decayList = decays == null ? List.of(0.5, 1.0, 2.0) : decays;
        requireCurvesFit(stepCount, ms.size(), decayList.size());
        FeedbackExperiment.Settings s = new FeedbackExperiment.Settings(order, width, stepCount, decayList,
                single("--rotation", rotation, 0.02), single("--beta", beta, 0.95), single("--beta-e", betaE, 0.95), epsilon,
                Mapping.fromId(mapping), single("--bits", bits, 4), CommandSupport.layout(layout, block), bjorckUpdate,
                bjorckRoot, quantizeRoot, ms, seed, workers);
        System.err.println("feedback: kernels " + kernelsUsed);
        long t0 = System.nanoTime();
        var runs = new FeedbackExperiment(s).run(CommandSupport.progress());
        String text = FeedbackOutput.text(s, runs);
        System.out.print(text);
        var files = FeedbackOutput.write(dir, s, runs, text);
        ExperimentPage.write(spec, dir, "Error feedback: CQ, CQ+EF, VQ and eigenvector quantization against the EMA");
        System.out.printf(java.util.Locale.ROOT, "%.1f s; wrote %d files and index.html into %s: %s%n",
                (System.nanoTime() - t0) / 1e9, files.size(), dir,
                files.stream().map(p -> p.getFileName().toString()).toList());
        return 0;
    }
}
