package io.qshampoo.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import io.qshampoo.quant.BlockQuantizer;
import io.qshampoo.quant.QuantizationConfig;

/**
 * {@link QuantizerAgreementContract} on the host-emulated stand-in ({@link FakeCuda}): the Java side of
 * {@link CudaBlockQuantizer} (FFM calls, kernel parameter blocks, buffer sizes, launch sizes) and the arithmetic of
 * quantize.cu compiled for the host. Not a GPU: the device-specific parts (warp shuffles, shared memory, NVRTC's
 * code generation) are checked only by {@link DeviceQuantizerAgreementTest}. Every test also checks that it freed
 * all device memory.
 */
class EmulatedQuantizerAgreementTest extends QuantizerAgreementContract {

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

    @AfterEach
    void freedEverything() {
        if (backend != null) {
            assertEquals(0, FakeCuda.liveAllocations(), "device allocations left behind");
        }
    }

    @Override
    protected BlockQuantizer gpu(QuantizationConfig config) {
        FakeCuda.assume();
        return backend.quantizer(config);
    }
}
