package io.qshampoo.quant;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The kernel that {@link BlockKernels} selects on this JVM against the {@link BlockKernelContract}: the
 * scalar one from {@code target/classes}; the Vector API one when the profile {@code vector} runs the suite
 * against the multi-release jar on JDK 25 (it sets {@code qshampoo.quant.expectVectorKernel}).
 */
class SelectedBlockKernelTest extends BlockKernelContract {

    @Override
    BlockKernel kernel(CodeTable table) {
        return BlockKernels.forTable(table);
    }

    @Override
    boolean exhaustive() {
        // the scalar kernel is already covered by ScalarBlockKernelTest
        return kernel(CodeTable.of(Mapping.LINEAR_2, 4)).getClass() != BlockKernel.class;
    }

    @Test
    void theVectorKernelIsSelectedWhereExpected() {
        String d = BlockKernels.description();
        if (Boolean.getBoolean("qshampoo.quant.expectVectorKernel")) {
            // the jar's JDK 25 selector ran and found the module; only a CPU without 16 fp32 lanes may say no
            boolean narrowCpu = d.contains("fewer than 16");
            assertTrue(d.startsWith("Vector API") || narrowCpu, "expected the Vector API kernel, got: " + d);
            assertTrue(narrowCpu || kernel(CodeTable.of(Mapping.DYNAMIC, 4)).getClass() != BlockKernel.class, d);
        } else {
            assertTrue(d.startsWith("Vector API") || d.startsWith("scalar"), d);
        }
    }
}
