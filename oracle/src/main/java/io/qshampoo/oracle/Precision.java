package io.qshampoo.oracle;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The floating-point format the other side computed in, by its unit roundoff u = 2^−t (t = significand bits
 * including the implicit one): the one number every tolerance of the oracle is scaled by.
 */
public enum Precision {
    /** IEEE binary64: u = 2^−53. */
    FP64("fp64", 0x1p-53, 53),
    /** IEEE binary32: u = 2^−24. */
    FP32("fp32", 0x1p-24, 24),
    /** NVIDIA TensorFloat-32 matrix products (10 explicit significand bits): u = 2^−11. */
    TF32("tf32", 0x1p-11, 11),
    /** bfloat16 (7 explicit significand bits): u = 2^−8. */
    BF16("bf16", 0x1p-8, 8);

    private final String id;
    private final double unitRoundoff;
    private final int significandBits;

    Precision(String id, double unitRoundoff, int significandBits) {
        this.id = id;
        this.unitRoundoff = unitRoundoff;
        this.significandBits = significandBits;
    }

    /**
     * x rounded to nearest (ties to even) in this format: the identity for fp64, {@code (float) x} for fp32, and
     * for tf32 and bf16 the float32 value with its significand cut to 11 or 8 bits (their exponent range is
     * float32's). Overflow and NaN follow float32.
     */
    public double round(double x) {
        return significandBits == 53 ? x : roundToBits((float) x, significandBits);
    }

    /** A float rounded to t significant bits (t ≤ 24), to nearest, ties to even. */
    static double roundToBits(float f, int t) {
        if (t >= 24 || !Float.isFinite(f)) {
            return f;
        }
        int drop = 24 - t;
        int bits = Float.floatToRawIntBits(f);
        int half = 1 << (drop - 1);
        int lsb = (bits >>> drop) & 1;
        // Adding half − 1 + lsb and truncating rounds the magnitude to nearest, ties to even; a carry into the
        // exponent is the correct result (the next binade, or infinity).
        bits = (bits + half - 1 + lsb) & ~((1 << drop) - 1);
        return Float.intBitsToFloat(bits);
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
