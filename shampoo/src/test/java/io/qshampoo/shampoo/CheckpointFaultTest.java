package io.qshampoo.shampoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults while saving — the disk filling up or an I/O error after N bytes, at every interesting N — leave the
 * previous checkpoint under the target name intact and loadable, and no temporary file behind; a checkpoint from
 * an optimizer configured differently is refused with a message naming the field that differs.
 */
class CheckpointFaultTest {

    @TempDir
    Path dir;

    /** A channel that accepts {@code budget} bytes and then fails as a full disk does. */
    static final class FailingChannel extends FileChannel {
        private final FileChannel real;
        private long budget;

        FailingChannel(FileChannel real, long budget) {
            this.real = real;
            this.budget = budget;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (budget <= 0) {
                throw new IOException("No space left on device (injected)");
            }
            int n = (int) Math.min(src.remaining(), budget);
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + n);
            int written = real.write(part);
            src.position(src.position() + written);
            budget -= written;
            return written;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                total += write(srcs[i]);
            }
            return total;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            throw new IOException("positional write not expected");
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return real.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return real.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return real.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return real.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            real.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return real.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            real.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            real.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            throw new IOException("transferTo not expected");
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            throw new IOException("transferFrom not expected");
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            throw new IOException("map not expected");
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return real.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return real.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            real.close();
        }
    }

    private static ShampooOptimizer optimizer(double beta, int rows) {
        ShampooConfig config = ShampooConfig.builder().variant(Variant.CQ_EF).beta(beta).intervals(1, 2)
                .maxBlockOrder(4).minQuantizedElements(0).build();
        Map<String, DenseTensor> p = new LinkedHashMap<>();
        p.put("w", DenseTensor.float32(rows, 5));
        p.put("b", DenseTensor.float64(5));
        ShampooOptimizer.Builder b = ShampooOptimizer.builder(config, new AdamW(), 1e-2);
        p.forEach(b::parameter);
        return b.build();
    }

    private static void steps(ShampooOptimizer opt, int from, int to) {
        for (int k = from; k <= to; k++) {
            Map<String, DenseTensor> g = new LinkedHashMap<>();
            for (Map.Entry<String, DenseTensor> e : opt.parameters().entrySet()) {
                DenseTensor t = DenseTensor.float64(e.getValue().shape());
                for (int i = 0; i < t.size(); i++) {
                    t.set(i, Math.cos(3 * i + k));
                }
                g.put(e.getKey(), t);
            }
            opt.step(g);
        }
    }

    @Test
    void aSaveThatFailsAfterAnyNumberOfBytesKeepsThePreviousCheckpoint() throws IOException {
        ShampooOptimizer opt = optimizer(0.95, 6);
        steps(opt, 1, 2);
        Path file = dir.resolve("opt.ckpt");
        opt.saveCheckpoint(file);
        byte[] good = Files.readAllBytes(file);
        steps(opt, 3, 4);
        byte[] fingerprint = opt.fingerprint().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        // Nothing, the magic only, inside the fingerprint, inside the payload, all but the CRC, all but one byte.
        long[] budgets = {0, 1, 8, 16 + fingerprint.length / 2, 24 + fingerprint.length + 100, good.length - 4,
                good.length - 1};
        for (long budget : budgets) {
            IOException e = assertThrows(IOException.class, () -> Checkpoint.write(file, opt.fingerprint(),
                    payloadOf(opt), f -> new FailingChannel(FileChannel.open(f, StandardOpenOption.WRITE), budget)));
            assertTrue(e.getMessage().contains("No space left"), e.getMessage());
            assertArrayEquals(good, Files.readAllBytes(file), "after a failure at byte " + budget);
            try (Stream<Path> left = Files.list(dir)) {
                assertEquals(1, left.count(), "a temporary file was left behind after a failure at byte " + budget);
            }
            ShampooOptimizer fresh = optimizer(0.95, 6);
            fresh.restoreCheckpoint(file); // loadable
            assertEquals(2, fresh.stepCount());
        }
        opt.saveCheckpoint(file); // and a save that succeeds replaces it
        ShampooOptimizer fresh = optimizer(0.95, 6);
        fresh.restoreCheckpoint(file);
        assertEquals(4, fresh.stepCount());
    }

    /** The payload saveCheckpoint writes: the checkpoint minus header and CRC. */
    private byte[] payloadOf(ShampooOptimizer opt) throws IOException {
        Path f = dir.resolve("payload.tmp");
        opt.saveCheckpoint(f);
        byte[] all = Files.readAllBytes(f);
        Files.delete(f);
        int fp = ByteBuffer.wrap(all, 12, 4).getInt();
        return java.util.Arrays.copyOfRange(all, 24 + fp, all.length - 4);
    }

    @Test
    void aCheckpointOfAnotherConfigurationIsRefusedNamingTheField() throws IOException {
        ShampooOptimizer saved = optimizer(0.95, 6);
        steps(saved, 1, 1);
        Path file = dir.resolve("opt.ckpt");
        saved.saveCheckpoint(file);

        CheckpointException e = assertThrows(CheckpointException.class, () -> optimizer(0.9, 6).restoreCheckpoint(file));
        assertTrue(e.getMessage().contains("config field preconditioner.beta is 0.95 in the checkpoint, 0.9 here"), e.getMessage());

        e = assertThrows(CheckpointException.class, () -> optimizer(0.95, 7).restoreCheckpoint(file));
        assertTrue(e.getMessage().contains("parameter 'w [6, 5] FLOAT32' in the checkpoint, 'w [7, 5] FLOAT32' here"),
                e.getMessage());

        ShampooConfig config = ShampooConfig.builder().variant(Variant.CQ_EF).beta(0.95).intervals(1, 2)
                .maxBlockOrder(4).minQuantizedElements(0).build();
        ShampooOptimizer other = ShampooOptimizer.builder(config, new AdamW(0.8, 0.999, 1e-8, 0), 1e-2)
                .parameter("w", DenseTensor.float32(6, 5)).parameter("b", DenseTensor.float64(5)).build();
        e = assertThrows(CheckpointException.class, () -> other.restoreCheckpoint(file));
        assertTrue(e.getMessage().contains("AdamW field beta1 is 0.9 in the checkpoint, 0.8 here"), e.getMessage());
    }
}
