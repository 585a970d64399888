package io.qshampoo.quant;

import java.util.Arrays;

/**
 * A sequence of {@code count} b-bit codes (b = 3, 4 or 8) packed densely into bytes.
 *
 * <h2>Bit order (one rule for every width)</h2>
 * The bytes form a little-endian bit stream: stream bit s is bit {@code s mod 8} (0 = least significant)
 * of byte {@code s / 8}, and code k occupies stream bits {@code b·k … b·k + b − 1}, its least significant
 * bit first. Hence
 * <ul>
 *   <li>8-bit: code k is byte k;</li>
 *   <li>4-bit: code k is the low nibble of byte k/2 for even k, the high nibble for odd k — in a row-major
 *       matrix the element with the lower column index is in the low nibble, as in the official kernels
 *       ({@code q[2j] | q[2j+1] << 4});</li>
 *   <li>3-bit: 8 codes fill 3 bytes; code k starts at bit {@code 3k mod 8} of byte {@code 3k/8} and spills
 *       into the next byte when {@code 3k mod 8 > 5} (codes 2 and 5 of each group of 8 straddle bytes).
 *       There is no official 3-bit kernel; this order is ours.</li>
 * </ul>
 * The buffer is {@code ceil(b·count / 8)} bytes. Padding bits after the last code are written as 0 by this
 * package and ignored when read (the official 4-bit kernel writes the code of 0 there).
 *
 * <p>An instance owns its byte array; {@link #toByteArray()} and {@link #of} copy.
 */
public final class PackedCodes {

    private final int bits;
    private final int count;
    private final byte[] bytes;

    private PackedCodes(int bits, int count, byte[] bytes) {
        this.bits = bits;
        this.count = count;
        this.bytes = bytes;
    }

    /** All-zero codes. */
    public static PackedCodes zeros(int bits, int count) {
        return new PackedCodes(checkBits(bits), checkCount(count), new byte[byteLength(bits, count)]);
    }

    /**
     * Wraps a copy of a packed buffer, e.g. one a GPU kernel produced.
     *
     * @throws IllegalArgumentException if {@code packed.length != byteLength(bits, count)}
     */
    public static PackedCodes of(int bits, int count, byte[] packed) {
        checkBits(bits);
        checkCount(count);
        int expected = byteLength(bits, count);
        if (packed.length != expected) {
            throw new IllegalArgumentException("packed code buffer has " + packed.length + " bytes; " + count + " "
                    + bits + "-bit codes need exactly " + expected);
        }
        return new PackedCodes(bits, count, packed.clone());
    }

    /**
     * Packs {@code codes} (each in [0, 2^b)).
     *
     * @throws IllegalArgumentException if a code is out of range
     */
    public static PackedCodes pack(int bits, int[] codes) {
        PackedCodes p = zeros(bits, codes.length);
        for (int k = 0; k < codes.length; k++) {
            if (codes[k] < 0 || codes[k] >= 1 << bits) {
                throw new IllegalArgumentException("code " + k + " is " + codes[k] + "; " + bits + "-bit codes lie in [0, "
                        + ((1 << bits) - 1) + "]");
            }
            set(p.bytes, bits, k, codes[k]);
        }
        return p;
    }

    /** All codes, unpacked. Cost: O(count). */
    public int[] unpack() {
        int[] out = new int[count];
        for (int k = 0; k < count; k++) {
            out[k] = get(bytes, bits, k);
        }
        return out;
    }

    /** Code k. Cost: O(1). */
    public int get(int k) {
        if (k < 0 || k >= count) {
            throw new IndexOutOfBoundsException("code index " + k + " outside [0, " + count + ")");
        }
        return get(bytes, bits, k);
    }

    /** Bits per code. */
    public int bits() {
        return bits;
    }

    /** Number of codes. */
    public int count() {
        return count;
    }

    /** Size of the packed buffer in bytes, {@code ceil(bits·count/8)}. */
    public int byteLength() {
        return bytes.length;
    }

    /** A copy of the packed buffer. */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    /** The packed buffer itself, for this package's loops. */
    byte[] array() {
        return bytes;
    }

    static PackedCodes wrap(int bits, int count, byte[] bytes) {
        return new PackedCodes(bits, count, bytes);
    }

    /** {@code ceil(bits·count / 8)}. */
    public static int byteLength(int bits, int count) {
        return (int) (((long) bits * count + 7) >>> 3);
    }

    /** Code k of a packed buffer (no range checks). */
    static int get(byte[] bytes, int bits, int k) {
        switch (bits) {
            case 8:
                return bytes[k] & 0xff;
            case 4:
                return (bytes[k >>> 1] >>> ((k & 1) << 2)) & 0xf;
            default: {
                long s = (long) bits * k;
                int i = (int) (s >>> 3);
                int w = bytes[i] & 0xff;
                if (i + 1 < bytes.length) {
                    w |= (bytes[i + 1] & 0xff) << 8;
                }
                return (w >>> (int) (s & 7)) & ((1 << bits) - 1);
            }
        }
    }

    /** Sets code k of a packed buffer, leaving every other code's bits unchanged (no range checks). */
    static void set(byte[] bytes, int bits, int k, int code) {
        switch (bits) {
            case 8:
                bytes[k] = (byte) code;
                return;
            case 4: {
                int i = k >>> 1;
                int sh = (k & 1) << 2;
                bytes[i] = (byte) ((bytes[i] & ~(0xf << sh)) | (code << sh));
                return;
            }
            default: {
                long s = (long) bits * k;
                int i = (int) (s >>> 3);
                int sh = (int) (s & 7);
                int mask = ((1 << bits) - 1) << sh;
                int v = code << sh;
                bytes[i] = (byte) ((bytes[i] & ~mask) | v);
                if ((mask >>> 8) != 0) {
                    bytes[i + 1] = (byte) ((bytes[i + 1] & ~(mask >>> 8)) | (v >>> 8));
                }
            }
        }
    }

    /** Zeroes the padding bits after code {@code count − 1} in the last byte. */
    static void clearPadding(byte[] bytes, int bits, int count) {
        long used = (long) bits * count;
        int rem = (int) (used & 7);
        if (rem != 0) {
            int last = (int) (used >>> 3);
            bytes[last] = (byte) (bytes[last] & ((1 << rem) - 1));
        }
    }

    static int checkBits(int bits) {
        CodeTable.bitsSlot(bits);
        return bits;
    }

    private static int checkCount(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("code count must be ≥ 0, got " + count);
        }
        return count;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PackedCodes)) {
            return false;
        }
        PackedCodes p = (PackedCodes) o;
        if (p.bits != bits || p.count != count) {
            return false;
        }
        for (int k = 0; k < count; k++) {
            if (get(bytes, bits, k) != get(p.bytes, bits, k)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * bits + count) + Arrays.hashCode(unpack());
    }

    @Override
    public String toString() {
        return "PackedCodes[" + count + " × " + bits + "-bit, " + bytes.length + " bytes]";
    }
}
