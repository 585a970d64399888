package io.qshampoo.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.Mapping;
import io.qshampoo.experiments.QuantizationErrorTable.Function;
import io.qshampoo.experiments.QuantizationErrorTable.Result;
import io.qshampoo.experiments.QuantizationErrorTable.Row;
import io.qshampoo.experiments.QuantizationErrorTable.Settings;
import io.qshampoo.experiments.QuantizationErrorTable.Target;

/**
 * The table on a 64×64 two-level matrix (32 eigenvalues 1, 32 eigenvalues 1e-4): every row present, and the
 * properties that follow from the definitions — not from the papers' numbers. Runs in well under a second.
 */
class QuantizationErrorTableTest {

    private static final int N = 64;
    /** float64 unit roundoff. */
    private static final double U = 0x1p-53;
    /** fp32 unit roundoff. */
    private static final double U32 = 0x1p-24;

    private static Settings settings;
    private static Result result;

    @BeforeAll
    static void run() throws Exception {
        settings = new Settings(List.of(Mapping.values()), List.of(3, 4, 8), BlockLayout.rowSegments(32), 1e-6, 1e-6, 4, 2,
                0.95, 3);
        result = new QuantizationErrorTable(settings)
                .run(new SyntheticMatrixSource(N, Spectrum.parse("1:32,1e-4:32"), 7), line -> { });
    }

    @Test
    void everyMappingBitsTargetAndFunctionHasExactlyOneRow() {
        Map<String, Integer> seen = new HashMap<>();
        for (Row r : result.rows()) {
            seen.merge(r.mapping() + "/" + r.bits() + "/" + r.quantized() + "/" + r.rectified() + "/" + r.f(), 1, Integer::sum);
        }
        int expected = 0;
        for (Mapping m : Mapping.values()) {
            for (int b : new int[] {3, 4, 8}) {
                for (Target t : Target.values()) {
                    boolean[] ways = t.errorFeedback() ? new boolean[] {true}
                            : t.eigenvectors() ? new boolean[] {false, true} : new boolean[] {false};
                    for (boolean rect : ways) {
                        for (Function f : Function.values()) {
                            assertEquals(1, seen.getOrDefault(m + "/" + b + "/" + t + "/" + rect + "/" + f, 0),
                                    m + " " + b + " " + t + " rectified=" + rect + " " + f);
                            expected++;
                        }
                    }
                }
            }
        }
        assertEquals(expected, result.rows().size());
        assertEquals(3 * 3 * 15 * 2, expected);
    }

    @Test
    void noRowFailed() {
        // With ε > 0 the root f exists for every symmetric matrix with a positive eigenvalue, so nothing may fail.
        for (Row r : result.rows()) {
            assertTrue(r.note().isEmpty() && Double.isFinite(r.nre()) && Double.isFinite(r.aeRadians()), r.toString());
        }
    }

    /**
     * NRE ≥ sin(AE) (docs/design.md, Metrics) for every row. Tolerance: the dot product and norms over n² = 4096 terms
     * are exact to a relative n²·u ≈ 4.5e-13, so the cosine is off by δ ≤ ~1.4e-12 and arccos near 0 turns that
     * into at most √(2δ) ≈ 1.7e-6 rad; sin is 1-Lipschitz.
     */
    @Test
    void nreIsAtLeastTheSineOfTheAngle() {
        for (Row r : result.rows()) {
            assertTrue(r.nre() >= Math.sin(r.aeRadians()) - 2e-6, r.toString());
        }
    }

    /**
     * D(C)·D(C)ᵀ (and V·Λ·Vᵀ) are PSD by construction; the computed λmin may only be negative by rounding: the
     * product adds at most n·u·‖D‖_F² ≤ n²·u·λmax and the symmetric QR backward error is below n·u·λmax, so
     * λmin ≥ −2n²·u·λmax. The VQ row A has no such guarantee, and at 3 and 4 bits it does go indefinite here
     * (asserted too, so that the PSD check is not looking at matrices that could not have failed it).
     */
    @Test
    void choleskyAndEigenvectorReconstructionsArePositiveSemidefinite() {
        boolean vqIndefinite = false;
        for (Row r : result.rows()) {
            if (r.quantized() == Target.C || r.quantized() == Target.U || r.quantized() == Target.C_B
                    || r.quantized() == Target.U_B) {
                assertTrue(r.lambdaMin() >= -2.0 * N * N * U * r.lambdaMax(), r.toString());
            }
            if (r.quantized() == Target.A && r.bits() <= 4) {
                vqIndefinite |= r.lambdaMin() < -2.0 * N * N * U * r.lambdaMax();
            }
        }
        assertTrue(vqIndefinite, "expected vanilla quantization of A to lose definiteness somewhere at 3/4 bits");
    }

