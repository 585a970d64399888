package io.qshampoo.quant;

/** {@link BlockQuantizerContract} for the fast CPU quantizer, single-threaded. */
class SequentialBlockQuantizerTest extends BlockQuantizerContract {

    @Override
    protected BlockQuantizer create(CodeTable table, BlockLayout layout) {
        return CpuBlockQuantizer.sequential(table, layout);
    }
}
