package io.qshampoo.oracle;

/** Distances between floats in units in the last place: how many representable floats lie between them. */
public final class Ulps {

    private Ulps() {
    }

    /**
     * The number of fp32 steps from a to b (0 for equal values, 1 for neighbours; +0 and −0 are 0 apart), or
     * −1 when either is NaN.
     */
    public static long between(float a, float b) {
        if (Float.isNaN(a) || Float.isNaN(b)) {
            return -1;
        }
        return Math.abs((long) orderKey(a) - orderKey(b));
    }

    /** An int that orders like the float's value, with −0 and +0 mapped to the same key. */
    private static int orderKey(float x) {
        int bits = Float.floatToRawIntBits(x == 0f ? 0f : x);
        return bits >= 0 ? bits : Integer.MIN_VALUE - bits;
    }
}
