package io.qshampoo.experiments.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of {@link IdxReader} (plain and gzip): any file is either refused with an
 * {@link IdxReader.IdxFormatException} or read as an array of exactly the declared size. Any other throwable — an
 * OutOfMemoryError from a declared size the file does not hold included — is a finding. Regression inputs:
 * {@code src/test/resources/io/qshampoo/experiments/train/IdxFuzzTestInputs/idx/}.
 */
class IdxFuzzTest {

    private static Path file;

    @FuzzTest(maxDuration = "10m")
    void idx(byte[] bytes) throws IOException {
        if (file == null) {
            file = Files.createTempFile("qshampoo-fuzz", ".idx");
            file.toFile().deleteOnExit();
        }
        Files.write(file, bytes);
        for (int magic : new int[] {IdxReader.LABELS_MAGIC, IdxReader.IMAGES_MAGIC}) {
            try {
                IdxReader.IdxArray a = IdxReader.read(file, magic);
                long size = 1;
                for (int d : a.dims()) {
                    size *= d;
                }
                if (size != a.data().length) {
                    throw new AssertionError("dims " + java.util.Arrays.toString(a.dims()) + " but " + a.data().length
                            + " values");
                }
            } catch (IdxReader.IdxFormatException expected) {
                // refused with a message
            }
        }
    }
}
