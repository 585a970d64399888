package io.qshampoo.linalg;

import static io.qshampoo.linalg.Qt.U;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

class InverseRootTest {

    private static final InverseRoot EIGEN = new EigenInverseRoot(Ridge.relative(1e-6));
    private static final InverseRoot NEWTON = new CoupledNewtonInverseRoot(NewtonSettings.converging());
    private static final InverseRoot OFFICIAL = new CoupledNewtonInverseRoot(NewtonSettings.official());

    @Test
    void diagonalRootsAreExact() {
        DMatrixRMaj a = CommonOps_DDRM.diag(16, 81, 1);
        InverseRoot eigen = new EigenInverseRoot(Ridge.absolute(0));
        InverseRoot newton = new CoupledNewtonInverseRoot(NewtonSettings.converging().withRidge(Ridge.absolute(0)));
        // 16^(−1/4) = 1/2, 81^(−1/4) = 1/3. The eigen root is exact up to a few ulps of pow; Newton stops at
        // max|M − I| ≤ tol, which leaves a relative error ≤ tol/p per (diagonal) entry.
        double newtonTol = NewtonSettings.converging().tolerance();
        RootResult e4 = eigen.compute(a, 4);
        assertArrayEquals(new double[] {0.5, 0, 0, 0, 1.0 / 3, 0, 0, 0, 1}, e4.root().data, 1e-15);
        RootResult n4 = newton.compute(a, 4);
        assertArrayEquals(new double[] {0.5, 0, 0, 0, 1.0 / 3, 0, 0, 0, 1}, n4.root().data, newtonTol / 4);
        assertTrue(e4.converged() && n4.converged());
        assertEquals(0.0, n4.ridge());
        assertArrayEquals(new double[] {1.0 / 16, 0, 0, 0, 1.0 / 81, 0, 0, 0, 1}, eigen.compute(a, 1).root().data, 1e-16);
        assertArrayEquals(new double[] {0.25, 0, 0, 0, 1.0 / 9, 0, 0, 0, 1}, newton.compute(a, 2).root().data,
                newtonTol / 2);
    }

    @Test
    void officialPresetDoesNotConvergeForIllConditionedMatricesAndSaysSo() {
        DMatrixRMaj easy = SyntheticMatrices.spdWithCondition(50, 10, new Random(7));
        RootResult ok = OFFICIAL.compute(easy, 4);
        assertTrue(ok.converged());
        assertTrue(ok.iterations() <= 10);

        DMatrixRMaj hard = SyntheticMatrices.spdWithCondition(50, 1e6, new Random(7));
        RootResult r = OFFICIAL.compute(hard, 4);
        assertFalse(r.converged(), "10 iterations cannot converge at condition number 1e6");
        assertEquals(10, r.iterations());
        // The small eigenvalues of M grow by at most ((p+1)/p)^p ≈ 2.44 per step: after 10 steps
        // those starting near z·λmin ~ 1e-6 are still far from 1, so the residual is O(1), not small.
        assertTrue(r.residual() > 0.1, "residual " + r.residual());
        RootResult exact = EIGEN.compute(hard, 4);
        assertTrue(Qt.relativeFrobenius(exact.root(), r.root()) > 0.1);
    }

    @Test
    void officialRidgeUsesThePowerIterationEstimate() {
        DMatrixRMaj a = SyntheticMatrices.spdWithCondition(20, 100, new Random(3));
        RootResult r = OFFICIAL.compute(a, 4);
        double expected = 1e-6 * LambdaMax.powerIteration(a, 10, 1e-6).estimate();
        assertEquals(expected, r.ridge(), 0.0);
    }

    @Test
    void rejectsBadSettings() {
        CholeskyTest.assertMessage(() -> new NewtonSettings(0, 1e-6, 1.2, Ridge.absolute(0)), "maxIterations");
        CholeskyTest.assertMessage(() -> new NewtonSettings(5, Double.NaN, 1.2, Ridge.absolute(0)), "tolerance");
        CholeskyTest.assertMessage(() -> new NewtonSettings(5, 1e-6, 0.5, Ridge.absolute(0)), "growthLimit");
        CholeskyTest.assertMessage(() -> new NewtonSettings(5, 1e-6, Double.NaN, Ridge.absolute(0)), "growthLimit");
        CholeskyTest.assertMessage(() -> Ridge.absolute(-1), "ridge epsilon");
        CholeskyTest.assertMessage(() -> Ridge.relativePower(1e-6, 0), "power iterations");
    }
}
