package io.qshampoo.gpu;

import org.junit.jupiter.api.Nested;

/** {@link DenseKernelsAgreementContract} on the real device, FP64 and FP32; skips where there is no CUDA device. */
class DeviceDenseKernelsTest {

    @Nested
    class Fp64 extends DenseKernelsAgreementContract {
        @Override
        protected CudaKernels kernels() {
            return Gpu.kernels(CudaKernels.Precision.FP64);
        }
    }

    @Nested
    class Fp32 extends DenseKernelsAgreementContract {
        @Override
        protected CudaKernels kernels() {
            return Gpu.kernels(CudaKernels.Precision.FP32);
        }
    }
}
