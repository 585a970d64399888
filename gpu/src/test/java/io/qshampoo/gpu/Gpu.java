package io.qshampoo.gpu;

import org.junit.jupiter.api.Assumptions;

/**
 * The real device for the tests that need one: {@link CudaBackend#open()} tried once per JVM. Those tests skip (a JUnit
 * assumption) with the backend's own reason when it cannot open, e.g. "no CUDA driver: libcuda.so.1 …" on a machine
 * without an NVIDIA driver. They never fall back to the stand-in or the CPU.
 */
final class Gpu {

    private static CudaBackend backend;
    private static String reason;

    private Gpu() {
    }

    static synchronized boolean available() {
        if (backend == null && reason == null) {
            try {
                backend = CudaBackend.open();
            } catch (CudaUnavailableException | CudaException | LinkageError | IllegalStateException e) {
                reason = e.getMessage();
            }
        }
        return backend != null;
    }

    static String reason() {
        available();
        return reason == null ? "" : reason;
    }

    /** The shared device backend; skips the calling test when there is none. */
    static CudaBackend backend() {
        Assumptions.assumeTrue(available(), () -> "no CUDA device: " + reason());
        return backend;
    }

    /** As {@link #backend()}, also skipping when the dense kernels cannot run (cuBLAS or cuSOLVER missing). */
    static CudaKernels kernels(CudaKernels.Precision precision) {
        CudaBackend b = backend();
        try {
            return b.kernels(precision);
        } catch (CudaUnavailableException e) {
            Assumptions.abort("CUDA dense kernels unavailable: " + e.getMessage());
            throw e;
        }
    }

    /** As {@link #backend()}, also skipping when the quantizer cannot run (NVRTC missing). */
    static CudaBlockQuantizer quantizer(io.qshampoo.quant.QuantizationConfig config) {
        CudaBackend b = backend();
        try {
            return b.quantizer(config);
        } catch (CudaUnavailableException e) {
            Assumptions.abort("CUDA quantizer unavailable: " + e.getMessage());
            throw e;
        }
    }
}
