package io.qshampoo.quant;

/** The portable scalar kernel against the {@link BlockKernelContract}. */
class ScalarBlockKernelTest extends BlockKernelContract {

    @Override
    BlockKernel kernel(CodeTable table) {
        return new BlockKernel(table);
    }
}
