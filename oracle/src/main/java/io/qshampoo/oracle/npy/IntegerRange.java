package io.qshampoo.oracle.npy;

/** The value range of each integer (and bool) {@link NpyDtype}. */
final class IntegerRange {

    private IntegerRange() {
    }

    /** Whether v fits dtype; for uint64 every long fits (its bits are read as unsigned). */
    static boolean contains(NpyDtype dtype, long v) {
        return switch (dtype) {
            case BOOL -> v == 0 || v == 1;
            case INT8 -> v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE;
            case UINT8 -> v >= 0 && v <= 0xff;
            case INT16 -> v >= Short.MIN_VALUE && v <= Short.MAX_VALUE;
            case UINT16 -> v >= 0 && v <= 0xffff;
            case INT32 -> v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
            case UINT32 -> v >= 0 && v <= 0xffffffffL;
            case INT64, UINT64 -> true;
            default -> false;
        };
    }
}
