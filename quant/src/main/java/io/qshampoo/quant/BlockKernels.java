package io.qshampoo.quant;

/**
 * Chooses the {@link BlockKernel} implementation. This is the JDK 17 version: always the portable scalar
 * kernel. The multi-release jar carries a JDK 25 version of this class (built by the {@code vector} profile)
 * that returns the Vector API kernel when {@code jdk.incubator.vector} is in the boot layer
 * ({@code --add-modules jdk.incubator.vector}), the CPU has 16 fp32 lanes, and the system property
 * {@value #SIMD_PROPERTY} is not {@code false}.
 */
final class BlockKernels {

    /** System property that turns the Vector API kernel off ({@code -Dqshampoo.quant.simd=false}). */
    static final String SIMD_PROPERTY = "qshampoo.quant.simd";

    private BlockKernels() {
    }

    /** The kernel for {@code table}. Cost: O(1). */
    static BlockKernel forTable(CodeTable table) {
        return new BlockKernel(table);
    }

    /** Which kernel {@link #forTable} returns, and why, for reports. */
    static String description() {
        return "scalar (the Vector API kernel needs JDK 25+ and the multi-release quant jar built on JDK 25)";
    }
}
