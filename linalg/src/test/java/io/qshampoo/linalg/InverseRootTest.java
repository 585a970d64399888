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
    void convergedNewtonAgreesWithTheEigenReference() {
        Qt.qt().forAll(integers().between(1, 12), Qt.log10Condition(10), integers().between(1, 4), Qt.seeds())
                .checkAssert((n, logK, p, seed) -> {
                    DMatrixRMaj a = Qt.spd(n, Math.pow(10, logK), seed);
                    RootResult newton = NEWTON.compute(a, p);
                    RootResult eigen = EIGEN.compute(a, p);
                    assertTrue(newton.converged(), "the converging preset must converge");
                    assertEquals(eigen.ridge(), newton.ridge(), 1e-12 * eigen.ridge());
                    double kappa = (1 + eigen.ridge()) / (Math.pow(10, -logK) + eigen.ridge());
                    double tol = NewtonSettings.converging().tolerance();
                    // Newton stops at M = I + E with max|E| ≤ tol; since X = Â^(−1/p)(I + E)^(1/p), its
                    // relative error is ≤ ‖E‖₂/p ≤ n·tol/p. Both computations also carry rounding of
                    // order n·κ·u (perturbation of the root of an SPD matrix, Higham ch. 6).
                    double bound = 2 * n * tol / p + 10 * n * kappa * U;
                    double rel = Qt.relativeFrobenius(eigen.root(), newton.root());
                    assertTrue(rel <= bound, () -> "relative difference " + rel + " > " + bound);
                });
    }

    @Test
    void reportedResidualIsWithinToleranceWhenConverged() {
        Qt.qt().forAll(integers().between(1, 12), Qt.log10Condition(10), Qt.seeds()).checkAssert((n, logK, seed) -> {
            DMatrixRMaj a = Qt.spd(n, Math.pow(10, logK), seed);
            for (InverseRoot root : new InverseRoot[] {NEWTON, OFFICIAL}) {
                RootResult r = root.compute(a, 4);
                double tol = ((CoupledNewtonInverseRoot) root).settings().tolerance();
                double kappa = (1 + r.ridge()) / (Math.pow(10, -logK) + r.ridge());
                // Recomputing Xᵖ·Â in floating point adds entrywise error ≲ (p + 1)·n·u·‖X‖₂ᵖ‖Â‖₂ = 5·n·u·κ.
                double slack = 4 * 5 * n * kappa * U;
                assertTrue(Double.isFinite(r.residual()));
                if (r.converged()) {
                    assertTrue(r.residual() <= tol + slack, () -> root + ": residual " + r.residual());
                } else {
                    assertTrue(r.residual() > tol - slack, () -> root + " says not converged, residual " + r.residual());
                }
            }
        });
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
    void rejectsIndefiniteMatricesAndBadOrders() {
        DMatrixRMaj indefinite = CommonOps_DDRM.diag(1, -1);
        InverseRoot eigen = new EigenInverseRoot(Ridge.absolute(0));
        InverseRoot newton = new CoupledNewtonInverseRoot(NewtonSettings.converging().withRidge(Ridge.absolute(0)));
        NotPositiveDefiniteException e1 = assertThrows(NotPositiveDefiniteException.class, () -> eigen.compute(indefinite, 4));
        assertEquals(-1.0, e1.value());
        NotPositiveDefiniteException e2 = assertThrows(NotPositiveDefiniteException.class, () -> newton.compute(indefinite, 4));
        assertEquals(1, e2.index());
        CholeskyTest.assertMessage(() -> EIGEN.compute(CommonOps_DDRM.identity(2), 0), "root order p", ">= 1");
        CholeskyTest.assertMessage(() -> NEWTON.compute(new DMatrixRMaj(2, 3), 4), "2x3");
        CholeskyTest.assertMessage(() -> new NewtonSettings(0, 1e-6, 1.2, Ridge.absolute(0)), "maxIterations");
        CholeskyTest.assertMessage(() -> new NewtonSettings(5, Double.NaN, 1.2, Ridge.absolute(0)), "tolerance");
        CholeskyTest.assertMessage(() -> new NewtonSettings(5, 1e-6, 0.5, Ridge.absolute(0)), "growthLimit");
        CholeskyTest.assertMessage(() -> new NewtonSettings(5, 1e-6, Double.NaN, Ridge.absolute(0)), "growthLimit");
        CholeskyTest.assertMessage(() -> Ridge.absolute(-1), "ridge epsilon");
        CholeskyTest.assertMessage(() -> Ridge.relativePower(1e-6, 0), "power iterations");
    }
}
