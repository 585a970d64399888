package io.qshampoo.oracle.npy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A strict reader of {@code .npy} files (format versions 1.0, 2.0 and 3.0; layout in {@link NpyHeader}): the
 * element types of {@link NpyDtype}, either byte order, C or Fortran order, any rank. The result is always in C
 * order, little endian ({@link NpyArray}).
 *
 * <p>Strict means every deviation is refused with an {@link NpyFormatException} that names the file, says what
 * was found and what was expected: a wrong magic string, an unknown version, a header length beyond the file,
 * a header that is not the exact dict numpy writes (keys 'descr', 'fortran_order', 'shape'), an unsupported
 * dtype, a payload shorter than the shape needs (truncated) or longer (trailing bytes: numpy ignores them, but
 * they mean the file is not what its header says). Unreadable files give an {@link IllegalArgumentException}
 * naming the file.
 *
 * <p>Cost: the file is read whole, then converted in O(size).
 */
public final class NpyReader {

    private NpyReader() {
    }

    /** Reads an npy file; messages name it as given. */
    public static NpyArray read(Path file) {
        return parse(readAll(file), file.toString());
    }

    /** All bytes of a file, or an IllegalArgumentException naming it. */
    static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (IOException | OutOfMemoryError e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e + ")");
        }
    }

    /**
     * Parses the bytes of an npy file.
     *
     * @param source the file name (or "archive.npz:entry") for messages
     */
    public static NpyArray parse(byte[] bytes, String source) {
        Located at = locate(bytes, source);
        NpyHeader header = at.header();
        int payloadStart = at.payloadStart();
        long expected = header.payloadBytes();
        long found = bytes.length - payloadStart;
        if (found < expected) {
            throw new NpyFormatException(source, "truncated payload: shape " + Arrays.toString(header.shape()) + " of "
                    + header.dtype().numpyName() + " needs " + expected + " bytes after the header, found " + found);
        }
        if (found > expected) {
            throw new NpyFormatException(source, (found - expected) + " unexpected bytes after the payload: shape "
                    + Arrays.toString(header.shape()) + " of " + header.dtype().numpyName() + " needs " + expected
                    + " bytes after the header, found " + found);
        }
        byte[] payload = Arrays.copyOfRange(bytes, payloadStart, bytes.length);
        int itemSize = header.dtype().itemSize();
        if (header.order() == ByteOrder.BIG_ENDIAN) {
            MemoryOrder.swapBytes(payload, itemSize);
        }
        if (header.fortranOrder()) {
            payload = MemoryOrder.fortranToC(payload, header.shape(), itemSize);
        }
        if (header.dtype() == NpyDtype.BOOL) {
            for (int k = 0; k < payload.length; k++) {
                if (payload[k] != 0 && payload[k] != 1) {
                    throw new NpyFormatException(source, "bool element " + k + " is byte " + (payload[k] & 0xff)
                            + "; expected 0 or 1");
                }
            }
        }
        return NpyArray.wrapLittleEndian(header.dtype(), header.shape(), payload, source);
    }

    /** A parsed header and the offset where the payload starts. */
    private record Located(NpyHeader header, int payloadStart) {
    }

    /**
     * Reads only the header of an npy file — at most the preamble and the header length it declares, never the
     * payload — and checks that the file's size is exactly what the header implies. For checking shapes before
     * anything of that size is allocated.
     *
     * @throws IllegalArgumentException naming the file if it is missing, unreadable or malformed
     */
    public static NpyHeader header(Path file) {
        String source = file.toString();
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            long size = ch.size();
            ByteBuffer pre = ByteBuffer.allocate((int) Math.min(size, 12));
            readFully(ch, pre, 0);
            byte[] preamble = pre.array();
            long declared = preamble.length >= 10 && (preamble[6] & 0xff) == 1 ? 10 + (ByteBuffer.wrap(preamble)
                    .order(ByteOrder.LITTLE_ENDIAN).getShort(8) & 0xffffL)
                    : preamble.length >= 12 ? 12 + (ByteBuffer.wrap(preamble).order(ByteOrder.LITTLE_ENDIAN).getInt(8)
                    & 0xffffffffL) : preamble.length;
            // Never more than the file holds: a header length beyond it is reported by locate() as truncated.
            ByteBuffer head = ByteBuffer.allocate((int) Math.min(Math.min(size, declared), NpyArray.MAX_BYTES));
            readFully(ch, head, 0);
            Located at = locate(head.array(), source);
            long found = size - at.payloadStart();
            long expected = at.header().payloadBytes();
            if (found != expected) {
                throw new NpyFormatException(source, (found < expected ? "truncated payload" : (found - expected)
                        + " unexpected bytes after the payload") + ": shape " + Arrays.toString(at.header().shape())
                        + " of " + at.header().dtype().numpyName() + " needs " + expected
                        + " bytes after the header, found " + found);
            }
            return at.header();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e + ")");
        }
    }

    private static void readFully(java.nio.channels.FileChannel ch, ByteBuffer b, long position) throws IOException {
        long p = position;
        while (b.hasRemaining()) {
            int n = ch.read(b, p);
            if (n < 0) {
                throw new IOException("end of file after " + p + " bytes");
            }
            p += n;
        }
    }

    /** Magic, version, header length and header dict of the bytes (which need not hold the payload). */
    private static Located locate(byte[] bytes, String source) {
        int magicLength = NpyHeader.MAGIC.length;
        byte[] start = Arrays.copyOf(bytes, Math.min(bytes.length, magicLength));
        if (!Arrays.equals(start, NpyHeader.MAGIC)) {
            throw new NpyFormatException(source, "does not start with the npy magic string \\x93NUMPY (found "
                    + hex(start) + "); not an npy file");
        }
        if (bytes.length < magicLength + 4) {
            throw new NpyFormatException(source, "truncated: " + bytes.length
                    + " bytes, fewer than the npy preamble (magic, version, header length)");
        }
        int major = bytes[6] & 0xff;
        int minor = bytes[7] & 0xff;
        if (minor != 0 || major < 1 || major > 3) {
            throw new NpyFormatException(source, "npy format version " + major + "." + minor
                    + "; expected 1.0, 2.0 or 3.0");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength;
        int prefix;
        if (major == 1) {
            headerLength = b.getShort(8) & 0xffffL;
            prefix = 10;
        } else {
            if (bytes.length < 12) {
                throw new NpyFormatException(source, "truncated: " + bytes.length
                        + " bytes, fewer than the version " + major + ".0 preamble (12 bytes)");
            }
            headerLength = b.getInt(8) & 0xffffffffL;
            prefix = 12;
        }
        if (prefix + headerLength > bytes.length) {
            throw new NpyFormatException(source, "truncated header: the preamble declares " + headerLength
                    + " header bytes, the file has " + (bytes.length - prefix) + " after the preamble");
        }
        String text = decode(bytes, prefix, (int) headerLength, major, source);
        return new Located(NpyHeader.of(HeaderDictParser.parse(text, source), source), prefix + (int) headerLength);
    }

    private static String decode(byte[] bytes, int offset, int length, int major, String source) {
        if (major < 3) {
            return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, length)).toString();
        } catch (CharacterCodingException e) {
            throw new NpyFormatException(source, "version 3.0 header is not valid UTF-8");
        }
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x & 0xff));
        }
        return b.length == 0 ? "an empty file" : "bytes " + s;
    }
}
