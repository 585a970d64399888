package io.qshampoo.shampoo;

/** The preconditioner variants qshampoo implements side by side, one class each. */
public enum Variant {
    /** 32-bit Shampoo, Li et al. 2025 Eq. (2): {@link EmaShampooFactor} with fp32 storage. */
    FP32,
    /** Vanilla quantization of L, R and their roots, Li et al. Eqs. (5)–(6): {@link EmaShampooFactor} with quantized storage. */
    VQ,
    /** Cholesky quantization, Li et al. Eqs. (7), (8), (12): {@link CholeskyQuantizedFactor}. */
    CQ,
    /** Cholesky quantization with error feedback, Li et al. Eqs. (10)–(11), Alg. 1: {@link CholeskyQuantizedFactor}. */
    CQ_EF,
    /** Eigenvector quantization with Björck rectification, Wang et al. 2024: {@link EigenQuantizedFactor}. */
    EIGEN4,
    /**
     * Eigenvector quantization with Björck rectification and error feedback on the eigenvectors (Li et al.
     * Eqs. 10–11 carried to Wang et al.'s basis): {@link EigenQuantizedFactor} with {@link EigenvectorErrorFeedback}.
     */
    EIGEN4_EF,
    /** Frequent-Directions sketched factors, Feinberg et al. 2023 (S-Shampoo): {@link SketchyFactor}. */
    SKETCHY,
    /** Sketchy with the sketch's directions block-quantized (3, 4 or 8 bits): {@link SketchyFactor}, {@link QuantizedSketch}. */
    SKETCHY4;

    /** Lower-case id used on the command line and in files: fp32, vq, cq, cq+ef, eigen4, eigen4+ef, sketchy, sketchy4. */
    public String id() {
        return switch (this) {
            case FP32 -> "fp32";
            case VQ -> "vq";
            case CQ -> "cq";
            case CQ_EF -> "cq+ef";
            case EIGEN4 -> "eigen4";
            case EIGEN4_EF -> "eigen4+ef";
            case SKETCHY -> "sketchy";
            case SKETCHY4 -> "sketchy4";
        };
    }

    /** Whether the variant keeps a Frequent-Directions sketch ({@link Preconditioner.Sketch}): sketchy, sketchy4. */
    public boolean sketched() {
        return this == SKETCHY || this == SKETCHY4;
    }

    /** The variant with this {@link #id()}. */
    public static Variant fromId(String id) {
        for (Variant v : values()) {
            if (v.id().equals(id)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown variant '" + id + "'; expected one of fp32, vq, cq, cq+ef, eigen4, "
                + "eigen4+ef, sketchy, sketchy4");
    }
}
