package io.qshampoo.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.qshampoo.experiments.Report;
import io.qshampoo.experiments.SketchErrorExperiment;
import io.qshampoo.quant.Mapping;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code qshampoo sketch}: Sketchy's Frequent-Directions sketch in fp32 (sketchy) and with quantized directions
 * (sketchy4) on the feedback stream, against the exact statistic; see {@link SketchErrorExperiment}.
 */
@Command(name = "sketch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The Frequent-Directions error of Sketchy's sketch stored in fp32 (sketchy) and with quantized "
                + "directions (sketchy4, 4 bits unless --bits), one left factor each on the feedback stream G_t = U_t·diag(i^-α)·Z_t/√k, "
                + "every step against the exact statistic Σ β^(T-t)·G_t·G_tᵀ in float64.",
                "Per decay: ‖G − sketch‖₂, the escaped mass ρ, sketchy4's quantization term κ and the slack of its "
                        + "bound ‖G − Ĝ‖₂ ≤ ρ + κ, how far Ĝ exceeds G, the difference of the two preconditioned "
                        + "gradients, and how much the FD basis keeps its columns between updates. Writes "
                        + "sketch.txt, sketch-steps.csv and sketch.json."})
final class SketchCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--n", description = "Factor order (default ${DEFAULT-VALUE}).")
    int n = 96;

    @Option(names = "--cols", description = "Gradient columns k (default: = n).")
    Integer cols;

    @Option(names = {"--steps", "-T"}, description = "Steps T (default ${DEFAULT-VALUE}).")
    int steps = 200;

    @Option(names = "--decay", split = ",", description = "Power-law exponents α of the gradient's singular values "
            + "i^-α, one run each (default ${DEFAULT-VALUE}).")
    List<Double> decays = List.of(0.5, 1.0, 2.0);

    @Option(names = "--rotation", description = "Basis rotation θ per step (radians, roughly) (default ${DEFAULT-VALUE}).")
    double rotation = 0.02;

    @Option(names = "--beta", description = "The sketch's β₂ (default ${DEFAULT-VALUE}).")
    double beta = 0.999;

    @Option(names = "--sketch-rank", paramLabel = "L", description = "FD buffer size ℓ, ℓ − 1 directions kept "
            + "(default ${DEFAULT-VALUE}).")
    int sketchRank = 24;

    @Option(names = {"--mapping", "--map"}, description = "linear-2, dynamic or linear (default ${DEFAULT-VALUE}).")
    String mapping = "linear-2";

    @Option(names = "--bits", description = "Bits of sketchy4's directions: 3, 4 or 8 (default ${DEFAULT-VALUE}).")
    int bits = 4;

    @Option(names = "--block", description = "Block size (default ${DEFAULT-VALUE}).")
    int block = 64;

    @Option(names = "--layout", description = "rows or tiles (default ${DEFAULT-VALUE}).")
    String layout = "rows";

    @Option(names = "--seed", description = "Seed of the gradient stream (default ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = "--out", description = "Output directory (default ./qshampoo-out/sketch).")
    Path out = Path.of("qshampoo-out", "sketch");

    @Mixin
    KernelsOption kernels = new KernelsOption();

    @Override
    public Integer call() throws Exception {
        try {
            return execute();
        } catch (IllegalArgumentException e) {
            return CommandSupport.badInput("sketch", e);
        }
    }

    private int execute() throws Exception {
        CommandSupport.requireOutputDirectory(out);
        int width = cols == null ? n : cols;
        // The exact statistic and three n × n differences per step, and a gradient n × k: float64.
        CommandSupport.requireHeap("--n " + n + " --cols " + width + " (float64 n × n matrices and an n × k gradient)",
                8.0 * n * (4.0 * n + width));
        // The per-step curves of every decay (eight float64 values per step and decay), kept for the reports.
        CommandSupport.requireHeap(String.format(java.util.Locale.ROOT, "--steps %d with %d decays (eight float64 "
                + "curves per step and decay)", steps, decays.size()), 64.0 * steps * decays.size());
        SketchErrorExperiment.Settings s = new SketchErrorExperiment.Settings(n, width, steps, decays, rotation, beta,
                sketchRank, bits, Mapping.fromId(mapping), CommandSupport.layout(layout, block), seed);
        try (KernelsOption.Scope k = kernels.apply()) {
            return run(s, k.selection().describe());
        }
    }

    private int run(SketchErrorExperiment.Settings s, String kernelsUsed) throws Exception {
        long t0 = System.nanoTime();
        var runs = new SketchErrorExperiment(s).run();
        String text = "kernels: " + kernelsUsed + "\n" + SketchErrorExperiment.text(s, runs);
        System.out.print(text);
        Report.writeText(out.resolve("sketch.txt"), text);
        Report.writeText(out.resolve("sketch-steps.csv"), Report.csv(SketchErrorExperiment.rows(runs)));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("summaries", SketchErrorExperiment.summaries(runs));
        json.put("steps", SketchErrorExperiment.rows(runs));
        Report.writeJson(out.resolve("sketch.json"), json);
        ExperimentPage.write(spec, out, "Frequent Directions with fp32 and quantized directions");
        System.out.printf(java.util.Locale.ROOT, "%.1f s; wrote sketch.txt, sketch-steps.csv, sketch.json, index.html "
                + "into %s%n", (System.nanoTime() - t0) / 1e9, out);
        return 0;
    }
}
