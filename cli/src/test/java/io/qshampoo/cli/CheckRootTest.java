package io.qshampoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.qshampoo.oracle.npy.Fixtures;
import io.qshampoo.oracle.npy.NpyArray;
import io.qshampoo.oracle.npy.NpyReader;
import io.qshampoo.oracle.npy.NpyWriter;

/**
 * check root against fp32 roots that numpy computed (float32 eigh; make_fixtures.py), for A (κ = 1e3, n = 24)
 * given directly and as a Cholesky factor.
 */
class CheckRootTest {

    @TempDir
    Path dir;

    private static final String A = Fixtures.oracle("a.npy").toString();
    private static final String X = Fixtures.oracle("a.root4.fp32.npy").toString();

    @Test
    void acceptsNumpyFp32Roots() throws Exception {
        Path json = dir.resolve("r.json");
        Cli.Result r = Cli.run("check", "root", "--matrix", A, "--root", X, "--json", json.toString());
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals("agree", j.get("verdict").asText());
        // κ(A + rI) with λ ∈ [1e-3, 1] and r = 1e-6: (1 + 1e-6)/(1e-3 + 1e-6) ≈ 999 (λ rounded to fp32 in a.npy).
        assertEquals(999, j.get("kappa").asDouble(), 1);
        assertTrue(j.get("nre").asDouble() < j.get("tolerance").get("value").asDouble());
        assertEquals(0x1p-24, j.get("tolerance").get("u").asDouble());
        Cli.Result f = Cli.run("check", "root", "--factor", Fixtures.oracle("c.npy").toString(),
                "--root", Fixtures.oracle("c.root4.fp32.npy").toString());
        assertEquals(0, f.exitCode(), f.toString());
    }

    @Test
    void rejectsATamperedRootAndPointsAtTheElement() throws Exception {
        float[] x = NpyReader.read(Path.of(X)).float32Data();
        // +0.1 at (3, 5) in a root whose largest element is ≈ 3.5 and Frobenius norm ≈ 15: NRE ≈ 0.1/15 ≈ 7e-3,
        // five times the fp32 tolerance 4·24·(999/4 + 1)·2^-24 + 2^-24 ≈ 1.4e-3 that κ = 1e3 allows.
        x[3 * 24 + 5] += 0.1f;
        Path t = dir.resolve("t.npy");
        NpyWriter.write(t, NpyArray.ofFloat32(x, 24, 24));
        Path json = dir.resolve("r.json");
        Cli.Result r = Cli.run("check", "root", "--matrix", A, "--root", t.toString(), "--json", json.toString());
        assertEquals(1, r.exitCode(), r.toString());
        JsonNode largest = new ObjectMapper().readTree(json.toFile()).get("largestDeviations").get(0);
        assertEquals(3, largest.get("row").asInt());
        assertEquals(5, largest.get("col").asInt());
        assertTrue(r.out().contains("(3, 5)"), r.out());
    }

    @Test
    void issue16ExampleIsDecidedByTheCalibratedTests() throws Exception {
        // 128 × 128, κ = 1e3, p = 4, fp32; X is numpy's float32 eigh root (oracle/sensitivity/make_fixtures.py).
        String a = Fixtures.oracle("sensitivity/a128.a.npy").toString();
        Path xFile = Fixtures.oracle("sensitivity/a128.root4.eigh.npy");
        Path json = dir.resolve("ok.json");
        Cli.Result ok = Cli.run("check", "root", "--matrix", a, "--root", xFile.toString(), "--json", json.toString());
        assertEquals(0, ok.exitCode(), ok.toString());
        JsonNode cal = new ObjectMapper().readTree(json.toFile()).get("calibration");
        assertEquals(5, cal.get("routes").size());
        assertEquals(4, cal.get("tests").size());

        // The element pair X[3,5], X[5,3] scaled by 1.01: NRE 1.7e-5 is far inside the worst-case bound 7.65e-3,
        // but that element lies ~150 spreads from X*, beyond the factor 10.
        float[] x = NpyReader.read(xFile).float32Data();
        x[3 * 128 + 5] *= 1.01f;
        x[5 * 128 + 3] *= 1.01f;
        Path t = dir.resolve("pair.npy");
        NpyWriter.write(t, NpyArray.ofFloat32(x, 128, 128));
        json = dir.resolve("pair.json");
        Cli.Result pair = Cli.run("check", "root", "--matrix", a, "--root", t.toString(), "--json", json.toString());
        assertEquals(1, pair.exitCode(), pair.toString());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertTrue(j.get("nre").asDouble() < j.get("tolerance").get("value").asDouble());
        assertEquals("spread-element", j.get("calibration").get("decidedBy").asText());
        JsonNode at = j.get("calibration").get("largestScaledDeviation");
        assertTrue((at.get("row").asInt() == 3 && at.get("col").asInt() == 5)
                || (at.get("row").asInt() == 5 && at.get("col").asInt() == 3), at.toString());
        assertTrue(pair.out().contains("decided by spread-element"), pair.out());

        // The square root instead of the 4th: every test fails.
        Cli.Result sqrt = Cli.run("check", "root", "--matrix", a, "--root", xFile.toString(), "--p", "2");
        assertEquals(1, sqrt.exitCode(), sqrt.toString());
    }

