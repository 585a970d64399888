package io.qshampoo.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.qshampoo.linalg.DenseKernels;

/**
 * The stored CPU references of the one-step cross-check (src/test/resources: n = 256, 1024, 4096, written by
 * {@link ShampooStepReference}) still describe today's CPU path: their recorded configuration is today's, and the
 * order-256 step recomputed now matches its sketch. A failure here means the shampoo module changed since they were
 * written: regenerate them (the command is in {@link ShampooStepReference}), the 4096 one included. No GPU needed.
 */
class StoredStepReferenceTest {

    /**
     * The same float64 path on another JVM or CPU may differ only where {@code Math.pow} and friends are intrinsics
     * accurate to an ulp, not correctly rounded: far below this bound.
     */
    static final double SAME_PATH = 1e-9;

    static List<String> lines(int n) throws IOException {
        try (InputStream in = StoredStepReferenceTest.class.getResourceAsStream("shampoo-step-" + n + ".txt")) {
            assertNotNull(in, "shampoo-step-" + n + ".txt is missing");
            return List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
        }
    }

    static StepSketch stored(int n) throws IOException {
        return StepSketch.read(lines(n));
    }

    @Test
    void theStoredReferencesRecordTodaysConfiguration() throws IOException {
        for (int n : new int[] {256, 1024, 4096}) {
            String config = lines(n).stream().filter(l -> l.startsWith("# config: ")).findFirst().orElse("")
                    .substring("# config: ".length());
            assertEquals(ShampooStepCase.config(n).toString(), config, "shampoo-step-" + n + ".txt was made with another"
                    + " configuration: regenerate it with ShampooStepReference");
            assertEquals(n, stored(n).n());
        }
    }

    @Test
    void theOrder256StepStillMatchesItsStoredSketch() throws IOException {
        int n = 256;
        double dev = stored(n).maxDeviation(StepSketch.of(ShampooStepCase.step(n, DenseKernels.reference()), n));
        assertTrue(dev <= SAME_PATH, "the CPU path moved by " + dev + " since shampoo-step-" + n + ".txt was written:"
                + " regenerate the stored references (256, 1024, 4096) with ShampooStepReference");
    }
}
