package io.qshampoo.oracle.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the npy reader ({@link NpyReader#parse} and the header-only {@link NpyReader#header}):
 * any bytes are either refused with an {@link IllegalArgumentException} (an {@link NpyFormatException} naming the
 * file) or accepted as an array that writes back to bytes which read back to the same array, and whose header the
 * header-only reader reports identically. Any other throwable is a finding.
 *
 * <p>Without {@code JAZZER_FUZZ} this replays the committed inputs under
 * {@code src/test/resources/io/qshampoo/oracle/npy/NpyFuzzTestInputs/npy/}; {@code -Pfuzz} fuzzes for the
 * duration below (docs/reliability.md).
 */
class NpyFuzzTest {

    private static Path file;

    @FuzzTest(maxDuration = "10m")
    void npy(byte[] bytes) throws IOException {
        NpyArray a;
        try {
            a = NpyReader.parse(bytes, "fuzz.npy");
        } catch (IllegalArgumentException expected) {
            return;
        }
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            for (NpyWriter.Layout layout : NpyWriter.Layout.values()) {
                NpyArray b = NpyReader.parse(NpyWriter.toBytes(a, order, layout), "rewritten.npy");
                assertArrayEquals(a.shape(), b.shape());
                assertEquals(a.dtype(), b.dtype());
                assertArrayEquals(NpyWriter.toBytes(a, ByteOrder.LITTLE_ENDIAN, NpyWriter.Layout.C),
                        NpyWriter.toBytes(b, ByteOrder.LITTLE_ENDIAN, NpyWriter.Layout.C));
            }
        }
        if (file == null) {
            file = Files.createTempFile("qshampoo-fuzz", ".npy");
            file.toFile().deleteOnExit();
        }
        Files.write(file, bytes);
        NpyHeader h = NpyReader.header(file);
        assertArrayEquals(a.shape(), h.shape());
        assertEquals(a.dtype(), h.dtype());
    }
}
