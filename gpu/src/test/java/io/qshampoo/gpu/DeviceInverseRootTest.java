package io.qshampoo.gpu;

import org.junit.jupiter.api.Nested;

import io.qshampoo.linalg.CoupledNewtonInverseRoot;
import io.qshampoo.linalg.EigenInverseRoot;
import io.qshampoo.linalg.InverseRoot;
import io.qshampoo.linalg.InverseRootContract;
import io.qshampoo.linalg.NewtonSettings;
import io.qshampoo.linalg.Ridge;

/**
 * The linalg module's {@link InverseRootContract} (from its test-jar) with the roots computed on the device: the
 * coupled-Newton root on FP64 and on FP32 kernels (FP32 with an fp32-appropriate tolerance and unit roundoff 2⁻²⁴),
 * and the eigen root on FP64 kernels. Skips where there is no CUDA device.
 */
class DeviceInverseRootTest {

    /** Stopping tolerance for the FP32 iteration: its coupled iterate M = XᵖÂ carries rounding of about n·u₃₂ ≈ 1e-6 (n ≤ 12). */
    static final double FP32_TOLERANCE = 1e-5;

    static NewtonSettings fp32Settings() {
        return new NewtonSettings(100, FP32_TOLERANCE, Double.POSITIVE_INFINITY, Ridge.relative(1e-6));
    }

    @Nested
    class NewtonFp64 extends InverseRootContract {
        @Override
        protected InverseRoot create() {
            return new CoupledNewtonInverseRoot(NewtonSettings.converging(), Gpu.kernels(CudaKernels.Precision.FP64));
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
            return new CoupledNewtonInverseRoot(fp32Settings(), Gpu.kernels(CudaKernels.Precision.FP32));
        }

        @Override
        protected double tolerance() {
            return FP32_TOLERANCE;
        }

        @Override
        protected double unitRoundoff() {
            return 0x1p-24;
        }
    }

    @Nested
    class EigenFp64 extends InverseRootContract {
        @Override
        protected InverseRoot create() {
            return new EigenInverseRoot(Ridge.relative(1e-6), Gpu.kernels(CudaKernels.Precision.FP64));
        }

        @Override
        protected double tolerance() {
            return 0;
        }
    }
}
