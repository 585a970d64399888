package io.qshampoo.quant;

/**
 * Chooses the {@link BlockKernel} implementation: the JDK 25 version of this class, in the multi-release jar
 * under {@code META-INF/versions/25}. It returns the Vector API kernel when {@code jdk.incubator.vector} is in
 * the boot layer ({@code --add-modules jdk.incubator.vector}), the CPU has 16 native fp32 lanes, and the
 * system property {@value #SIMD_PROPERTY} is not {@code false}; otherwise the scalar kernel, and
 * {@link #description()} says why.
 */
final class BlockKernels {

    /** System property that turns the Vector API kernel off ({@code -Dqshampoo.quant.simd=false}). */
    static final String SIMD_PROPERTY = "qshampoo.quant.simd";

    /** Null when the Vector API kernel is used, else why not. */
    private static final String WHY_SCALAR = whyScalar();

    private BlockKernels() {
    }

    private static String whyScalar() {
        if ("false".equals(System.getProperty(SIMD_PROPERTY))) {
            return "scalar (-D" + SIMD_PROPERTY + "=false)";
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return "scalar (jdk.incubator.vector is not loaded: run java with --add-modules jdk.incubator.vector)";
        }
        try {
            return VectorBlockKernel.supported() ? null : "scalar (this CPU has fewer than 16 fp32 vector lanes)";
        } catch (LinkageError e) {
            return "scalar (the Vector API failed to load: " + e + ")";
        }
    }

    /** The kernel for {@code table}. Cost: O(1). */
    static BlockKernel forTable(CodeTable table) {
        return WHY_SCALAR == null ? new VectorBlockKernel(table) : new BlockKernel(table);
    }

    /** Which kernel {@link #forTable} returns, and why, for reports. */
    static String description() {
        return WHY_SCALAR == null ? "Vector API, " + VectorBlockKernel.LANES + " fp32 lanes" : WHY_SCALAR;
    }
}
