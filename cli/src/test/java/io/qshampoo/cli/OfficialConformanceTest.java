package io.qshampoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Replays traces of the official low-bit Shampoo code (Sike-Wang/low-bit-Shampoo, {@code optimizers/shampoo1.py} =
 * naive 4-bit/VQ, {@code shampoo2.py} = eigenvector quantization with Björck), recorded on a CPU by
 * {@code conformance/lowbit_shampoo/run_official.py}: an 80×80 parameter, SGD with momentum 0.9, T1 = 1, T2 = 2, 30
 * steps, at 4 and 32 bits, with the official torch-built code table (manifest {@code "codeTable"}) and with the
 * scalar one. With {@code "conventions": "official"} every state at every step must agree; with qshampoo's own
 * conventions the 4-bit traces must not — otherwise the switches (QR signs, symmetrization) would be untested.
 */
class OfficialConformanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"shampoo1-32bit", "shampoo1-4bit-torch-table", "shampoo1-4bit-scalar-table",
            "shampoo2-32bit", "shampoo2-4bit-torch-table", "shampoo2-4bit-scalar-table"})
    void officialTracesAgreeUnderTheOfficialConventions(String run) throws Exception {
        Cli.Result r = Cli.run("check", "trace", fixture().resolve(run).resolve("manifest.json").toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("verdict: AGREE"), r::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"shampoo1-4bit-torch-table", "shampoo2-4bit-torch-table"})
    void theSameTracesDivergeUnderQshampoosConventions(String run) throws Exception {
        Path copy = copyFixture();
        Path manifest = copy.resolve(run).resolve("manifest.json");
        ObjectNode m = (ObjectNode) JSON.readTree(manifest.toFile());
        m.put("conventions", "qshampoo");
        Path changed = copy.resolve(run).resolve("qshampoo-conventions.json");
        JSON.writeValue(changed.toFile(), m);
        Cli.Result r = Cli.run("check", "trace", changed.toString());
        assertEquals(1, r.exitCode(), r::toString);
        // VQ parts at the first root (step 2: symmetrization); eigen4 at the first subspace step (step 1: QR signs)
        assertTrue(r.out().contains("DIVERGED first at step " + (run.startsWith("shampoo1") ? 2 : 1)), r::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"householder", "positive-diagonal"})
    void theQrSignSwitchAloneDecidesTheEigenTrace(String signs) throws Exception {
        Path copy = copyFixture();
        Path manifest = copy.resolve("shampoo2-4bit-torch-table").resolve("manifest.json");
        ObjectNode m = (ObjectNode) JSON.readTree(manifest.toFile());
        ((ObjectNode) m.get("config")).put("qrSigns", signs);
        Path changed = manifest.resolveSibling("signs.json");
        JSON.writeValue(changed.toFile(), m);
        Cli.Result r = Cli.run("check", "trace", changed.toString());
        assertEquals(signs.equals("householder") ? 0 : 1, r.exitCode(), r::toString);
    }

    /**
     * The official traces as legitimate implementations of the mutation suite (issue 16): the same trace with one
     * fault a kernel writer makes is flagged at the step where it was planted. T2 = 2, so at step 10 the previous
     * refresh was step 8 (a stale root), and the right factor's root stands for a left/right swap.
     */
    @ParameterizedTest
    @ValueSource(strings = {"stale", "swapped"})
    void aFaultPlantedInTheOfficialTraceIsFlaggedWhereItWasPlanted(String fault) throws Exception {
        Path copy = copyFixture();
        Path manifest = copy.resolve("shampoo2-4bit-torch-table").resolve("manifest.json");
        ObjectNode m = (ObjectNode) JSON.readTree(manifest.toFile());
        ObjectNode step10 = (ObjectNode) m.get("records").get("10");
        for (String part : new String[] {"codes", "scales", "diagonal"}) {
            String source = fault.equals("stale") ? "r08.npz:w#0.left.root." + part : "r10.npz:w#0.right.root." + part;
            step10.put("w#0.left.root." + part, source);
        }
        Path changed = manifest.resolveSibling(fault + ".json");
        JSON.writeValue(changed.toFile(), m);
        Cli.Result r = Cli.run("check", "trace", changed.toString());
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.out().contains("DIVERGED first at step 10, w#0.left.root"), r::toString);
    }

    private Path copyFixture() throws IOException, URISyntaxException {
        Path src = fixture();
        try (Stream<Path> files = Files.walk(src)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path dst = tmp.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(p, dst);
                }
            }
        }
        return tmp;
    }

    private static Path fixture() throws URISyntaxException {
        return Path.of(OfficialConformanceTest.class.getResource("/conformance/lowbit-shampoo").toURI());
    }
}
