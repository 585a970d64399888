package io.qshampoo.oracle;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.qshampoo.oracle.npy.NpyArray;
import io.qshampoo.oracle.npy.NpyLoader;
import io.qshampoo.oracle.npy.NpyWriter;

/** The sizes a manifest implies are checked against its files and the heap before the replay allocates them. */
class TraceBoundsTest {

    @TempDir
    Path dir;

    private TraceManifest manifest(String shape, String initial) throws Exception {
        NpyWriter.write(dir.resolve("g.npy"), NpyArray.ofFloat32(new float[6], 3, 2));
        NpyWriter.write(dir.resolve("w0.npy"), NpyArray.ofFloat32(new float[6], 2, 3));
        Path m = dir.resolve("m.json");
        Files.writeString(m, "{ \"format\": \"qshampoo-trace/1\", \"variant\": \"fp32\", \"optimizer\": {\"name\": \"sgd\", "
                + "\"lr\": 0.1}, \"parameter\": {\"name\": \"w\", \"shape\": " + shape
                + (initial == null ? "" : ", \"initial\": \"" + initial + "\"") + "}, \"gradients\": [\"g.npy\", \"g.npy\"] }");
        return TraceManifest.read(m);
    }

    private IllegalArgumentException refused(TraceManifest m, long heap) {
        return assertThrows(IllegalArgumentException.class, () -> TraceBounds.check(m, new NpyLoader(dir), "m.json", heap));
    }

    @Test
    void matchingShapesWithinTheHeapPass() throws Exception {
        assertDoesNotThrow(() -> TraceBounds.check(manifest("[3, 2]", null), new NpyLoader(dir), "m.json", 1L << 30));
    }

    @Test
    void aGradientOrInitialValueOfAnotherShapeIsRefusedFromItsHeader() throws Exception {
        String msg = refused(manifest("[2, 3]", null), 1L << 30).getMessage();
        assertTrue(msg.contains("gradient g.npy is 3×2, the manifest's parameter is 2×3 (step 1 of m.json)"), msg);
        msg = refused(manifest("[3, 2]", "w0.npy"), 1L << 30).getMessage();
        assertTrue(msg.contains("initial value w0.npy is 2×3, the manifest's parameter is 3×2"), msg);
    }

    @Test
    void aParameterBeyondAJavaArrayOrTheHeapIsRefused() throws Exception {
        String msg = refused(manifest("[100000, 100000]", null), Long.MAX_VALUE).getMessage();
        assertTrue(msg.contains("is 100000×100000, more than 2147483639 elements"), msg);
        // 3×2 fp32: 6·20 bytes of parameter, copy, gradient and direction + 8·(3² + 2²) of statistics = 224 bytes.
        assertDoesNotThrow(() -> TraceBounds.check(manifest("[3, 2]", null), new NpyLoader(dir), "m.json", 224));
        msg = refused(manifest("[3, 2]", null), 223).getMessage();
        assertTrue(msg.contains("needs at least") && msg.contains("the heap limit is"), msg);
    }
}
