package io.qshampoo.linalg;

import static io.qshampoo.linalg.Qt.U;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.concurrent.atomic.AtomicInteger;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

/**
 * What every {@link InverseRoot} must satisfy, whatever computes it (EJML eigen, coupled Newton, a GPU
 * backend): the abstract-suite style of EJML's tests. A subclass names the implementation, its stopping
 * tolerance and the precision it computes in; the properties are shared.
 */
public abstract class InverseRootContract {

    /** The implementation under test, ridge ε·λmax with ε = 1e-6. */
    protected abstract InverseRoot create();

    /** The implementation's own stopping tolerance on max|Xᵖ·Â − I| (0 for a direct method). */
    protected abstract double tolerance();

    /** Unit roundoff of the arithmetic the implementation computes in (2⁻⁵³ for float64). */
    protected double unitRoundoff() {
        return U;
    }

    /**
     * The fewest converged cases, out of the property's examples, for the agreement property to count as tested: an
     * implementation that never converges on this sample must not pass by skipping everything. One in eight is
     * below what the official 10-iteration preset reaches here (it converges for κ up to ~1e3 of the sampled 1e0 …
     * 1e10) and far above zero.
     */
    protected double minimumConvergedFraction() {
        return 1.0 / 8;
    }

    @Test
    void agreesWithTheExactRootOfTheConstructionWhenItConverges() {
        InverseRoot root = create();
        AtomicInteger cases = new AtomicInteger();
        AtomicInteger checked = new AtomicInteger();
        Qt.qt().forAll(integers().between(1, 12), Qt.log10Condition(10), integers().between(1, 4), Qt.seeds())
                .checkAssert((n, logK, p, seed) -> {
                    cases.incrementAndGet();
                    double condition = Math.pow(10, logK);
                    RootResult r = root.compute(Qt.spd(n, condition, seed), p);
                    if (!r.converged()) {
                        return; // non-convergence is reported, not hidden: checked by the residual property
                    }
                    checked.incrementAndGet();
                    // Same ridge as the implementation chose (the official preset estimates λmax by at most 10
                    // power steps, which can stall well below λmax): the contract is about the root, not the ridge.
                    // The reference comes from the matrix's construction, not from an eigensolver.
                    DMatrixRMaj ref = Qt.spdRoot(n, condition, seed, r.ridge(), p);
                    double kappa = (1 + r.ridge()) / (Math.pow(10, -logK) + r.ridge());
                    // Stopping at max|E| ≤ tol leaves a relative error ≤ n·tol/p (X = Â^(−1/p)(I + E)^(1/p));
                    // computing in precision u adds ≲ n·κ·u on each side (Higham ch. 6), forming A from U·Λ·Uᵀ
                    // another n·κ·u.
                    double bound = 2 * n * tolerance() / p + 10 * n * kappa * (unitRoundoff() + 2 * U);
                    double rel = Qt.relativeFrobenius(ref, r.root());
                    assertTrue(rel <= bound, () -> root + ": relative difference " + rel + " > " + bound);
                });
        assertTrue(checked.get() >= minimumConvergedFraction() * cases.get(), root + " converged on " + checked.get()
                + " of " + cases.get() + " cases; expected at least " + minimumConvergedFraction() + " of them");
    }

    @Test
    void reportsAResidualConsistentWithItsConvergenceFlag() {
        InverseRoot root = create();
        Qt.qt().forAll(integers().between(1, 12), Qt.log10Condition(10), Qt.seeds()).checkAssert((n, logK, seed) -> {
            DMatrixRMaj a = Qt.spd(n, Math.pow(10, logK), seed);
            RootResult r = root.compute(a, 4);
            double kappa = (1 + r.ridge()) / (Math.pow(10, -logK) + r.ridge());
            // Recomputing Xᵖ·Â adds entrywise error ≲ (p + 1)·n·u·κ; X itself carries the relative error of the
            // method's last products or eigendecomposition, ≲ 10·n·u·κ (backward-stable, p(n) = 10·n), which Xᵖ
            // multiplies by p = 4 (an eigen root on OpenBLAS's syevr measured 48·n·u at n = 11, κ = 1).
            double slack = 4 * (5 + 4 * 10) * n * kappa * (unitRoundoff() + U);
            assertTrue(Double.isFinite(r.residual()));
            if (r.converged()) {
                assertTrue(r.residual() <= tolerance() + slack, () -> root + ": residual " + r.residual());
            } else {
                assertTrue(r.residual() > tolerance() - slack, () -> root + " says not converged, residual " + r.residual());
            }
        });
    }

    @Test
    void rootIsSymmetric() {
        InverseRoot root = create();
        Qt.qt().forAll(integers().between(1, 12), Qt.log10Condition(6), Qt.seeds()).checkAssert((n, logK, seed) -> {
            DMatrixRMaj x = root.compute(Qt.spd(n, Math.pow(10, logK), seed), 4).root();
            double max = CommonOps_DDRM.elementMaxAbs(x);
            // Xₖ is a polynomial in Â, symmetric in exact arithmetic; each product breaks symmetry by ≲ n·u·|X|.
            double tol = 100 * n * (unitRoundoff() + U) * max * Math.pow(10, logK / 4.0);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    assertEquals(x.get(i, j), x.get(j, i), tol);
                }
            }
        });
    }

    @Test
    void rejectsIndefiniteInputNamingTheCulprit() {
        InverseRoot root = create();
        DMatrixRMaj indefinite = CommonOps_DDRM.diag(1, -1);
        NotPositiveDefiniteException e = assertThrows(NotPositiveDefiniteException.class, () -> root.compute(indefinite, 4));
        assertTrue(e.value() < 0, e.getMessage());
        CholeskyTest.assertMessage(() -> root.compute(CommonOps_DDRM.identity(2), 0), "root order p", ">= 1");
        CholeskyTest.assertMessage(() -> root.compute(new DMatrixRMaj(2, 3), 4), "2x3");
        CholeskyTest.assertMessage(() -> root.compute(new DMatrixRMaj(new double[][] {{1, 2}, {0, 1}}), 4), "not symmetric");
    }
}
