package io.qshampoo.oracle.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of {@link NpzArchive#read}: any file is either refused with an
 * {@link IllegalArgumentException} naming it, or read as arrays that an archive written back holds identically
 * (stored and deflated). Any other throwable — an OutOfMemoryError from a declared size included — is a finding.
 * Regression inputs: {@code src/test/resources/io/qshampoo/cli/npy/NpzFuzzTestInputs/npz/}.
 */
class NpzFuzzTest {

    private static Path file;
    private static Path copy;

    @FuzzTest(maxDuration = "10m")
    void npz(byte[] bytes) throws IOException {
        if (file == null) {
            file = Files.createTempFile("qshampoo-fuzz", ".npz");
            copy = Files.createTempFile("qshampoo-fuzz-copy", ".npz");
            file.toFile().deleteOnExit();
            copy.toFile().deleteOnExit();
        }
        Files.write(file, bytes);
        Map<String, NpyArray> a;
        try {
            a = NpzArchive.read(file);
        } catch (IllegalArgumentException expected) {
            return;
        }
        for (boolean compressed : new boolean[] {false, true}) {
            NpzArchive.write(copy, a, compressed);
            Map<String, NpyArray> b = NpzArchive.read(copy);
            assertEquals(a.keySet(), b.keySet());
            a.forEach((k, v) -> assertArrayEquals(NpyWriter.toBytes(v, ByteOrder.LITTLE_ENDIAN, NpyWriter.Layout.C),
                    NpyWriter.toBytes(b.get(k), ByteOrder.LITTLE_ENDIAN, NpyWriter.Layout.C), k));
        }
    }
}
