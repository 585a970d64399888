package io.qshampoo.gpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import io.qshampoo.linalg.DenseKernels;

/**
 * One Shampoo step ({@link ShampooStepCase}: CQ+EF, eigen roots, one n × n block) with the device's dense kernels
 * against the CPU path: at n = 1024 both paths run here; at n = 4096 the CPU path (tens of minutes single-threaded)
 * was run once by {@link ShampooStepReference} and is compared through its stored {@link StepSketch}. Skips where there
 * is no CUDA device. Differences and timings go to the report {@code shampoo-step}.
 */
class DeviceShampooStepTest {

    static StepSketch stored(int n) throws IOException {
        return StoredStepReferenceTest.stored(n);
    }

    @Test
    void order1024AgainstTheCpuPath() throws IOException {
        CudaKernels fp64 = Gpu.kernels(CudaKernels.Precision.FP64);
        int n = 1024;
        long t0 = System.nanoTime();
        double[] cpu = ShampooStepCase.step(n, DenseKernels.reference());
        long t1 = System.nanoTime();
        double[] gpu = ShampooStepCase.step(n, fp64);
        long t2 = System.nanoTime();
        double stale = stored(n).maxDeviation(StepSketch.of(cpu, n));
        assertTrue(stale <= StoredStepReferenceTest.SAME_PATH, "the CPU path differs by " + stale + " from the stored"
                + " reference shampoo-step-" + n + ".txt: regenerate the stored references with ShampooStepReference");
        double rel = ShampooStepCrossCheck.relative(cpu, gpu);
        double sketch = stored(n).maxDeviation(StepSketch.of(gpu, n));
        Reports.write("shampoo-step", String.format(Locale.ROOT,
                "n = %d, FP64 kernels on %s: ‖W_gpu − W_cpu‖_F/‖W_cpu‖_F = %.3e (tolerance %.0e); sketch deviation from the"
                        + " stored CPU reference %.3e; CPU step %.1f s, GPU-kernels step %.1f s",
                n, Gpu.backend().device().name(), rel, ShampooStepCrossCheck.RELATIVE_TOLERANCE, sketch, (t1 - t0) / 1e9,
                (t2 - t1) / 1e9));
        assertTrue(rel <= ShampooStepCrossCheck.RELATIVE_TOLERANCE, "relative difference " + rel);
        assertTrue(sketch <= ShampooStepCrossCheck.SKETCH_TOLERANCE, "sketch deviation " + sketch);
    }

    @Test
    void order4096AgainstTheStoredCpuReference() throws IOException {
        CudaKernels fp64 = Gpu.kernels(CudaKernels.Precision.FP64);
        int n = 4096;
        StepSketch reference = stored(n);
        long t0 = System.nanoTime();
        double[] gpu = ShampooStepCase.step(n, fp64);
        long t1 = System.nanoTime();
        double dev = reference.maxDeviation(StepSketch.of(gpu, n));
        Reports.write("shampoo-step", String.format(Locale.ROOT,
                "n = %d, FP64 kernels on %s: sketch deviation from the stored CPU reference %.3e (tolerance %.0e);"
                        + " GPU-kernels step %.1f s", n, Gpu.backend().device().name(), dev,
                ShampooStepCrossCheck.SKETCH_TOLERANCE, (t1 - t0) / 1e9));
        assertTrue(dev <= ShampooStepCrossCheck.SKETCH_TOLERANCE, "sketch deviation " + dev);
    }

    /**
     * FP32 kernels, as an fp32 GPU implementation computes: reported, not held to the float64 tolerance (the eigen
     * root of a statistic with κ ≈ 1e6 in fp32 can be off by κ·u₃₂ ≈ 0.06 in its smallest directions). The assertion is
     * only a sanity bound: finite, and within 50% in ‖·‖_F.
     */
    @Test
    void order1024WithFp32KernelsIsReported() throws IOException {
        CudaKernels fp32 = Gpu.kernels(CudaKernels.Precision.FP32);
        int n = 1024;
        StepSketch reference = stored(n);
        double[] gpu = ShampooStepCase.step(n, fp32);
        assertTrue(ShampooStepCrossCheck.finite(gpu), "non-finite parameter");
        double dev = reference.maxDeviation(StepSketch.of(gpu, n));
        double frob = Math.abs(StepSketch.of(gpu, n).frobenius() - reference.frobenius()) / reference.frobenius();
        Reports.write("shampoo-step", String.format(Locale.ROOT,
                "n = %d, FP32 kernels: sketch deviation from the float64 CPU reference %.3e (reported, no tolerance claimed);"
                        + " relative ‖W‖_F difference %.3e", n, dev, frob));
        assertTrue(dev < 0.5, "FP32 step far from the reference: " + dev);
    }
}
