package io.qshampoo.oracle.npy;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The element types this package reads and writes: booleans, signed and unsigned integers of 1, 2, 4 and 8
 * bytes, float32 and float64 — numpy's {@code b1, i1 … i8, u1 … u8, f4, f8}. Complex, float16, strings,
 * datetimes, objects and structured dtypes are refused ({@link #parse}).
 *
 * <p>In a header the type is a descr string: a byte-order character ({@code <} little, {@code >} big,
 * {@code |} not applicable — numpy writes it for 1-byte types) followed by the kind and the item size, e.g.
 * {@code '<f4'}, {@code '>i8'}, {@code '|u1'}.
 */
public enum NpyDtype {
    BOOL('b', 1, "bool"),
    INT8('i', 1, "int8"),
    UINT8('u', 1, "uint8"),
    INT16('i', 2, "int16"),
    UINT16('u', 2, "uint16"),
    INT32('i', 4, "int32"),
    UINT32('u', 4, "uint32"),
    INT64('i', 8, "int64"),
    UINT64('u', 8, "uint64"),
    FLOAT32('f', 4, "float32"),
    FLOAT64('f', 8, "float64");

    private final char kind;
    private final int itemSize;
    private final String numpyName;

    NpyDtype(char kind, int itemSize, String numpyName) {
        this.kind = kind;
        this.itemSize = itemSize;
        this.numpyName = numpyName;
    }

    /** numpy's kind character: b, i, u or f. */
    public char kind() {
        return kind;
    }

    /** Bytes per element. */
    public int itemSize() {
        return itemSize;
    }

    /** numpy's name of the type, e.g. "float32". */
    public String numpyName() {
        return numpyName;
    }

    /** Whether this is a float type. */
    public boolean isFloat() {
        return kind == 'f';
    }

    /** Whether this is a (signed or unsigned) integer type; bool is not. */
    public boolean isInteger() {
        return kind == 'i' || kind == 'u';
    }

    /** The descr string numpy writes for this type in {@code order}: '|' for 1-byte types, else '&lt;' or '&gt;'. */
    public String descr(ByteOrder order) {
        char o = itemSize == 1 ? '|' : order == ByteOrder.BIG_ENDIAN ? '>' : '<';
        return "" + o + kind + itemSize;
    }

    /** A descr string split into its type and its byte order. */
    public record Parsed(NpyDtype dtype, ByteOrder order) {
    }

    /**
     * Parses a descr string such as {@code '<f4'}. For 1-byte types any order character is accepted (it does not
     * matter); multi-byte types need '&lt;' or '&gt;' ('=' native and '|' say nothing about the file's order).
     *
     * @param source the file, for messages
     * @throws NpyFormatException if the descr is not one of the supported types
     */
    public static Parsed parse(String descr, String source) {
        if (descr.length() >= 3) {
            char order = descr.charAt(0);
            char kind = descr.charAt(1);
            String size = descr.substring(2);
            for (NpyDtype t : values()) {
                if (t.kind == kind && size.equals(Integer.toString(t.itemSize))) {
                    if (t.itemSize == 1 && "<>|=".indexOf(order) >= 0) {
                        return new Parsed(t, ByteOrder.LITTLE_ENDIAN);
                    }
                    if (order == '<') {
                        return new Parsed(t, ByteOrder.LITTLE_ENDIAN);
                    }
                    if (order == '>') {
                        return new Parsed(t, ByteOrder.BIG_ENDIAN);
                    }
                    throw new NpyFormatException(source, "descr '" + descr + "' has byte order '" + order
                            + "'; expected '<' (little endian) or '>' (big endian) for a " + t.itemSize + "-byte type");
                }
            }
        }
        throw new NpyFormatException(source, "unsupported dtype '" + descr + "'; expected one of " + supported());
    }

    /** The supported descr strings, little-endian spelling, for messages. */
    static String supported() {
        return Arrays.stream(values()).map(t -> t.descr(ByteOrder.LITTLE_ENDIAN) + " (" + t.numpyName + ")")
                .collect(Collectors.joining(", "));
    }
}
