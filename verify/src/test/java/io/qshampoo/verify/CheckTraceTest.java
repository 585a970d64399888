package io.qshampoo.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckTraceTest {

    @TempDir
    Path dir;

    static Map<String, Object> manifest(String variant) {
        return io.qshampoo.verify.oracle.JsonReport.object(
                "format", "qshampoo-trace/1",
                "variant", variant,
                "config", io.qshampoo.verify.oracle.JsonReport.object("t1", 1, "t2", 2, "bits", 4, "block", 32,
                        "minQuantizedElements", 0),
                "optimizer", io.qshampoo.verify.oracle.JsonReport.object("name", "sgd", "lr", 0.1, "momentum", 0.9),
                "parameter", io.qshampoo.verify.oracle.JsonReport.object("name", "w", "shape", List.of(8, 6)),
                "precision", "fp32");
    }

    @Test
    void selfTraceAgrees() throws Exception {
        for (String v : new String[] {"fp32", "vq", "cq", "cq+ef", "eigen4", "sketchy"}) {
            Path m = TraceFixture.write(dir.resolve(v.replace('+', '_')), manifest(v), 5, new int[] {2, 5}, 7);
            Cli.Result r = Cli.run("check", "trace", m.toString());
            System.out.println(r);
            assertEquals(0, r.exitCode(), r.toString());
        }
    }
}
