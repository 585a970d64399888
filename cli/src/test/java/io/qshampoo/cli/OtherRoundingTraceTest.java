package io.qshampoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.qshampoo.linalg.DenseKernelsFactory;
import io.qshampoo.oracle.JsonReport;

/**
 * No wrong "disagree" for a side that only rounds differently: a trace written by qshampoo on the OpenBLAS kernels
 * (another summation order in every product, LAPACK's eigen and QR routines, so eigenvector columns may come out with
 * the other sign) is replayed on EJML and must agree, every state and record of it. A 40 × 30 parameter over 12 steps,
 * dumped at steps 2, 6 and 12.
 *
 * <p>sketchy4 agrees because it stores each direction with a fixed sign (its largest component positive,
 * {@code DirectionSigns}); before that convention LAPACK's and EJML's SVD signs gave different codes, and the replay
 * reported a wrong DIVERGED at the first dump.
 */
class OtherRoundingTraceTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"fp32", "vq", "cq", "cq+ef", "eigen4", "eigen4+ef", "sketchy", "sketchy4"})
    void aTraceWrittenOnOpenblasAgreesOnEjml(String variant) throws Exception {
        DenseKernelsFactory.Selection s = DenseKernelsFactory.select("openblas");
        assumeFalse(s.fellBack(), () -> "needs the openblas kernels: " + s.fallbackReason());
        Map<String, Object> m = CheckTraceTest.manifest(variant);
        m.put("parameter", JsonReport.object("name", "w", "shape", List.of(40, 30)));
        Path f = TraceFixture.write(dir.resolve(variant.replace('+', '_')), m, 12, new int[] {2, 6, 12}, 3, s.kernels());
        Cli.Result r = Cli.run("check", "trace", f.toString());
        assertEquals(0, r.exitCode(), r::toString);
    }
}
