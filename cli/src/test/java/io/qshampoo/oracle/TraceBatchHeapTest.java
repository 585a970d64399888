package io.qshampoo.oracle;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@link TraceBatch#requireHeap}: the replays that run at once (the {@code workers} largest) must fit the heap
 * together; one replay alone is {@link TraceBounds}' to check, so one worker is never refused here.
 */
class TraceBatchHeapTest {

    @TempDir
    Path dir;

    /** The vq fixture's manifest with its parameter reshaped to rows × cols (read only: no replay here). */
    private TraceBatch.Trace trace(String name, int rows, int cols) throws IOException, URISyntaxException {
        Path fixture = Path.of(getClass().getResource("/oracle/trace_vq/manifest.json").toURI());
        ObjectMapper json = new ObjectMapper();
        ObjectNode m = (ObjectNode) json.readTree(fixture.toFile());
        ObjectNode p = (ObjectNode) m.get("parameter");
        p.put("name", name);
        p.putArray("shape").add(rows).add(cols);
        Path file = dir.resolve(name + ".json");
        json.writeValue(file.toFile(), m);
        return new TraceBatch.Trace(file, TraceManifest.read(file), 1);
    }

    private static long least(TraceBatch.Trace t) {
        int[] shape = t.manifest().parameter().shape();
        return TraceBounds.leastBytes(shape, (long) shape[0] * shape[1], t.manifest().shampooConfig());
    }

    @Test
    void theLargestReplaysThatRunAtOnceMustFitTogether() throws Exception {
        List<TraceBatch.Trace> traces = new ArrayList<>();
        traces.add(trace("small", 8, 6));
        traces.add(trace("large", 900, 700));
        traces.add(trace("middle", 300, 200));
        long large = least(traces.get(1));
        long middle = least(traces.get(2));
        long small = least(traces.get(0));
        assertTrue(large > middle && middle > small, large + ", " + middle + ", " + small);

        // two workers: the two largest together, whatever the order the traces come in
        assertDoesNotThrow(() -> TraceBatch.requireHeap(traces, 2, large + middle));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TraceBatch.requireHeap(traces, 2, large + middle - 1));
        assertTrue(e.getMessage().startsWith("2 traces replayed at once (--threads 2) need at least "
                + String.format(java.util.Locale.ROOT, "%,d MiB", (large + middle) >> 20)), e.getMessage());
        assertTrue(e.getMessage().contains("use fewer --threads"), e.getMessage());

        // more workers than traces: all of them at once
        assertDoesNotThrow(() -> TraceBatch.requireHeap(traces, 8, large + middle + small));
        e = assertThrows(IllegalArgumentException.class,
                () -> TraceBatch.requireHeap(traces, 8, large + middle + small - 1));
        assertTrue(e.getMessage().startsWith("3 traces replayed at once (--threads 8)"), e.getMessage());

        // one worker, or one trace: nothing runs beside it (TraceBounds checks a single replay against the heap)
        assertDoesNotThrow(() -> TraceBatch.requireHeap(traces, 1, 1));
        assertDoesNotThrow(() -> TraceBatch.requireHeap(List.of(traces.get(1)), 4, 1));
    }
}
