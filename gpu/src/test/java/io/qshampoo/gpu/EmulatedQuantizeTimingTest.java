package io.qshampoo.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.qshampoo.quant.QuantizationConfig;
import io.qshampoo.quant.StorageMode;

/**
 * Runs the timing harness ({@link QuantizeTiming}) on the host-emulated stand-in, so that the device run does not meet
 * its first bug there. The numbers it produces are host-emulation times and are NOT reported: no throughput is claimed
 * from this test.
 */
class EmulatedQuantizeTimingTest {

    @Test
    void theHarnessRuns() {
        try (CudaBackend b = FakeCuda.open()) {
            CudaBlockQuantizer q = b.quantizer(QuantizationConfig.defaults());
            for (StorageMode mode : StorageMode.values()) {
                QuantizeTiming t = QuantizeTiming.measure(b.context(), q, 128, mode, 2);
                assertTrue(t.quantizeSec() > 0 && t.copySec() > 0, t.toString());
                assertEquals(128, t.n());
            }
            assertEquals(0, FakeCuda.liveAllocations());
        }
    }
}
