package io.qshampoo.gpu;

import java.nio.file.Path;

import io.qshampoo.linalg.DenseKernels;

/**
 * Writes the stored CPU reference of {@link ShampooStepCase} at order n (the float64 EJML path, single-threaded):
 * {@code java -cp <gpu test class path> io.qshampoo.gpu.ShampooStepReference <n> gpu/src/test/resources/io/qshampoo/gpu/shampoo-step-<n>.txt}
 * for n = 256, 1024 and 4096. The order-4096 step takes long on the CPU path (2794 s on the 2-core machine that wrote
 * the stored one), too long for a device session, so its sketch is computed once and kept in the test resources;
 * {@link StoredStepReferenceTest} says when the CPU path has changed and they must be written again.
 */
public final class ShampooStepReference {

    private ShampooStepReference() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        Path out = Path.of(args[1]);
        long t0 = System.nanoTime();
        double[] w = ShampooStepCase.step(n, DenseKernels.reference());
        double seconds = (System.nanoTime() - t0) / 1e9;
        StepSketch s = StepSketch.of(w, n);
        s.write(out, String.format(java.util.Locale.ROOT,
                "CPU reference (DenseKernels.reference(), EJML float64, single thread) of ShampooStepCase at n = %d%n"
                        + "config: %s%nstep took %.0f s on %s, %s %s (%d processors)",
                n, ShampooStepCase.config(n), seconds, System.getProperty("java.vm.name"), System.getProperty("java.version"),
                System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors()));
        System.out.printf("n = %d: step %.1f s, ‖W‖_F = %s, written to %s%n", n, seconds, s.frobenius(), out);
    }
}
