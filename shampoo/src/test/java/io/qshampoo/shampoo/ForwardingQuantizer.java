package io.qshampoo.shampoo;

import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.BlockQuantizer;
import io.qshampoo.quant.CodeTable;
import io.qshampoo.quant.StorageMode;

/** A {@link BlockQuantizer} that forwards to another and shows each quantization's outputs to a test, which may alter them. */
abstract class ForwardingQuantizer implements BlockQuantizer {

    final BlockQuantizer inner;

    ForwardingQuantizer(BlockQuantizer inner) {
        this.inner = inner;
    }

    /** Called after every quantize with the codes and scales the inner quantizer wrote. */
    abstract void quantized(int rows, int cols, StorageMode mode, byte[] codes, float[] scales);

    @Override
    public CodeTable table() {
        return inner.table();
    }

    @Override
    public BlockLayout layout() {
        return inner.layout();
    }

    @Override
    public void quantize(float[] src, int rows, int cols, StorageMode mode, byte[] codes, float[] scales, float[] d) {
        inner.quantize(src, rows, cols, mode, codes, scales, d);
        quantized(rows, cols, mode, codes, scales);
    }

    @Override
    public void quantize(double[] src, int rows, int cols, StorageMode mode, byte[] codes, float[] scales, float[] d) {
        inner.quantize(src, rows, cols, mode, codes, scales, d);
        quantized(rows, cols, mode, codes, scales);
    }

    @Override
    public void dequantize(byte[] codes, float[] scales, float[] d, int rows, int cols, StorageMode mode, float[] dst) {
        inner.dequantize(codes, scales, d, rows, cols, mode, dst);
    }

    @Override
    public void dequantize(byte[] codes, float[] scales, float[] d, int rows, int cols, StorageMode mode, double[] dst) {
        inner.dequantize(codes, scales, d, rows, cols, mode, dst);
    }
}
