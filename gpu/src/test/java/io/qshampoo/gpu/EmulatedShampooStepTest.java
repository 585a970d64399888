package io.qshampoo.gpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.qshampoo.linalg.DenseKernels;

/**
 * The one-step cross-check ({@link ShampooStepCase}) at small orders through {@link CudaKernels} on the host-emulated
 * stand-in: the optimizer's whole use of the dense kernels (products with every transpose, Cholesky, eigen) through
 * the bindings, against the CPU path, with the float64 tolerance of {@link ShampooStepCrossCheck}. Not a GPU.
 */
class EmulatedShampooStepTest {

    private static CudaBackend backend;

    @BeforeAll
    static void open() {
        if (FakeCuda.build()) {
            backend = FakeCuda.open();
        }
    }

    @AfterAll
    static void close() {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void smallOrdersAgainstTheCpuPath() {
        FakeCuda.assume();
        for (int n : new int[] {64, 100}) {
            double[] cpu = ShampooStepCase.step(n, DenseKernels.reference());
            double[] emulated = ShampooStepCase.step(n, backend.kernels());
            double rel = ShampooStepCrossCheck.relative(cpu, emulated);
            assertTrue(rel <= ShampooStepCrossCheck.RELATIVE_TOLERANCE, "n = " + n + ": relative difference " + rel);
            double sketch = StepSketch.of(cpu, n).maxDeviation(StepSketch.of(emulated, n));
            assertTrue(sketch <= ShampooStepCrossCheck.SKETCH_TOLERANCE, "n = " + n + ": sketch deviation " + sketch);
        }
    }
}
