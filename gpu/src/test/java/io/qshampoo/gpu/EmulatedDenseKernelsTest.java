package io.qshampoo.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/**
 * {@link DenseKernelsAgreementContract} on the host-emulated stand-in: checks the row-/column-major mapping, leading
 * dimensions, transposes, workspace and devInfo handling and the FFM calls of {@link CudaKernels} against the
 * documented cuBLAS/cuSOLVER semantics as {@code fake_cuda.cpp} implements them. Not a GPU.
 */
class EmulatedDenseKernelsTest {

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

    static CudaKernels kernels(CudaKernels.Precision p) {
        FakeCuda.assume();
        return backend.kernels(p);
    }

    @AfterEach
    void freedEverything() {
        if (backend != null) {
            assertEquals(0, FakeCuda.liveAllocations(), "device allocations left behind");
        }
    }

    @Nested
    class Fp64 extends DenseKernelsAgreementContract {
        @Override
        protected CudaKernels kernels() {
            return EmulatedDenseKernelsTest.kernels(CudaKernels.Precision.FP64);
        }
    }

    @Nested
    class Fp32 extends DenseKernelsAgreementContract {
        @Override
        protected CudaKernels kernels() {
            return EmulatedDenseKernelsTest.kernels(CudaKernels.Precision.FP32);
        }
    }
}
