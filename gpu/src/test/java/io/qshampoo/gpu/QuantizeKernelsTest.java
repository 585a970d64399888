package io.qshampoo.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.StorageMode;

/** The host side of the kernels that needs no device: the source, the architecture choice, the parameter codes. */
class QuantizeKernelsTest {

    @Test
    void theSourceIsAsciiAndDefinesTheKernelsTheHostLaunches() {
        String src = QuantizeKernels.source();
        assertTrue(src.chars().allMatch(c -> c < 128), "quantize.cu must be ASCII-only");
        for (String k : new String[] {"qs_diagonal", "qs_absmax", "qs_encode", "qs_decode"}) {
            assertTrue(src.contains("extern \"C\" __global__ void " + k + "("), k);
        }
        assertTrue(src.contains("__shared__ float table[256]"), "the encode kernel's table holds 8-bit tables");
    }

    @Test
    void compilesForTheNewestArchitectureTheDeviceRuns() {
        assertEquals(90, QuantizeKernels.architecture(90, new int[] {75, 80, 86, 89, 90, 100, 120}));
        assertEquals(80, QuantizeKernels.architecture(86, new int[] {75, 80, 90}));
        assertEquals(90, QuantizeKernels.architecture(120, new int[] {75, 80, 90}), "PTX of an older arch JITs forward");
        assertEquals(61, QuantizeKernels.architecture(61, new int[0]), "an NVRTC that cannot list them");
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                () -> QuantizeKernels.architecture(61, new int[] {75, 80}));
        assertTrue(e.getMessage().contains("6.1"), e.getMessage());
    }

    @Test
    void modeAndLayoutCodesAreQuantizeCusConstants() {
        String src = QuantizeKernels.source();
        assertTrue(src.contains("#define QS_FULL " + QuantizeKernels.mode(StorageMode.FULL)));
        assertTrue(src.contains("#define QS_DIAG_REAL " + QuantizeKernels.mode(StorageMode.DIAG_REAL)));
        assertTrue(src.contains("#define QS_STRICTLY_LOWER " + QuantizeKernels.mode(StorageMode.STRICTLY_LOWER)));
        assertEquals(0, QuantizeKernels.tiles(BlockLayout.rowSegments(64)));
        assertEquals(1, QuantizeKernels.tiles(BlockLayout.tiles(64)));
    }
}
