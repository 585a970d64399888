package io.qshampoo.gpu;

import io.qshampoo.quant.BlockQuantizer;
import io.qshampoo.quant.QuantizationConfig;

/**
 * {@link QuantizerAgreementContract} on the real device: codes and scales of the NVRTC-compiled kernels bit-identical to
 * the CPU reference on random and edge inputs. Skips, with the backend's reason, where there is no CUDA device.
 */
class DeviceQuantizerAgreementTest extends QuantizerAgreementContract {

    @Override
    protected BlockQuantizer gpu(QuantizationConfig config) {
        return Gpu.quantizer(config);
    }
}
