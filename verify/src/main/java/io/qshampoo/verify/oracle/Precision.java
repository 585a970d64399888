package io.qshampoo.verify.oracle;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The floating-point format the other side computed in, by its unit roundoff u = 2^−t (t = significand bits
 * including the implicit one): the one number every tolerance of the oracle is scaled by.
 */
public enum Precision {
    /** IEEE binary64: u = 2^−53. */
    FP64("fp64", 0x1p-53),
    /** IEEE binary32: u = 2^−24. */
    FP32("fp32", 0x1p-24),
    /** NVIDIA TensorFloat-32 matrix products (10 explicit significand bits): u = 2^−11. */
    TF32("tf32", 0x1p-11),
    /** bfloat16 (7 explicit significand bits): u = 2^−8. */
    BF16("bf16", 0x1p-8);

    private final String id;
    private final double unitRoundoff;

    Precision(String id, double unitRoundoff) {
        this.id = id;
        this.unitRoundoff = unitRoundoff;
    }

    /** "fp32", "fp64", "tf32", "bf16". */
    public String id() {
        return id;
    }

    /** u, the largest relative error of one rounding to nearest. */
    public double unitRoundoff() {
        return unitRoundoff;
    }

    /**
     * The precision named {@code id}.
     *
     * @throws IllegalArgumentException if no precision has that name
     */
    public static Precision fromId(String id) {
        for (Precision p : values()) {
            if (p.id.equals(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown precision '" + id + "'; expected one of "
                + Arrays.stream(values()).map(Precision::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id;
    }
}
