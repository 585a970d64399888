package io.qshampoo.shampoo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The bytes of an optimizer's checkpoint, for tests that compare two optimizers' states byte for byte. */
final class CheckpointBytes {

    private CheckpointBytes() {
    }

    /** Saves {@code opt}'s checkpoint to {@code file} and returns the file's bytes. */
    static byte[] of(ShampooOptimizer opt, Path file) throws IOException {
        opt.saveCheckpoint(file);
        return Files.readAllBytes(file);
    }
}
