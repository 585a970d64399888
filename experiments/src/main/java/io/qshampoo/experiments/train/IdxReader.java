package io.qshampoo.experiments.train;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reader of the IDX format of MNIST and Fashion-MNIST (LeCun et al., "THE MNIST DATABASE", file format
 * section): a big-endian header {@code 0x00 0x00 type ndims}, then {@code ndims} big-endian int32
 * dimensions, then the data in row-major order. Only type {@code 0x08} (unsigned byte) is used by
 * these data sets and only it is accepted: magic {@code 0x00000801} for label vectors, {@code 0x00000803}
 * for image stacks.
 *
 * <p>A gzip-compressed file (first bytes {@code 1f 8b}) is decompressed transparently, whatever its
 * name. A file with a wrong magic number, an impossible dimension or fewer data bytes than its header
 * promises is rejected with an {@link IdxFormatException} that names the file and says what was found
 * and what was expected. Bytes after the promised data are ignored.
 */
public final class IdxReader {

    /** Magic number of an IDX file of unsigned bytes with one dimension (labels). */
    public static final int LABELS_MAGIC = 0x00000801;
    /** Magic number of an IDX file of unsigned bytes with three dimensions (images). */
    public static final int IMAGES_MAGIC = 0x00000803;

    /** An IDX file that is not what it should be; the message names the file. */
    public static final class IdxFormatException extends IOException {
        private static final long serialVersionUID = 1L;

        IdxFormatException(String message) {
            super(message);
        }

        IdxFormatException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The content of an IDX file of unsigned bytes.
     *
     * @param dims dimensions, outermost first
     * @param data the values, row-major, as unsigned bytes (read with {@code data[i] & 0xff})
     */
    public record IdxArray(int[] dims, byte[] data) {
        /** Number of items (the first dimension). */
        public int count() {
            return dims[0];
        }

        /** Values per item (the product of the other dimensions; 1 for a vector). */
        public int itemSize() {
            int s = 1;
            for (int d = 1; d < dims.length; d++) {
                s *= dims[d];
            }
            return s;
        }
    }

    private IdxReader() {
    }

    /** Reads an image stack (magic {@code 0x00000803}, N×rows×cols unsigned bytes). */
    public static IdxArray readImages(Path file) throws IOException {
        return read(file, IMAGES_MAGIC);
    }

    /** Reads a label vector (magic {@code 0x00000801}, N unsigned bytes). */
    public static IdxArray readLabels(Path file) throws IOException {
        return read(file, LABELS_MAGIC);
    }

    /**
     * Reads an IDX file whose magic number must be {@code expectedMagic}.
     *
     * @throws IdxFormatException        if the magic number, a dimension or the length is wrong
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     */
    public static IdxArray read(Path file, int expectedMagic) throws IOException {
        try (InputStream in = open(file)) {
            byte[] header = new byte[4];
            int got = in.readNBytes(header, 0, 4);
            if (got < 4) {
                throw new IdxFormatException(file + " is truncated: it has " + got
                        + " bytes; an IDX file starts with a 4-byte magic number");
            }
            int magic = ((header[0] & 0xff) << 24) | ((header[1] & 0xff) << 16) | ((header[2] & 0xff) << 8)
                    | (header[3] & 0xff);
            if (magic != expectedMagic) {
                throw new IdxFormatException(String.format("%s has magic number 0x%08x; expected 0x%08x (%s)",
                        file, magic, expectedMagic, describe(expectedMagic)));
            }
            int ndims = magic & 0xff;
            int[] dims = new int[ndims];
            byte[] dimBytes = new byte[4 * ndims];
            got = in.readNBytes(dimBytes, 0, dimBytes.length);
            if (got < dimBytes.length) {
                throw new IdxFormatException(file + " is truncated: its header declares " + ndims
                        + " dimensions (" + dimBytes.length + " bytes) but only " + got + " bytes follow the magic number");
            }
            long size = 1;
            for (int d = 0; d < ndims; d++) {
                int k = 4 * d;
                dims[d] = ((dimBytes[k] & 0xff) << 24) | ((dimBytes[k + 1] & 0xff) << 16)
                        | ((dimBytes[k + 2] & 0xff) << 8) | (dimBytes[k + 3] & 0xff);
                if (dims[d] < 1) {
                    throw new IdxFormatException(file + " declares dimension " + d + " = " + dims[d]
                            + " (dimensions " + Arrays.toString(Arrays.copyOf(dims, d + 1)) + "…); expected every dimension >= 1");
                }
                size *= dims[d];
                if (size > Integer.MAX_VALUE - 8) {
                    throw new IdxFormatException(file + " declares more than 2^31 values; expected a data set that fits a Java array");
                }
            }
            // Read what is there, never more than declared: the buffer grows with the data actually present, so
            // a short file that declares 2^31 values costs its own size, not 2 GiB.
            byte[] data = in.readNBytes((int) size);
            got = data.length;
            if (got < size) {
                throw new IdxFormatException(file + " is truncated: its header declares " + dimString(dims) + " = "
                        + size + " bytes of data, but only " + got + " follow the header");
            }
            return new IdxArray(dims, data);
        } catch (EOFException e) {
            // GZIPInputStream reports a cut-off compressed stream this way.
            throw new IdxFormatException(file + " is truncated: the gzip stream ends early (" + e.getMessage() + ")", e);
        } catch (java.util.zip.ZipException e) {
            throw new IdxFormatException(file + " is a corrupt gzip file (" + e.getMessage() + ")", e);
        }
    }

    /** The file's bytes, gunzipped when the file starts with the gzip signature. */
    private static InputStream open(Path file) throws IOException {
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
            }
            return in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private static String describe(int magic) {
        return switch (magic) {
            case LABELS_MAGIC -> "IDX labels: unsigned bytes, 1 dimension";
            case IMAGES_MAGIC -> "IDX images: unsigned bytes, 3 dimensions";
            default -> "IDX unsigned bytes, " + (magic & 0xff) + " dimensions";
        };
    }

    private static String dimString(int[] dims) {
        StringBuilder sb = new StringBuilder();
        for (int d = 0; d < dims.length; d++) {
            sb.append(d == 0 ? "" : "×").append(dims[d]);
        }
        return sb.toString();
    }
}
