package io.qshampoo.gpu;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

import io.qshampoo.linalg.CoupledNewtonInverseRoot;
import io.qshampoo.linalg.InverseRoot;
import io.qshampoo.linalg.InverseRootContract;
import io.qshampoo.linalg.NewtonSettings;

/**
 * {@link InverseRootContract} with the coupled-Newton root on {@link CudaKernels} over the host-emulated stand-in
 * (FP64 and FP32): the whole path from the linalg classes through the FFM bindings, not a GPU.
 */
class EmulatedInverseRootTest {

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

    @Nested
    class NewtonFp64 extends InverseRootContract {
        @Override
        protected InverseRoot create() {
            return new CoupledNewtonInverseRoot(NewtonSettings.converging(), kernels(CudaKernels.Precision.FP64));
        }

        @Override
        protected double tolerance() {
            return NewtonSettings.converging().tolerance();
        }
    }

    @Nested
    class NewtonFp32 extends InverseRootContract {
        @Override
        protected InverseRoot create() {
            return new CoupledNewtonInverseRoot(DeviceInverseRootTest.fp32Settings(), kernels(CudaKernels.Precision.FP32));
        }

        @Override
        protected double tolerance() {
            return DeviceInverseRootTest.FP32_TOLERANCE;
        }

        @Override
        protected double unitRoundoff() {
            return 0x1p-24;
        }
    }
}
