package io.qshampoo.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The order in which {@link TraceBatch} lists the manifests of a directory: digit runs by value. */
class TraceBatchOrderTest {

    @TempDir
    Path dir;

    @Test
    void layersAreListedByTheirNumber() throws IOException {
        List<String> names = List.of("embed_tokens.weight", "layers.0.mlp", "layers.1.mlp", "layers.2.mlp",
                "layers.10.mlp", "layers.11.mlp", "lm_head.weight", "norm.weight");
        List<String> shuffled = new ArrayList<>(names);
        Collections.shuffle(shuffled, new Random(5));
        for (String n : shuffled) {
            Files.createDirectories(dir.resolve(n));
            Files.writeString(dir.resolve(n).resolve("manifest.json"), "{}");
        }
        List<String> listed = TraceBatch.manifests(List.of(dir)).stream()
                .map(p -> p.getParent().getFileName().toString()).toList();
        assertEquals(names, listed);
    }

    @Test
    void theOrderIsTotalAndConsistentWithEquals() {
        String[] paths = {"a7", "a07", "a007", "a10", "a9b", "a9", "b", "a", "a0", "a00", "x/2/y", "x/10/y", "x/1/z"};
        for (String p : paths) {
            for (String q : paths) {
                int c = TraceBatch.NATURAL_ORDER.compare(Path.of(p), Path.of(q));
                assertEquals(Integer.signum(c), -Integer.signum(TraceBatch.NATURAL_ORDER.compare(Path.of(q), Path.of(p))),
                        p + " against " + q);
                assertEquals(p.equals(q), c == 0, p + " against " + q);
                for (String r : paths) {
                    if (c < 0 && TraceBatch.NATURAL_ORDER.compare(Path.of(q), Path.of(r)) < 0) {
                        assertTrue(TraceBatch.NATURAL_ORDER.compare(Path.of(p), Path.of(r)) < 0, p + " < " + q + " < " + r);
                    }
                }
            }
        }
        assertTrue(TraceBatch.NATURAL_ORDER.compare(Path.of("a9"), Path.of("a10")) < 0);
        assertTrue(TraceBatch.NATURAL_ORDER.compare(Path.of("x/2/y"), Path.of("x/10/y")) < 0);
    }
}
