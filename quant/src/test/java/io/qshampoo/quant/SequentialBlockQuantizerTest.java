package io.qshampoo.quant;

/** {@link BlockQuantizerContract} for the sequential CPU quantizer, the reference. */
class SequentialBlockQuantizerTest extends BlockQuantizerContract {

    @Override
    protected BlockQuantizer create(CodeTable table, BlockLayout layout) {
        return CpuBlockQuantizer.sequential(table, layout);
    }
}
