package io.qshampoo.shampoo;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * The checkpoint file format, version 1 (all integers big-endian):
 *
 * <pre>
 *   offset  size  field
 *   0       8     magic "QSHAMPOO" (ASCII)
 *   8       4     format version (int) = 1
 *   12      4     fingerprint length F (int, bytes)
 *   16      F     fingerprint (UTF-8): configuration, base optimizer, parameter names, shapes, precisions
 *   16+F    8     payload length P (long, bytes)
 *   24+F    P     payload: tagged state records ({@link StateOutput})
 *   24+F+P  4     CRC-32 of bytes [0, 24+F+P)
 * </pre>
 *
 * Files are written to a temporary sibling, forced to the device, and moved into place atomically, so a save
 * that fails part-way (disk full, an I/O error, the process dying) never leaves a half-written checkpoint under
 * the target name: the previous checkpoint there survives intact and loadable.
 */
final class Checkpoint {

    static final byte[] MAGIC = "QSHAMPOO".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;

    private Checkpoint() {
    }

    /** Opens the channel a checkpoint's bytes are written through (tests substitute one that fails). */
    interface ChannelOpener {
        FileChannel open(Path file) throws IOException;
    }

    static void write(Path file, String fingerprint, byte[] payload) throws IOException {
        write(file, fingerprint, payload, f -> FileChannel.open(f, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING));
    }

    static void write(Path file, String fingerprint, byte[] payload, ChannelOpener opener) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(payload.length + 256);
        DataOutputStream out = new DataOutputStream(buffer);
        byte[] fp = fingerprint.getBytes(StandardCharsets.UTF_8);
        out.write(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(fp.length);
        out.write(fp);
        out.writeLong(payload.length);
        out.write(payload);
        CRC32 crc = new CRC32();
        crc.update(buffer.toByteArray());
        out.writeInt((int) crc.getValue());
        out.flush();
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (FileChannel ch = opener.open(tmp)) {
                ByteBuffer bytes = ByteBuffer.wrap(buffer.toByteArray());
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads and checks a checkpoint; returns its payload. */
    static byte[] read(Path file, String expectedFingerprint) throws IOException {
        byte[] all = Files.readAllBytes(file);
        String src = file.toString();
        ByteBuffer b = ByteBuffer.wrap(all);
        if (all.length < MAGIC.length + 4 + 4 + 8 + 4) {
            if (all.length >= MAGIC.length && !startsWithMagic(all)) {
                throw new CheckpointException(src + " is not a qshampoo checkpoint (no QSHAMPOO magic)");
            }
            throw new CheckpointException(src + " is truncated: " + all.length + " bytes, shorter than any checkpoint header");
        }
        if (!startsWithMagic(all)) {
            throw new CheckpointException(src + " is not a qshampoo checkpoint (no QSHAMPOO magic)");
        }
        b.position(MAGIC.length);
        int version = b.getInt();
        if (version != VERSION) {
            throw new CheckpointException(src + " has checkpoint format version " + version + "; this build reads version " + VERSION);
        }
        int fpLength = b.getInt();
        if (fpLength < 0 || fpLength > all.length - b.position()) {
            throw new CheckpointException(src + " is truncated or corrupt: fingerprint length " + fpLength
                    + " exceeds the " + (all.length - b.position()) + " bytes that remain");
        }
        byte[] fp = new byte[fpLength];
        b.get(fp);
        if (b.remaining() < 8 + 4) {
            throw new CheckpointException(src + " is truncated after the fingerprint");
        }
        long payloadLength = b.getLong();
        if (payloadLength < 0 || payloadLength != b.remaining() - 4) {
            throw new CheckpointException(src + " is truncated or corrupt: header announces " + payloadLength
                    + " payload bytes, the file holds " + (b.remaining() - 4));
        }
        byte[] payload = new byte[(int) payloadLength];
        b.get(payload);
        int stored = b.getInt();
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 4);
        if ((int) crc.getValue() != stored) {
            throw new CheckpointException(String.format("%s is corrupt: CRC-32 is %08x, the file says %08x", src,
                    (int) crc.getValue(), stored));
        }
        String fingerprint = new String(fp, StandardCharsets.UTF_8);
        if (!fingerprint.equals(expectedFingerprint)) {
            throw new CheckpointException(src + " was written for another optimizer: "
                    + FingerprintDiff.describe(fingerprint, expectedFingerprint) + "\n--- checkpoint\n" + fingerprint
                    + "--- this optimizer\n" + expectedFingerprint);
        }
        return payload;
    }

    private static boolean startsWithMagic(byte[] all) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (all[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }
}
