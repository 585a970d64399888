package io.qshampoo.linalg;

import static io.qshampoo.linalg.Qt.U;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

class LambdaMaxTest {

    @Test
    void exactOnADiagonalMatrix() {
        assertEquals(9.0, LambdaMax.exact(CommonOps_DDRM.diag(1, 9, 4)), 0.0);
    }

    @Test
    void powerIterationNeverOverestimatesAndConvergesWithAGap() {
        Qt.qt().forAll(integers().between(1, 12), Qt.log10Condition(6), Qt.seeds()).checkAssert((n, logK, seed) -> {
            DMatrixRMaj a = Qt.spd(n, Math.pow(10, logK), seed);
            double exact = LambdaMax.exact(a);
            LambdaMax.Estimate est = LambdaMax.powerIteration(a, 1000, 1e-14);
            // A Rayleigh quotient of a symmetric matrix lies in [λmin, λmax]; allow rounding of the
            // n-term dot products (2·n·u·λmax) and of the eigensolver's λmax (backward stable: ≲ 10·n·u·‖A‖).
            assertTrue(est.estimate() <= exact * (1 + 12 * n * U), "Rayleigh quotient above λmax");
            // Eigenvalues are log-spaced, so λ₂/λ₁ = κ^(−1/(n−1)) ≤ 0.1^(1/11) ≈ 0.81 for κ ≥ 10: 1000
            // steps reduce the eigenvalue error by far more than the 1e-6 required here.
            if (logK >= 1) {
                assertEquals(exact, est.estimate(), 1e-6 * exact);
            }
        });
    }

    @Test
    void powerIterationStopsAtTheIterationBudget() {
        DMatrixRMaj a = CommonOps_DDRM.diag(1, 0.999, 0.5);
        LambdaMax.Estimate est = LambdaMax.powerIteration(a, 3, 0);
        assertEquals(3, est.iterations());
        assertTrue(!est.converged());
    }
}