    /**
     * Björck maps each singular value's error e = σ² − 1 to −e²(3 − e)/4, so when ‖VᵀV − I‖₂ &lt; 1 (implied by
     * ‖VᵀV − I‖_F &lt; 1) every |e| shrinks and so does ‖VᵀV − I‖_F. At least the 8-bit rows meet the condition.
     */
    @Test
    void bjorckRectificationReducesTheOrthogonalityDefect() {
        int checked = 0;
        for (Row un : result.rows()) {
            if (un.quantized() != Target.U || un.rectified() || un.f() != Function.ROOT) {
                continue;
            }
            Row rect = find(un.mapping(), un.bits(), Target.U, true, Function.ROOT);
            if (un.orthogonalityError() < 1) {
                assertTrue(rect.orthogonalityError() < un.orthogonalityError(), un + " → " + rect);
                checked++;
            }
        }
        assertTrue(checked >= 3, "the 8-bit rows of every mapping have ‖VᵀV − I‖_F < 1; checked " + checked);
    }

    /**
     * B keeps the diagonal of f(A) in fp32 (DiagReal), so its whole error is the off-diagonal error plus fp32
     * rounding of the diagonal: |NRE·‖f‖ − NRE_off·‖offdiag f‖| ≤ u₃₂·‖diag f‖ ≤ u₃₂·‖f‖ (triangle inequality on
     * ‖off + diag‖_F), plus float64 rounding of the norms (1e-12 relative, far above n²·u).
     */
    @Test
    void quantizingTheRootDiagRealLeavesOnlyOffDiagonalError() {
        double ref = result.referenceNorm();
        double refOff = result.referenceOffDiagonalNorm();
        for (Row r : result.rows()) {
            if (r.quantized() != Target.B || r.f() != Function.ROOT) {
                continue;
            }
            Row off = find(r.mapping(), r.bits(), Target.B, false, Function.OFF_DIAGONAL);
            assertEquals(r.nre() * ref, off.nre() * refOff, U32 * ref + 1e-12 * ref, r + " / " + off);
        }
    }

    @Test
    void theCholeskyShiftErrorIsReportedAndSmall() {
        // Shift s·λmax = 1e-6 against λmin = 1e-4: the root of the small half moves by a factor
        // (1 + 1e-2)^(−1/4) ≈ 1 − 2.5e-3, so NRE ≤ 2.5e-3 (and it is not 0: the shift is there).
        assertTrue(result.choleskyShiftNre() > 0 && result.choleskyShiftNre() <= 2.5e-3, "" + result.choleskyShiftNre());
    }

    @Test
    void jsonHasTheRequiredKeys(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.json");
        Report.writeJson(f, TableOutput.objects(result, settings));
        JsonNode arr = new ObjectMapper().readTree(f.toFile());
        assertTrue(arr.isArray());
        assertEquals(result.rows().size(), arr.size());
        for (JsonNode o : arr) {
            for (String k : List.of("matrix", "mapping", "bits", "quantized", "rectified", "f", "nre", "ae_deg")) {
                assertTrue(o.has(k), "missing " + k + " in " + o);
            }
            assertTrue(o.get("rectified").isBoolean() && o.get("bits").isInt() && o.get("nre").isNumber(), o.toString());
        }
        String text = TableOutput.text(result, settings);
        assertTrue(text.contains("U-root+B") && text.contains("offdiag NRE %"), text);
    }

    /**
     * With one refresh the error state is still E₀ = 0, so eigen4+ef's rows are the rectified U-root row bit for
     * bit; with three (the shared run) the carried error has changed the stored basis.
     */
    @Test
    void oneErrorFeedbackRefreshIsEigen4AndMoreAreNot() throws Exception {
        Settings one = new Settings(List.of(Mapping.LINEAR_2), List.of(4), BlockLayout.rowSegments(32), 1e-6, 1e-6, 4, 1,
                0.5, 1);
        Result r = new QuantizationErrorTable(one).run(new SyntheticMatrixSource(N, Spectrum.parse("1:32,1e-4:32"), 7),
                line -> { });
        for (Function f : Function.values()) {
            double plain = find(r, Mapping.LINEAR_2, 4, Target.U_ROOT, true, f).nre();
            assertEquals(plain, find(r, Mapping.LINEAR_2, 4, Target.U_ROOT_EF, true, f).nre(), 0.0, f.toString());
            assertEquals(plain, find(r, Mapping.LINEAR_2, 4, Target.U_ROOT_EF_MEAN, true, f).nre(), 0.0, f.toString());
        }
        Row plain = find(Mapping.LINEAR_2, 4, Target.U_ROOT, true, Function.ROOT);
        Row ef = find(Mapping.LINEAR_2, 4, Target.U_ROOT_EF_MEAN, true, Function.ROOT);
        assertTrue(plain.nre() != ef.nre(), plain + " vs " + ef);
    }

    private static Row find(Result r, Mapping m, int bits, Target t, boolean rect, Function f) {
        return r.rows().stream().filter(x -> x.mapping() == m && x.bits() == bits && x.quantized() == t
                && x.rectified() == rect && x.f() == f).findFirst().orElseThrow();
    }

    private static Row find(Mapping m, int bits, Target t, boolean rect, Function f) {
        return result.rows().stream()
                .filter(r -> r.mapping() == m && r.bits() == bits && r.quantized() == t && r.rectified() == rect && r.f() == f)
                .findFirst().orElseThrow();
    }
}
