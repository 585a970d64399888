package io.qshampoo.oracle.npy;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The header of a {@code .npy} file (numpy's format specification, {@code numpy.lib.format}, versions 1.0, 2.0
 * and 3.0):
 *
 * <pre>
 *   magic "\x93NUMPY" · major · minor · header length (uint16 LE for 1.0, uint32 LE for 2.0/3.0) ·
 *   header text (latin-1 for 1.0/2.0, UTF-8 for 3.0): a Python dict literal with exactly the keys
 *   'descr', 'fortran_order', 'shape' · padding spaces · '\n'
 * </pre>
 *
 * followed by the payload: size·itemSize bytes in the descr's byte order, in C or Fortran order.
 *
 * @param dtype        element type
 * @param order        byte order of multi-byte elements in the payload
 * @param fortranOrder whether the payload is in column-major (Fortran) order
 * @param shape        dimensions, each ≥ 0
 */
public record NpyHeader(NpyDtype dtype, ByteOrder order, boolean fortranOrder, int[] shape) {

    /** The six magic bytes every npy file starts with. */
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy aligns the payload to 64 bytes (since numpy 1.14; 16 before). */
    static final int ALIGN = 64;

    /** Copies the shape. */
    public NpyHeader {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /**
     * Interprets a parsed header dict, strictly: exactly the three keys, descr a supported type, fortran_order a
     * bool, shape a tuple of non-negative integers whose product fits a Java array.
     */
    static NpyHeader of(Map<String, Object> dict, String source) {
        Set<String> expected = Set.of("descr", "fortran_order", "shape");
        if (!dict.keySet().equals(expected)) {
            throw new NpyFormatException(source, "header has keys " + dict.keySet()
                    + "; expected exactly 'descr', 'fortran_order' and 'shape'");
        }
        Object descr = dict.get("descr");
        if (!(descr instanceof String d)) {
            throw new NpyFormatException(source, "unsupported dtype " + descr
                    + " (a structured dtype); expected one of " + NpyDtype.supported());
        }
        NpyDtype.Parsed type = NpyDtype.parse(d, source);
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw new NpyFormatException(source, "header's 'fortran_order' is " + dict.get("fortran_order")
                    + "; expected True or False");
        }
        if (!(dict.get("shape") instanceof List<?> dims)) {
            throw new NpyFormatException(source, "header's 'shape' is " + dict.get("shape")
                    + "; expected a tuple of integers");
        }
        int[] shape = new int[dims.size()];
        for (int k = 0; k < shape.length; k++) {
            Object v = dims.get(k);
            if (!(v instanceof Long l) || l > Integer.MAX_VALUE) {
                throw new NpyFormatException(source, "header's 'shape' " + dims + " has entry " + v
                        + "; expected integers from 0 to " + Integer.MAX_VALUE);
            }
            shape[k] = (int) (long) l;
        }
        NpyArray.elementCount(shape, type.dtype(), source);
        return new NpyHeader(type.dtype(), type.order(), fortran, shape);
    }

    /** Number of elements. */
    public long elementCount() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** Payload length in bytes. */
    public long payloadBytes() {
        return elementCount() * dtype.itemSize();
    }

    /** The header dict as numpy writes it: keys sorted, a trailing ", ", the shape as a Python tuple. */
    String dictText() {
        StringBuilder t = new StringBuilder("(");
        for (int k = 0; k < shape.length; k++) {
            t.append(k == 0 ? "" : ", ").append(shape[k]);
        }
        t.append(shape.length == 1 ? ",)" : ")");
        return "{'descr': '" + dtype.descr(order) + "', 'fortran_order': " + (fortranOrder ? "True" : "False")
                + ", 'shape': " + t + ", }";
    }

    /**
     * The complete header bytes (magic through the newline), version 1.0 when the text fits its 16-bit length and
     * 2.0 otherwise, padded with spaces so that the payload starts at a multiple of {@link #ALIGN} bytes.
     */
    byte[] encode() {
        byte[] text = dictText().getBytes(StandardCharsets.ISO_8859_1);
        int major = text.length + 1 + 10 + ALIGN <= 0xffff ? 1 : 2;
        int prefix = MAGIC.length + 2 + (major == 1 ? 2 : 4);
        int unpadded = prefix + text.length + 1;
        int pad = (ALIGN - unpadded % ALIGN) % ALIGN;
        int headerLength = text.length + pad + 1;
        byte[] out = new byte[prefix + headerLength];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        out[6] = (byte) major;
        out[7] = 0;
        out[8] = (byte) headerLength;
        out[9] = (byte) (headerLength >>> 8);
        if (major == 2) {
            out[10] = (byte) (headerLength >>> 16);
            out[11] = (byte) (headerLength >>> 24);
        }
        System.arraycopy(text, 0, out, prefix, text.length);
        Arrays.fill(out, prefix + text.length, out.length - 1, (byte) ' ');
        out[out.length - 1] = '\n';
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyHeader h && h.dtype == dtype && h.order.equals(order) && h.fortranOrder == fortranOrder
                && Arrays.equals(h.shape, shape);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * dtype.hashCode() + order.hashCode()) + Boolean.hashCode(fortranOrder))
                + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return dictText();
    }
}
