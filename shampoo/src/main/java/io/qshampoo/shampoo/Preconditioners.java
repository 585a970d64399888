package io.qshampoo.shampoo;

import io.qshampoo.linalg.DenseKernels;

/** Builds the {@link KroneckerFactor} and the vector method that a {@link Variant} prescribes. */
final class Preconditioners {

    private Preconditioners() {
    }

    static KroneckerFactor factor(String name, int order, Side side, ShampooConfig config, DenseKernels kernels) {
        return switch (config.variant()) {
            // unquantized EMA: fp32 storage, or exact float64 at 64 bits
            case FP32 -> new EmaShampooFactor(name, order, side,
                    config.quantized() ? config.toBuilder().bits(32).build() : config, kernels);
            case VQ -> new EmaShampooFactor(name, order, side, config, kernels);
            case CQ -> new CholeskyQuantizedFactor(name, order, side, config, false, kernels);
            case CQ_EF -> new CholeskyQuantizedFactor(name, order, side, config, true, kernels);
            case EIGEN -> new EigenQuantizedFactor(name, order, side, config, kernels);
            case SKETCHY -> new SketchyFactor(name, order, side, config, kernels);
        };
    }

    /**
     * The method for rank ≤ 1 tensors: the grafting type's diagonal method, or S-AdaGrad for Sketchy
     * (Feinberg et al. Alg. 2) unless {@link Conventions#sketchyVectors()} says GRAFTED.
     */
    static DiagonalMethod vectorMethod(int size, ShampooConfig config, DenseKernels kernels) {
        if (config.variant() == Variant.SKETCHY
                && config.conventions().sketchyVectors() == Conventions.SketchyVectors.S_ADAGRAD) {
            return new SketchyAdaGrad(config.sketchRank(), config.sketchBeta(), config.sketchEpsilon(),
                    config.conventions(), kernels);
        }
        return config.grafting().method();
    }
}
