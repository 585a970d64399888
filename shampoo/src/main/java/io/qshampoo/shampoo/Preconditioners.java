package io.qshampoo.shampoo;

import io.qshampoo.linalg.DenseKernels;

/** Builds the {@link KroneckerFactor} and the vector method that a {@link Variant} prescribes. */
final class Preconditioners {

    private Preconditioners() {
    }

    static KroneckerFactor factor(String name, int order, Side side, ShampooConfig config, Backend backend) {
        return switch (config.variant()) {
            case FP32, VQ -> new EmaShampooFactor(name, order, side, config, backend); // storage decides which
            case CQ, CQ_EF -> new CholeskyQuantizedFactor(name, order, side, config, backend);
            case EIGEN4, EIGEN4_EF -> new EigenQuantizedFactor(name, order, side, config, backend);
            case SKETCHY, SKETCHY4 -> new SketchyFactor(name, order, side, config, backend); // storage decides which
        };
    }

    /**
     * The method for rank ≤ 1 tensors: the grafting type's diagonal method, or S-AdaGrad for Sketchy
     * (Feinberg et al. Alg. 2) unless {@link Conventions#sketchyVectors()} says GRAFTED.
     */
    static DiagonalMethod vectorMethod(int size, ShampooConfig config, DenseKernels kernels) {
        if (config.preconditioner() instanceof Preconditioner.Sketch sketch
                && config.conventions().sketchyVectors() == Conventions.SketchyVectors.S_ADAGRAD) {
            return new SketchyAdaGrad(sketch.rank(), sketch.beta(), sketch.epsilon(),
                    config.conventions(), kernels);
        }
        return config.grafting().method();
    }
}
