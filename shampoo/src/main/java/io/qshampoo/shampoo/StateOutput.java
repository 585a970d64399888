package io.qshampoo.shampoo;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes optimizer state as a sequence of tagged records, the payload of a checkpoint
 * ({@link Checkpoint}). Record layout (big-endian, {@link DataOutputStream}):
 *
 * <pre>  tag (modified UTF-8) · type (1 byte) · length (int, elements) · payload  </pre>
 *
 * with types {@code L} long, {@code D} double, {@code d} double[], {@code f} float[], {@code b} byte[],
 * {@code i} int[]. Arrays are written bit for bit ({@code Double.doubleToRawLongBits} order), so a
 * restore reproduces the state exactly.
 */
public final class StateOutput {

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(buffer);
    private final java.util.LinkedHashMap<String, Object> records = new java.util.LinkedHashMap<>();

    public StateOutput writeLong(String tag, long v) {
        try {
            header(tag, 'L', 1);
            records.put(tag, Long.valueOf(v));
            out.writeLong(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public StateOutput writeDouble(String tag, double v) {
        try {
            header(tag, 'D', 1);
            records.put(tag, Double.valueOf(v));
            out.writeLong(Double.doubleToRawLongBits(v));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public StateOutput writeDoubles(String tag, double[] v) {
        try {
            header(tag, 'd', v.length);
            records.put(tag, v.clone());
            for (double x : v) {
                out.writeLong(Double.doubleToRawLongBits(x));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public StateOutput writeFloats(String tag, float[] v) {
        try {
            header(tag, 'f', v.length);
            records.put(tag, v.clone());
            for (float x : v) {
                out.writeInt(Float.floatToRawIntBits(x));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public StateOutput writeBytes(String tag, byte[] v) {
        try {
            header(tag, 'b', v.length);
            records.put(tag, v.clone());
            out.write(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public StateOutput writeInts(String tag, int[] v) {
        try {
            header(tag, 'i', v.length);
            records.put(tag, v.clone());
            for (int x : v) {
                out.writeInt(x);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    private void header(String tag, char type, int length) throws IOException {
        out.writeUTF(tag);
        out.writeByte(type);
        out.writeInt(length);
    }

    /**
     * The records written so far, by tag (later records with the same tag replace earlier ones in this
     * view, never in the byte stream): Long, Double, double[], float[], byte[] or int[] copies.
     */
    public java.util.Map<String, Object> records() {
        return java.util.Collections.unmodifiableMap(records);
    }

    /** The bytes written so far. */
    public byte[] toByteArray() {
        return buffer.toByteArray();
    }
}
