package io.qshampoo.examples;

import java.util.Map;
import java.util.Random;

import io.qshampoo.shampoo.AdamW;
import io.qshampoo.shampoo.DenseTensor;
import io.qshampoo.shampoo.ShampooConfig;
import io.qshampoo.shampoo.ShampooOptimizer;
import io.qshampoo.shampoo.Variant;

/**
 * A consumer of the installed qshampoo artifacts: 4-bit Shampoo (Cholesky quantization with error feedback) with
 * AdamW minimising ‖W − T‖²/2 for a random 64 × 48 target T, printing the loss and the optimizer's state bytes.
 * {@code ReadmeSnippetsTest} runs it; so can {@code java -cp} with the dependencies.
 */
public final class ShampooQuickStart {

    private ShampooQuickStart() {
    }

    /** Runs {@code steps} steps and returns the final loss ‖W − T‖²/2. */
    public static double run(int steps) {
        int rows = 64;
        int cols = 48;
        float[] target = new float[rows * cols];
        Random rnd = new Random(1);
        for (int k = 0; k < target.length; k++) {
            target[k] = (float) rnd.nextGaussian();
        }
        DenseTensor w = DenseTensor.float32(rows, cols);
        ShampooConfig config = ShampooConfig.builder().variant(Variant.CQ_EF).build();
        ShampooOptimizer opt = ShampooOptimizer.builder(config, new AdamW(0.9, 0.999, 1e-8, 0.0), 0.05)
                .parameter("w", w).build();
        double loss = Double.NaN;
        for (int step = 1; step <= steps; step++) {
            DenseTensor grad = DenseTensor.float32(rows, cols);
            loss = 0;
            for (int k = 0; k < target.length; k++) {
                double d = w.get(k) - target[k];          // ∇ of ‖W − T‖²/2 is W − T
                grad.set(k, d);
                loss += d * d / 2;
            }
            opt.step(Map.of("w", grad));
        }
        return loss;
    }

    /** Prints the loss before and after 200 steps. */
    public static void main(String[] args) {
        System.out.printf("loss after 1 step: %.3f, after 200 steps: %.3f%n", run(1), run(200));
    }
}
