package io.qshampoo.linalg;

import static io.qshampoo.linalg.Qt.U;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

/** Björck orthonormalization: the contraction claimed in docs/design.md ("Björck decreases ‖VᵀV − I‖ when < 1"). */
class BjorckProperties {

    private final Bjorck bjorck = new Bjorck();

    @Test
    void oneStepStrictlyDecreasesTheDefectBelowOne() {
        Qt.qt().forAll(integers().between(1, 10), integers().between(0, 3), doubles().between(1e-4, 0.3), Qt.seeds())
                .checkAssert((n, deficit, noise, seed) -> {
                    int k = Math.max(1, n - deficit);
                    Random rnd = new Random(seed);
                    DMatrixRMaj q = CommonOps_DDRM.extract(SyntheticMatrices.haarOrthogonal(n, rnd), 0, n, 0, k);
                    DMatrixRMaj w = q.copy();
                    DMatrixRMaj g = SyntheticMatrices.gaussian(n, k, rnd);
                    CommonOps_DDRM.addEquals(w, noise / Math.sqrt(n), g);
                    double before = bjorck.orthonormalityErrorSpectral(w);
                    if (before >= 1) {
                        return; // outside the theorem's hypothesis
                    }
                    DMatrixRMaj w1 = bjorck.orthonormalize(w, 1);
                    double after = bjorck.orthonormalityErrorSpectral(w1);
                    // Per singular value e' = −e²(3 − e)/4, so ‖E'‖₂ ≤ ‖E‖₂²(3 + ‖E‖₂)/4 < ‖E‖₂.
                    // Rounding: each entry of 1.5W − 0.5W(WᵀW) carries ≲ (2k + 2)·u (‖W‖₂ ≈ 1), doubled in
                    // σ'² − 1, plus the eigensolver's ≲ k·u when the defect is measured: 8(k + 1)·u covers it.
                    double floor = 8 * (k + 1) * U;
                    assertTrue(after <= before * before * (3 + before) / 4 + floor,
                            () -> "defect " + before + " -> " + after + " exceeds the quadratic bound");
                    if (before > 1e3 * floor) {
                        assertTrue(after < before, "defect must strictly decrease");
                    }
                });
    }

    @Test
    void fourStepsReachRoundingLevelFromAModerateDefect() {
        DMatrixRMaj q = SyntheticMatrices.haarOrthogonal(30, new Random(1));
        DMatrixRMaj w = q.copy();
        CommonOps_DDRM.addEquals(w, 0.02, SyntheticMatrices.gaussian(30, 30, new Random(2)));
        double before = bjorck.orthonormalityError(w);
        double after = bjorck.orthonormalityError(bjorck.orthonormalize(w, 4));
        // e → e²·3/4 per step: four steps take 0.2 to below 1e-10, then rounding (≈ n·u per entry) dominates.
        assertTrue(before > 0.1, "defect " + before);
        assertTrue(after < 1e-10, "defect after 4 steps " + after);
    }

    @Test
    void rejectsBadArguments() {
        CholeskyTest.assertMessage(() -> bjorck.orthonormalize(new DMatrixRMaj(2, 3), 1), "2x3", "k <= n");
        CholeskyTest.assertMessage(() -> bjorck.orthonormalize(CommonOps_DDRM.identity(2), -1), "steps", ">= 0");
        CholeskyTest.assertMessage(() -> bjorck.orthonormalize(CommonOps_DDRM.diag(1, Double.NaN), 1), "NaN");
    }
}
