package io.qshampoo.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The library discovery report ({@code qshampoo gpu-info} prints it) on this machine: it never throws, names the Java
 * runtime, the four libraries (file or reason) and, when the backend cannot run, why; and it agrees with whether the
 * backend actually opens. The report is written to {@code gpu-info}.
 */
class CudaProbeTest {

    @Test
    void reportsWhatItFoundAndWhyTheBackendCannotRun() {
        String report = CudaBackend.describe();
        Reports.write("gpu-info-from-tests", report);
        assertTrue(report.startsWith("Java runtime: " + Runtime.version()), report);
        assertTrue(report.contains("Foreign Function & Memory API: available"), report);
        for (String label : new String[] {"CUDA driver", "NVRTC", "cuBLAS", "cuSOLVER"}) {
            assertTrue(report.contains(label), label + " missing from\n" + report);
        }
        CudaProbe probe = CudaBackend.probe();
        assertEquals(Gpu.available(), probe.devices().size() > 0 && !probe.driver().startsWith("not loaded"),
                "the probe and CudaBackend.open() disagree:\n" + report + "\nopen(): " + Gpu.reason());
        if (!probe.quantizerAvailable()) {
            assertTrue(report.contains("Quantizer (CudaBlockQuantizer): cannot run: "), report);
        }
        if (!probe.kernelsAvailable()) {
            assertTrue(report.contains("Dense kernels (CudaKernels): cannot run: "), report);
        }
    }
}