    @Test
    void calibrationOptionsAreValidated() {
        assertEquals(2, Cli.run("check", "root", "--matrix", A, "--root", X, "--spread-factor", "0.5").exitCode());
        Cli.Result r = Cli.run("check", "root", "--matrix", A, "--root", X, "--routes", "eigen-sequential,magic");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("magic") && r.err().contains("newton-blocked"), r.err());
        assertEquals(0, Cli.run("check", "root", "--matrix", A, "--root", X, "--routes", "exact-rounded,newton-blocked")
                .exitCode());
    }

    @Test
    void aNonFiniteRootIsADisagreementNotBadInput() throws Exception {
        float[] x = NpyReader.read(Path.of(X)).float32Data();
        x[7] = Float.NaN;
        Path t = dir.resolve("nan.npy");
        NpyWriter.write(t, NpyArray.ofFloat32(x, 24, 24));
        Path json = dir.resolve("r.json");
        Cli.Result r = Cli.run("check", "root", "--matrix", A, "--root", t.toString(), "--json", json.toString());
        assertEquals(1, r.exitCode(), r.toString());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals("Infinity", j.get("nre").asText());
        assertEquals(0, j.get("largestDeviations").get(0).get("row").asInt());
        assertEquals(7, j.get("largestDeviations").get(0).get("col").asInt());
    }

    @Test
    void anFp32RootIsNotAnFp64One() {
        // Claimed fp64, the tolerance is 4·24·250·2^-52 + 2^-24 (the file is float32) ≈ 6.0e-8, below the
        // numpy fp32 root's NRE (≈ 1e-7).
        Cli.Result r = Cli.run("check", "root", "--matrix", A, "--root", X, "--precision", "fp64");
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(0, Cli.run("check", "root", "--matrix", A, "--root", X, "--precision", "fp64",
                "--tolerance", "1e-6").exitCode());
    }

    @Test
    void ridgeOptionsAndTheirEffect() {
        // An absolute ridge of 1e-3 (a thousand times Shampoo's) moves the root far beyond tolerance.
        assertEquals(1, Cli.run("check", "root", "--matrix", A, "--root", X, "--ridge", "1e-3").exitCode());
        assertEquals(0, Cli.run("check", "root", "--matrix", A, "--root", X, "--epsilon", "1e-6").exitCode());
        assertEquals(2, Cli.run("check", "root", "--matrix", A, "--root", X, "--ridge", "1", "--epsilon", "1").exitCode());
    }

    @Test
    void badInputs() {
        Cli.Result r = Cli.run("check", "root", "--matrix", Fixtures.oracle("x.npy").toString(), "--root", X);
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("x.npy") && r.err().contains("square"), r.err());
        r = Cli.run("check", "root", "--matrix", Fixtures.oracle("s.npy").toString(), "--root", X);
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("24 × 24"), r.err());
        Path neg = dir.resolve("neg.npy");
        NpyWriter.write(neg, NpyArray.ofFloat32(new float[] {-1, 0, 0, -2}, 2, 2));
        r = Cli.run("check", "root", "--matrix", neg.toString(), "--root", neg.toString(), "--ridge", "0");
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals(2, Cli.run("check", "root", "--root", X).exitCode());
        assertEquals(2, Cli.run("check", "root", "--matrix", A, "--root", X, "--precision", "fp16").exitCode());
    }
}
