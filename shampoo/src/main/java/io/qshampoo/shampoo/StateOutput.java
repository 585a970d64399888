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

    /** Arrays go out through this many bytes at a time, converted in bulk (the same big-endian bytes). */
    private static final int CHUNK = 1 << 16;

    private final Buffer buffer;
    private final DataOutputStream out;
    /** Copies of the records for {@link #records()}, or null where only the bytes are wanted. */
    private final java.util.LinkedHashMap<String, Object> records;
    private java.nio.ByteBuffer chunk;

    /** An empty output that also keeps the records for {@link #records()}. */
    public StateOutput() {
        this(true, 32);
    }

    /**
     * An empty output of bytes only (no copies for {@link #records()}), sized for about {@code expectedBytes}: the
     * optimizer's undo snapshots.
     */
    static StateOutput bytesOnly(int expectedBytes) {
        return new StateOutput(false, expectedBytes);
    }

    private StateOutput(boolean keepRecords, int expectedBytes) {
        this.buffer = new Buffer(Math.max(32, expectedBytes));
        this.out = new DataOutputStream(buffer);
        this.records = keepRecords ? new java.util.LinkedHashMap<>() : null;
    }

    private void keep(String tag, Object copy) {
        if (records != null) {
            records.put(tag, copy);
        }
    }

    private java.nio.ByteBuffer chunk() {
        if (chunk == null) {
            chunk = java.nio.ByteBuffer.allocate(CHUNK); // big-endian, as DataOutputStream writes
        }
        chunk.clear();
        return chunk;
    }

    public StateOutput writeLong(String tag, long v) {
        try {
            header(tag, 'L', 1);
            keep(tag, Long.valueOf(v));
            out.writeLong(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public StateOutput writeDouble(String tag, double v) {
        try {
            header(tag, 'D', 1);
            keep(tag, Double.valueOf(v));
            out.writeLong(Double.doubleToRawLongBits(v));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public StateOutput writeDoubles(String tag, double[] v) {
        try {
            header(tag, 'd', v.length);
            keep(tag, records == null ? null : v.clone());
            for (int from = 0; from < v.length; from += CHUNK / 8) {
                int count = Math.min(CHUNK / 8, v.length - from);
                java.nio.ByteBuffer b = chunk();
                b.asDoubleBuffer().put(v, from, count); // raw bits, big-endian: what writeLong(doubleToRawLongBits) wrote
                out.write(b.array(), 0, 8 * count);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public StateOutput writeFloats(String tag, float[] v) {
        try {
            header(tag, 'f', v.length);
            keep(tag, records == null ? null : v.clone());
            for (int from = 0; from < v.length; from += CHUNK / 4) {
                int count = Math.min(CHUNK / 4, v.length - from);
                java.nio.ByteBuffer b = chunk();
                b.asFloatBuffer().put(v, from, count); // raw bits, big-endian: what writeInt(floatToRawIntBits) wrote
                out.write(b.array(), 0, 4 * count);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public StateOutput writeBytes(String tag, byte[] v) {
        try {
            header(tag, 'b', v.length);
            keep(tag, records == null ? null : v.clone());
            out.write(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public StateOutput writeInts(String tag, int[] v) {
        try {
            header(tag, 'i', v.length);
            keep(tag, records == null ? null : v.clone());
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
     *
     * @throws IllegalStateException for an output of bytes only
     */
    public java.util.Map<String, Object> records() {
        if (records == null) {
            throw new IllegalStateException("this output keeps bytes only; expected one built by new StateOutput()");
        }
        return java.util.Collections.unmodifiableMap(records);
    }

    /**
     * The bytes written so far, a new array; for an output of bytes only (the optimizer's undo snapshots, written once
     * and read once) the buffer itself when the bytes fill it exactly.
     */
    public byte[] toByteArray() {
        return records == null ? buffer.bytes() : buffer.toByteArray();
    }

    /** A byte buffer that hands over its array when it is exactly full: a snapshot sized from the last one is. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer(int size) {
            super(size);
        }

        byte[] bytes() {
            return count == buf.length ? buf : toByteArray();
        }
    }
}
