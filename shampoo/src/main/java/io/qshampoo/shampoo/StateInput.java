package io.qshampoo.shampoo;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * Reads the tagged records that {@link StateOutput} wrote, checking each record's tag, type and
 * length against what the reader expects. Any difference is a {@link CheckpointException} that names
 * the record, what was found and what was expected.
 */
public final class StateInput {

    private final DataInputStream in;
    private final String source;

    public StateInput(byte[] payload, String source) {
        this.in = new DataInputStream(new ByteArrayInputStream(payload));
        this.source = source;
    }

    public long readLong(String tag) {
        try {
            expect(tag, 'L', 1);
            return in.readLong();
        } catch (IOException e) {
            throw truncated(tag, e);
        }
    }

    public double readDouble(String tag) {
        try {
            expect(tag, 'D', 1);
            return Double.longBitsToDouble(in.readLong());
        } catch (IOException e) {
            throw truncated(tag, e);
        }
    }

    /** Reads a double[] record into dst, whose length must match. */
    public void readDoubles(String tag, double[] dst) {
        try {
            expect(tag, 'd', dst.length);
            for (int k = 0; k < dst.length; k++) {
                dst[k] = Double.longBitsToDouble(in.readLong());
            }
        } catch (IOException e) {
            throw truncated(tag, e);
        }
    }

    /** Reads a float[] record into dst, whose length must match. */
    public void readFloats(String tag, float[] dst) {
        try {
            expect(tag, 'f', dst.length);
            for (int k = 0; k < dst.length; k++) {
                dst[k] = Float.intBitsToFloat(in.readInt());
            }
        } catch (IOException e) {
            throw truncated(tag, e);
        }
    }

    /** Reads a byte[] record into dst, whose length must match. */
    public void readBytes(String tag, byte[] dst) {
        try {
            expect(tag, 'b', dst.length);
            in.readFully(dst);
        } catch (IOException e) {
            throw truncated(tag, e);
        }
    }

    /** Reads an int[] record into dst, whose length must match. */
    public void readInts(String tag, int[] dst) {
        try {
            expect(tag, 'i', dst.length);
            for (int k = 0; k < dst.length; k++) {
                dst[k] = in.readInt();
            }
        } catch (IOException e) {
            throw truncated(tag, e);
        }
    }

    /** Requires that every record has been read. */
    public void requireEnd() {
        try {
            if (in.available() > 0) {
                throw new CheckpointException(source + ": " + in.available()
                        + " bytes of state remain after the last expected record; the checkpoint holds more state than this optimizer");
            }
        } catch (IOException e) {
            throw new CheckpointException(source + ": " + e.getMessage(), e);
        }
    }

    private void expect(String tag, char type, int length) throws IOException {
        String found = in.readUTF();
        if (!found.equals(tag)) {
            throw new CheckpointException(source + ": found state record '" + found + "' where '" + tag
                    + "' was expected; the checkpoint was written by an optimizer with other parameters or settings");
        }
        char foundType = (char) in.readByte();
        int foundLength = in.readInt();
        if (foundType != type || foundLength != length) {
            throw new CheckpointException(source + ": state record '" + tag + "' has type '" + foundType + "' and "
                    + foundLength + " elements; expected type '" + type + "' and " + length + " elements");
        }
    }

    private CheckpointException truncated(String tag, IOException e) {
        if (e instanceof EOFException) {
            return new CheckpointException(source + ": state ends inside record '" + tag + "'; the checkpoint is truncated", e);
        }
        return new CheckpointException(source + ": cannot read record '" + tag + "': " + e.getMessage(), e);
    }
}
