package io.qshampoo.gpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.qshampoo.quant.QuantizationConfig;
import io.qshampoo.quant.StorageMode;

/**
 * Quantization throughput on the device against its copy bandwidth measured in the same run ({@link QuantizeTiming}),
 * official setting (4-bit linear-2, row segments of 64), n = 1024, 4096, 8192. Reported to {@code quantize-throughput};
 * the only assertion is that the numbers are measurements (positive, finite). Skips where there is no CUDA device.
 */
class DeviceQuantizeThroughputTest {

    @Test
    void quantizeAgainstCopyBandwidth() {
        CudaBackend b = Gpu.backend();
        CudaBlockQuantizer q = Gpu.quantizer(QuantizationConfig.defaults());
        Reports.write("quantize-throughput", "device " + b.device() + "; " + q);
        for (int n : new int[] {1024, 4096, 8192}) {
            for (StorageMode mode : new StorageMode[] {StorageMode.FULL, StorageMode.DIAG_REAL, StorageMode.STRICTLY_LOWER}) {
                QuantizeTiming t = QuantizeTiming.measure(b.context(), q, n, mode, n >= 8192 ? 20 : 100);
                Reports.write("quantize-throughput", t.toString());
                assertTrue(t.quantizeSec() > 0 && t.copySec() > 0 && Double.isFinite(t.quantizeMovedGBps()));
            }
        }
    }
}
