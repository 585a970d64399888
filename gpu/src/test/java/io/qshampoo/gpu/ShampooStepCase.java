package io.qshampoo.gpu;

import java.util.Map;
import java.util.Random;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.shampoo.DenseTensor;
import io.qshampoo.shampoo.RootMethod;
import io.qshampoo.shampoo.Sgd;
import io.qshampoo.shampoo.ShampooConfig;
import io.qshampoo.shampoo.ShampooOptimizer;
import io.qshampoo.shampoo.Variant;

/**
 * The one-step cross-check case: a single n × n float64 parameter (one block, maxBlockOrder = n) starting at 0,
 * the default variant (CQ+EF, Li et al. Alg. 1) with the exact eigen root, statistics and roots refreshed at
 * the first step (T1 = T2 = 1), plain SGD with learning rate 1, and a Gaussian gradient from a fixed seed. After
 * the step the parameter is −P, P the grafted preconditioned direction, so comparing parameters compares
 * everything the step computed: G·Gᵀ, Gᵀ·G, the Cholesky factors, their quantization, the eigen roots and
 * L̂·G·R̂. Only the dense kernels differ between the paths (the quantizer is the optimizer's CPU one).
 */
final class ShampooStepCase {

    /** The gradient of the order-n case is Gaussian from {@code new Random(GRADIENT_SEED + n)}. */
    static final long GRADIENT_SEED = 20_261_123L;

    private ShampooStepCase() {
    }

    static ShampooConfig config(int n) {
        return ShampooConfig.builder().variant(Variant.CQ_EF).rootMethod(RootMethod.EIGEN).intervals(1, 1)
                .maxBlockOrder(n).build();
    }

    static DenseTensor gradient(int n) {
        Random rnd = new Random(GRADIENT_SEED + n);
        DenseTensor g = DenseTensor.float64(n, n);
        for (int k = 0; k < g.size(); k++) {
            g.set(k, rnd.nextGaussian());
        }
        return g;
    }

    /** The parameter after one step on {@code kernels}: −P, row-major n × n. */
    static double[] step(int n, DenseKernels kernels) {
        DenseTensor w = DenseTensor.float64(n, n);
        ShampooOptimizer opt = ShampooOptimizer.builder(config(n), new Sgd(), 1.0).kernels(kernels)
                .parameter("w", w).build();
        opt.step(Map.of("w", gradient(n)));
        return w.float64Data().clone();
    }
}
