package io.qshampoo.oracle.npy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * An n-dimensional array as a {@code .npy} file holds it: a {@link NpyDtype}, a shape, and the elements.
 * Whatever the file's byte order and memory order were, an instance holds its elements in C (row-major) order,
 * little endian; {@link NpyReader} converts on reading and {@link NpyWriter} on writing.
 *
 * <p>Invariants: every dimension ≥ 0; the payload holds exactly size·itemSize bytes; size·itemSize fits a Java
 * array. A rank-0 array (numpy scalar) has shape {@code ()} and one element. Immutable: factories and accessors
 * copy.
 *
 * <p>Accessors convert only where the conversion is exact, and otherwise say what the array holds and what
 * was expected, naming the {@link #source()} (the file it was read from).
 */
public final class NpyArray {

    /** The largest payload a Java byte array can hold. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private final NpyDtype dtype;
    private final int[] shape;
    private final byte[] data;
    private final String source;

    private NpyArray(NpyDtype dtype, int[] shape, byte[] data, String source) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
        this.source = source;
    }

    /**
     * An array over a little-endian C-order payload, which is taken over (not copied).
     *
     * @throws IllegalArgumentException if the payload length does not match the shape
     */
    static NpyArray wrapLittleEndian(NpyDtype dtype, int[] shape, byte[] data, String source) {
        long n = elementCount(shape, dtype, source);
        if (data.length != n * dtype.itemSize()) {
            throw new IllegalArgumentException(source + ": payload has " + data.length + " bytes; shape "
                    + Arrays.toString(shape) + " of " + dtype.numpyName() + " needs " + n * dtype.itemSize());
        }
        return new NpyArray(dtype, shape.clone(), data, source);
    }

    /** Product of the dimensions, checked to be ≥ 0 each and to fit a Java byte array. */
    static long elementCount(int[] shape, NpyDtype dtype, String source) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new NpyFormatException(source, "shape " + Arrays.toString(shape) + " has a negative dimension");
            }
            n *= d;
            if (n * dtype.itemSize() > MAX_BYTES) {
                throw new NpyFormatException(source, "shape " + Arrays.toString(shape) + " of " + dtype.numpyName()
                        + " exceeds " + MAX_BYTES + " bytes, the most a Java array holds");
            }
        }
        return n;
    }

    private static ByteBuffer allocate(long count, int itemSize) {
        return ByteBuffer.allocate(Math.toIntExact(count * itemSize)).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int[] checkShape(int[] shape, long length, NpyDtype dtype) {
        Objects.requireNonNull(shape, "shape");
        long n = elementCount(shape, dtype, "array");
        if (n != length) {
            throw new IllegalArgumentException("data has " + length + " elements; shape " + Arrays.toString(shape)
                    + " needs " + n);
        }
        return shape.clone();
    }

    /** A float32 array of the given shape (row-major data). */
    public static NpyArray ofFloat32(float[] data, int... shape) {
        int[] s = checkShape(shape, data.length, NpyDtype.FLOAT32);
        ByteBuffer b = allocate(data.length, 4);
        b.asFloatBuffer().put(data);
        return new NpyArray(NpyDtype.FLOAT32, s, b.array(), "array");
    }

    /** A float64 array of the given shape (row-major data). */
    public static NpyArray ofFloat64(double[] data, int... shape) {
        int[] s = checkShape(shape, data.length, NpyDtype.FLOAT64);
        ByteBuffer b = allocate(data.length, 8);
        b.asDoubleBuffer().put(data);
        return new NpyArray(NpyDtype.FLOAT64, s, b.array(), "array");
    }

    /** A uint8 array (each byte read as 0 … 255) of the given shape. */
    public static NpyArray ofUint8(byte[] data, int... shape) {
        int[] s = checkShape(shape, data.length, NpyDtype.UINT8);
        return new NpyArray(NpyDtype.UINT8, s, data.clone(), "array");
    }

    /** An int8 array of the given shape. */
    public static NpyArray ofInt8(byte[] data, int... shape) {
        int[] s = checkShape(shape, data.length, NpyDtype.INT8);
        return new NpyArray(NpyDtype.INT8, s, data.clone(), "array");
    }

    /** An int16 array of the given shape. */
    public static NpyArray ofInt16(short[] data, int... shape) {
        int[] s = checkShape(shape, data.length, NpyDtype.INT16);
        ByteBuffer b = allocate(data.length, 2);
        b.asShortBuffer().put(data);
        return new NpyArray(NpyDtype.INT16, s, b.array(), "array");
    }

    /** An int32 array of the given shape. */
    public static NpyArray ofInt32(int[] data, int... shape) {
        int[] s = checkShape(shape, data.length, NpyDtype.INT32);
        ByteBuffer b = allocate(data.length, 4);
        b.asIntBuffer().put(data);
        return new NpyArray(NpyDtype.INT32, s, b.array(), "array");
    }

    /** An int64 array of the given shape. */
    public static NpyArray ofInt64(long[] data, int... shape) {
        int[] s = checkShape(shape, data.length, NpyDtype.INT64);
        ByteBuffer b = allocate(data.length, 8);
        b.asLongBuffer().put(data);
        return new NpyArray(NpyDtype.INT64, s, b.array(), "array");
    }

    /**
     * An array of any supported integer or bool type from long values, each of which must lie in the type's
     * range (uint64 takes the long's bits as unsigned).
     *
     * @throws IllegalArgumentException if dtype is a float type or a value is out of range
     */
    public static NpyArray ofIntegers(NpyDtype dtype, long[] data, int... shape) {
        if (dtype.isFloat()) {
            throw new IllegalArgumentException("ofIntegers needs an integer or bool dtype, got " + dtype.numpyName());
        }
        int[] s = checkShape(shape, data.length, dtype);
        ByteBuffer b = allocate(data.length, dtype.itemSize());
        for (int k = 0; k < data.length; k++) {
            long v = data[k];
            if (!IntegerRange.contains(dtype, v)) {
                throw new IllegalArgumentException("value " + v + " at index " + k + " is outside the range of "
                        + dtype.numpyName());
            }
            switch (dtype.itemSize()) {
                case 1 -> b.put((byte) v);
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        }
        return new NpyArray(dtype, s, b.array(), "array");
    }

    /** This array with another source name (for messages). */
    public NpyArray withSource(String newSource) {
        return new NpyArray(dtype, shape, data, Objects.requireNonNull(newSource, "source"));
    }

    /** Element type. */
    public NpyDtype dtype() {
        return dtype;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** Number of dimensions (0 for a scalar). */
    public int rank() {
        return shape.length;
    }

    /** Dimension d. */
    public int dim(int d) {
        return shape[d];
    }

    /** Number of elements, the product of the dimensions (1 for a scalar). */
    public int size() {
        return data.length / dtype.itemSize();
    }

    /** Where the array came from (a file name, "archive.npz:entry", or "array"), for messages. */
    public String source() {
        return source;
    }

    /** "[3, 4] float32". */
    public String describe() {
        return Arrays.toString(shape) + " " + dtype.numpyName();
    }

    /** A copy of the payload: C order, little endian. */
    public byte[] littleEndianBytes() {
        return data.clone();
    }

    /** The payload itself, for this package. */
    byte[] payload() {
        return data;
    }

    private ByteBuffer buffer() {
        return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    private IllegalArgumentException wrongType(String expected) {
        return new IllegalArgumentException(source + " holds " + describe() + "; expected " + expected);
    }

    /**
     * The elements of a float32 array, exactly.
     *
     * @throws IllegalArgumentException if the array is of another type
     */
    public float[] float32Data() {
        if (dtype != NpyDtype.FLOAT32) {
            throw wrongType("float32");
        }
        float[] out = new float[size()];
        buffer().asFloatBuffer().get(out);
        return out;
    }

    /**
     * The elements as doubles: float32 and float64 exactly; integers and bool exactly when |v| ≤ 2^53.
     *
     * @throws IllegalArgumentException for an integer beyond 2^53 in magnitude
     */
    public double[] toDoubles() {
        int n = size();
        double[] out = new double[n];
        switch (dtype) {
            case FLOAT32 -> {
                float[] f = float32Data();
                for (int k = 0; k < n; k++) {
                    out[k] = f[k];
                }
            }
            case FLOAT64 -> buffer().asDoubleBuffer().get(out);
            default -> {
                long[] v = toLongs();
                for (int k = 0; k < n; k++) {
                    if (Math.abs(v[k]) > (1L << 53) || (dtype == NpyDtype.UINT64 && v[k] < 0)) {
                        throw new IllegalArgumentException(source + ": element " + k + " ("
                                + (dtype == NpyDtype.UINT64 ? Long.toUnsignedString(v[k]) : v[k])
                                + ") has no exact double value");
                    }
                    out[k] = v[k];
                }
            }
        }
        return out;
    }

    /**
     * The elements of a uint8 array, as bytes (read them with {@code & 0xff}).
     *
     * @throws IllegalArgumentException if the array is of another type
     */
    public byte[] uint8Data() {
        if (dtype != NpyDtype.UINT8) {
            throw wrongType("uint8");
        }
        return data.clone();
    }

    /**
     * The elements of an integer or bool array as longs (uint64 values above 2^63 − 1 come back as their
     * two's-complement bit pattern; {@link Long#toUnsignedString} prints them).
     *
     * @throws IllegalArgumentException if the array is of a float type
     */
    public long[] toLongs() {
        if (dtype.isFloat()) {
            throw wrongType("an integer or bool array");
        }
        int n = size();
        long[] out = new long[n];
        ByteBuffer b = buffer();
        for (int k = 0; k < n; k++) {
            out[k] = switch (dtype) {
                case BOOL, UINT8 -> b.get() & 0xffL;
                case INT8 -> b.get();
                case INT16 -> b.getShort();
                case UINT16 -> b.getShort() & 0xffffL;
                case INT32 -> b.getInt();
                case UINT32 -> b.getInt() & 0xffffffffL;
                default -> b.getLong();
            };
        }
        return out;
    }

    /** Same type, same shape, same elements bit for bit (the source name does not count). */
    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray a && a.dtype == dtype && Arrays.equals(a.shape, shape) && Arrays.equals(a.data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "NpyArray[" + describe() + ", " + source + "]";
    }
}
