package io.qshampoo.linalg;

import static io.qshampoo.linalg.Qt.U;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

class SubspaceIterationTest {

    private final SubspaceIteration iteration = new SubspaceIteration();

    @Test
    void exactEigenvectorsAreAFixedPoint() {
        Qt.qt().forAll(integers().between(1, 10), Qt.log10Condition(6), Qt.seeds()).checkAssert((n, logK, seed) -> {
            DMatrixRMaj l = Qt.spd(n, Math.pow(10, logK), seed);
            SymmetricEigen eig = SymmetricEigen.of(l);
            SubspaceIteration.Step step = iteration.step(l, eig.vectors());
            for (int j = 0; j < n; j++) {
                // Rayleigh quotients of exact eigenvectors are the eigenvalues, to rounding (n·u·λmax each).
                assertEquals(eig.values()[j], step.values()[j], 10 * n * U * eig.max());
            }
            // Columns keep their sign and order: V'ᵀV ≈ I, up to the eigenvector rounding (amplified for
            // the smallest eigenvalues by the QR of L·V, whose columns scale like λ: κ·n·u).
            DMatrixRMaj vtv = new DMatrixRMaj(n, n);
            CommonOps_DDRM.multTransA(step.vectors(), eig.vectors(), vtv);
            double kappa = Math.pow(10, logK);
            for (int j = 0; j < n; j++) {
                assertEquals(1.0, vtv.get(j, j), 100 * n * kappa * U);
            }
        });
    }

    @Test
    void repeatedStepsConvergeToTheDominantEigenvectors() {
        int n = 8;
        double[] spectrum = {64, 32, 16, 8, 4, 2, 1, 0.5};
        DMatrixRMaj l = SyntheticMatrices.spdWithSpectrum(spectrum, new Random(11));
        DMatrixRMaj v = SyntheticMatrices.haarOrthogonal(n, new Random(12));
        SubspaceIteration.Step step = null;
        for (int s = 0; s < 200; s++) {
            step = iteration.step(l, v);
            v = step.vectors();
        }
        // Ratio λ_{i+1}/λ_i = 1/2: after 200 steps the subspaces agree to far below 1e-10.
        for (int j = 0; j < n; j++) {
            assertEquals(spectrum[j], step.values()[j], 1e-10 * spectrum[0]);
        }
    }

    @Test
    void rejectsBadShapes() {
        CholeskyTest.assertMessage(() -> iteration.step(CommonOps_DDRM.identity(3), new DMatrixRMaj(2, 2)), "2x2",
                "expected 3 x k");
        CholeskyTest.assertMessage(() -> iteration.step(CommonOps_DDRM.identity(2), new DMatrixRMaj(2, 3)), "2x3");
    }
}
