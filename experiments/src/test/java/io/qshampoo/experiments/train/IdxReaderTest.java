package io.qshampoo.experiments.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    @TempDir
    Path dir;

    /** An IDX file of unsigned bytes: magic 0x0000 08 ndims, big-endian dims, data. */
    static byte[] idx(int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length); // big-endian by default
        b.putInt(0x00000800 | dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(raw);
        }
        return bos.toByteArray();
    }

    static byte[] ramp(int n) {
        byte[] d = new byte[n];
        for (int i = 0; i < n; i++) {
            d[i] = (byte) (i * 37 + 200); // covers values above 127: unsigned reading matters
        }
        return d;
    }

    @Test
    void readsPlainAndGzippedImagesAndLabels() throws IOException {
        byte[] pixels = ramp(3 * 2 * 4);
        byte[] raw = idx(new int[] {3, 2, 4}, pixels);
        Path plain = Files.write(dir.resolve("images"), raw);
        Path gz = Files.write(dir.resolve("images.gz"), gzip(raw));
        for (Path f : new Path[] {plain, gz}) {
            IdxReader.IdxArray a = IdxReader.readImages(f);
            assertArrayEquals(new int[] {3, 2, 4}, a.dims());
            assertEquals(3, a.count());
            assertEquals(8, a.itemSize());
            assertArrayEquals(pixels, a.data());
        }
        byte[] labels = {9, 0, 3};
        Path lf = Files.write(dir.resolve("labels"), gzip(idx(new int[] {3}, labels)));
        IdxReader.IdxArray l = IdxReader.readLabels(lf);
        assertArrayEquals(new int[] {3}, l.dims());
        assertArrayEquals(labels, l.data());
        assertEquals(1, l.itemSize());
    }

    @Test
    void gzipIsDetectedByContentNotByName() throws IOException {
        byte[] raw = idx(new int[] {2}, new byte[] {1, 2});
        Path f = Files.write(dir.resolve("labels-no-suffix"), gzip(raw));
        assertArrayEquals(new byte[] {1, 2}, IdxReader.readLabels(f).data());
    }

    @Test
    void rejectsABadMagicNumberNamingTheFile() throws IOException {
        byte[] raw = idx(new int[] {3}, new byte[] {1, 2, 3});
        Path f = Files.write(dir.resolve("labels-as-images"), raw);
        IOException e = assertThrows(IdxReader.IdxFormatException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("magic number 0x00000801") && e.getMessage().contains("expected 0x00000803"),
                e.getMessage());
        byte[] garbage = "PK\u0003\u0004 not an idx file".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Path g = Files.write(dir.resolve("zip.gz"), garbage);
        e = assertThrows(IdxReader.IdxFormatException.class, () -> IdxReader.readLabels(g));
        assertTrue(e.getMessage().contains(g.toString()) && e.getMessage().contains("magic number 0x504b0304"),
                e.getMessage());
    }

    @Test
    void rejectsATruncatedPlainFileNamingTheFile() throws IOException {
        byte[] raw = idx(new int[] {3, 2, 4}, ramp(24));
        Path f = Files.write(dir.resolve("short"), Arrays.copyOf(raw, raw.length - 5));
        IOException e = assertThrows(IdxReader.IdxFormatException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("truncated")
                && e.getMessage().contains("3×2×4 = 24 bytes") && e.getMessage().contains("only 19"), e.getMessage());
        Path header = Files.write(dir.resolve("header-only"), Arrays.copyOf(raw, 9));
        e = assertThrows(IdxReader.IdxFormatException.class, () -> IdxReader.readImages(header));
        assertTrue(e.getMessage().contains(header.toString()) && e.getMessage().contains("truncated"), e.getMessage());
        Path tiny = Files.write(dir.resolve("two-bytes"), new byte[] {0, 0});
        e = assertThrows(IdxReader.IdxFormatException.class, () -> IdxReader.readLabels(tiny));
        assertTrue(e.getMessage().contains(tiny.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void rejectsATruncatedGzipFileNamingTheFile() throws IOException {
        byte[] gz = gzip(idx(new int[] {50, 28, 28}, ramp(50 * 28 * 28)));
        Path f = Files.write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length / 2));
        IOException e = assertThrows(IdxReader.IdxFormatException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("truncated"), e.getMessage());
        // Complete gzip stream, but the IDX inside is short.
        byte[] raw = idx(new int[] {4}, new byte[] {1, 2, 3, 4});
        Path g = Files.write(dir.resolve("short-inside.gz"), gzip(Arrays.copyOf(raw, raw.length - 1)));
        e = assertThrows(IdxReader.IdxFormatException.class, () -> IdxReader.readLabels(g));
        assertTrue(e.getMessage().contains(g.toString()) && e.getMessage().contains("only 3"), e.getMessage());
    }

    @Test
    void rejectsAZeroDimension() throws IOException {
        Path f = Files.write(dir.resolve("zero"), idx(new int[] {0, 28, 28}, new byte[0]));
        IOException e = assertThrows(IdxReader.IdxFormatException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("expected every dimension >= 1"),
                e.getMessage());
    }
}
