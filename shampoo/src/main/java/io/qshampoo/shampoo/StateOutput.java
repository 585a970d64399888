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

    public StateOutput writeLong(String tag, long v) {
        try {
            header(tag, 'L', 1);
            out.writeLong(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public StateOutput writeDouble(String tag, double v) {
        try {
            header(tag, 'D', 1);
            out.writeLong(Double.doubleToRawLongBits(v));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public StateOutput writeDoubles(String tag, double[] v) {
        try {
            header(tag, 'd', v.length);
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
            out.write(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public StateOutput writeInts(String tag, int[] v) {
        try {
            header(tag, 'i', v.length);
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

    /** The bytes written so far. */
    public byte[] toByteArray() {
        return buffer.toByteArray();
    }
}
