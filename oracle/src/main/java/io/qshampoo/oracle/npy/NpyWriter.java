package io.qshampoo.oracle.npy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes {@code .npy} files as numpy's {@code np.save} does: format 1.0 (2.0 when the header needs more than
 * 65 535 bytes), the header dict with sorted keys, payload aligned to 64 bytes. Little-endian C order by
 * default; big endian and Fortran order on request (for tests and for consumers that want them). numpy reads
 * every such file back with {@code np.load}.
 */
public final class NpyWriter {

    /** Memory order of the payload. */
    public enum Layout {
        /** Row-major: the last index varies fastest (numpy's default). */
        C,
        /** Column-major: the first index varies fastest. */
        FORTRAN
    }

    private NpyWriter() {
    }

    /** Writes little endian, C order. */
    public static void write(Path file, NpyArray array) {
        write(file, array, ByteOrder.LITTLE_ENDIAN, Layout.C);
    }

    /**
     * Writes in the given byte order and memory order, creating parent directories.
     *
     * @throws IllegalArgumentException naming the file if it cannot be written
     */
    public static void write(Path file, NpyArray array, ByteOrder order, Layout layout) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                out.write(toBytes(array, order, layout));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot write (" + e + ")");
        }
    }

    /** The bytes of an npy file holding {@code array} in the given orders. */
    public static byte[] toBytes(NpyArray array, ByteOrder order, Layout layout) {
        int[] shape = array.shape();
        NpyHeader header = new NpyHeader(array.dtype(), order, layout == Layout.FORTRAN, shape);
        byte[] head = header.encode();
        int itemSize = array.dtype().itemSize();
        byte[] payload = layout == Layout.FORTRAN
                ? MemoryOrder.cToFortran(array.payload(), shape, itemSize) : array.payload().clone();
        if (order == ByteOrder.BIG_ENDIAN) {
            MemoryOrder.swapBytes(payload, itemSize);
        }
        byte[] out = new byte[head.length + payload.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(payload, 0, out, head.length, payload.length);
        return out;
    }
}
