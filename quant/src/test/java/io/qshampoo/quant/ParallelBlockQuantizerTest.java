package io.qshampoo.quant;

/** {@link BlockQuantizerContract} for the parallel CPU quantizer (blocks split over the common pool). */
class ParallelBlockQuantizerTest extends BlockQuantizerContract {

    @Override
    protected BlockQuantizer create(CodeTable table, BlockLayout layout) {
        return CpuBlockQuantizer.parallel(table, layout);
    }
}
