package io.qshampoo.cli;

import java.util.List;

import picocli.CommandLine.Option;

/**
 * The options of the seeded synthetic gradient stream G_t = U_t·diag(i^-α)·Z_t/√k that {@code feedback} and
 * {@code sketch} run on (io.qshampoo.experiments' GradientStream): a picocli mixin.
 */
final class GradientStreamOptions {

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

    @Option(names = "--seed", description = "Seed of the gradient stream (default ${DEFAULT-VALUE}).")
    long seed = 0;

    /** k: {@code --cols}, or n. */
    int width() {
        return cols == null ? n : cols;
    }
}
