package io.qshampoo.linalg;

import static io.qshampoo.linalg.FrequentDirectionsStreams.U;
import static io.qshampoo.linalg.FrequentDirectionsStreams.denseInverseRoot;
import static io.qshampoo.linalg.FrequentDirectionsStreams.exactStatistic;
import static io.qshampoo.linalg.FrequentDirectionsStreams.frobenius;
import static io.qshampoo.linalg.FrequentDirectionsStreams.lemma1Bound;
import static io.qshampoo.linalg.FrequentDirectionsStreams.minus;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class FrequentDirectionsTest {

    private static DMatrixRMaj col(double... v) {
        return new DMatrixRMaj(v.length, 1, true, v);
    }

    private static DMatrixRMaj diag(double... v) {
        return CommonOps_DDRM.diag(v);
    }

    private static void assertMessage(Class<? extends Throwable> type, String fragment,
            Executable call) {
        Throwable e = assertThrows(type, call);
        assertTrue(e.getMessage().contains(fragment), () -> "message \"" + e.getMessage() + "\" lacks \"" + fragment + "\"");
    }

    @Test
    void handComputedStreamShowsTheDecayedEscapedMass() {
        // n = 3, ℓ = 2 (one direction kept), β = 1/2; g₁ = 3e₁, g₂ = 4e₂, g₃ = 0.
        FrequentDirections fd = new FrequentDirections(3, 2, 0.5);
        // Step 1: s = (3, 0): nothing escapes, σ = (3, 0).
        assertEquals(0.0, fd.update(col(3, 0, 0)), 0.0);
        assertArrayEquals(new double[] {3, 0}, fd.singularValues(), 4 * U * 3);
        // Step 2: [√½·3e₁, 0, 4e₂] has s² = (16, 4.5): ρ₂ = 4.5, σ₁ = √11.5 along e₂.
        // Values below are exact up to a few roundings of numbers near 10: 16 ulps of 16.
        double tol = 16 * U * 16;
        assertEquals(4.5, fd.update(col(0, 4, 0)), tol);
        assertEquals(Math.sqrt(11.5), fd.singularValues()[0], tol);
        assertEquals(4.5, fd.escapedMass(), tol);
        // G₂ = diag(4.5, 16, 0), Ḡ₂ = 11.5·e₂e₂ᵀ, so G₂ − Ḡ₂ = diag(4.5, 4.5, 0): ‖·‖ = ρ₁:₂ = 4.5, and the
        // Lemma 1 bound at k = 1 is λ₂ + λ₃ = 4.5 — both inequalities of Obs. 6 are equalities here.
        assertArrayEquals(diag(0, 11.5, 0).data, fd.sketch().data, tol);
        // Step 3 (g₃ = 0): ρ₃ = 0, and the old escaped mass decays with the statistic: ρ₁:₃ = ½·4.5 = 2.25,
        // exactly ‖G₃ − Ḡ₃‖ = ‖diag(2.25, 2.25, 0)‖. The plain sum Σρₜ would stay at 4.5, twice the error.
        assertEquals(0.0, fd.update(col(0, 0, 0)), tol * tol);
        assertEquals(2.25, fd.escapedMass(), tol);
        assertArrayEquals(diag(0, 5.75, 0).data, fd.sketch().data, tol);
        assertEquals(3, fd.steps());
    }

    @Test
    void plainSumOfEscapedMassViolatesLemma1UnderDecayButTheDecayedSumDoesNot() {
        // One large 4×3 block, then nine tiny ones, β = 0.5, ℓ = 2: the mass escaped at step 1 is ~λ₂ of
        // the first block, while G_T has decayed by 2⁻⁹. Σρₜ then exceeds Lemma 1's bound by orders of
        // magnitude; the decayed sum stays below it.
        Random rnd = new Random(7);
        List<DMatrixRMaj> blocks = new ArrayList<>();
        blocks.add(SyntheticMatrices.gaussian(4, 3, rnd));
        for (int t = 0; t < 9; t++) {
            DMatrixRMaj g = SyntheticMatrices.gaussian(4, 3, rnd);
            CommonOps_DDRM.scale(1e-3, g);
            blocks.add(g);
        }
        FrequentDirections fd = new FrequentDirections(4, 2, 0.5);
        double plainSum = 0;
        for (DMatrixRMaj g : blocks) {
            plainSum += fd.update(g);
        }
        double bound = lemma1Bound(DenseKernels.reference().symmetricEigen(exactStatistic(blocks, 0.5)).values(), 2);
        final double plainSumFinal = plainSum;
        assertTrue(plainSum > 10 * bound, () -> "plain sum " + plainSumFinal + " should break the bound " + bound);
        assertTrue(fd.escapedMass() <= bound, () -> "decayed " + fd.escapedMass() + " > bound " + bound);
    }

    @Test
    void sketchIsExactWhenEllExceedsTheRankOfTheStream() {
        // n = 8, stream in a 3-dimensional subspace, ℓ = 4 ≥ rank + 1: every step's ℓ-th singular value is
        // zero in exact arithmetic, so ρ = 0 and Ḡ_T = G_T.
        Random rnd = new Random(11);
        DMatrixRMaj basis = SyntheticMatrices.gaussian(8, 3, rnd);
        List<DMatrixRMaj> blocks = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            DMatrixRMaj g = new DMatrixRMaj(8, 2);
            CommonOps_DDRM.mult(basis, SyntheticMatrices.gaussian(3, 2, rnd), g);
            blocks.add(g);
        }
        FrequentDirections fd = new FrequentDirections(8, 4, 0.9);
        for (DMatrixRMaj g : blocks) {
            fd.update(g);
        }
        DMatrixRMaj exact = exactStatistic(blocks, 0.9);
        double norm = DenseKernels.reference().symmetricEigen(exact).max();
        // A backward-stable SVD returns s_ℓ ≤ ‖Δ‖ ≲ c·(n+w+k)·u·‖M‖, so each ρₜ = s_ℓ² is O(u²·‖G‖); with
        // c = 32 and T = 6 steps the budget is 6·(32·14·u)²·‖G‖ ≈ 1e-26·‖G‖.
        double rhoBudget = 6 * Math.pow(32 * 14 * U, 2) * norm;
        assertTrue(fd.escapedMass() <= rhoBudget, () -> "ρ = " + fd.escapedMass() + " > " + rhoBudget);
        // The stream budget of FrequentDirectionsProperties: 32·(n + w + k)·T·u·‖G‖.
        double tol = 32.0 * 14 * 6 * U * norm;
        double err = frobenius(minus(exact, fd.sketch()));
        assertTrue(err <= tol, () -> "‖G − Ḡ‖_F = " + err + " > " + tol);
    }

    @Test
    void sketchWiderThanTheDimensionIsExactAndKeepsAllDirections() {
        FrequentDirections fd = new FrequentDirections(3, 5, 0.9);
        assertEquals(3, fd.width());
        List<DMatrixRMaj> blocks = new ArrayList<>();
        Random rnd = new Random(5);
        for (int t = 0; t < 4; t++) {
            blocks.add(SyntheticMatrices.gaussian(3, 2, rnd));
            assertEquals(0.0, fd.update(blocks.get(t)), 0.0);
        }
        assertEquals(0.0, fd.escapedMass(), 0.0);
        DMatrixRMaj exact = exactStatistic(blocks, 0.9);
        double norm = DenseKernels.reference().symmetricEigen(exact).max();
        // Stream budget 32·(n + w + k)·T·u·‖G‖ with n = w = 3, k = 2, T = 4.
        double tol = 32.0 * 8 * 4 * U * norm;
        assertTrue(frobenius(minus(exact, fd.sketch())) <= tol);
        assertTrue(fd.singularValues()[2] > 0, "with n < ℓ the last direction is kept, not dropped");
    }

    @Test
    void factoredInverseRootMatchesTheDenseRootOnAFixedStream() {
        Random rnd = new Random(3);
        FrequentDirections fd = new FrequentDirections(6, 3, 0.9);
        for (int t = 0; t < 5; t++) {
            fd.update(SyntheticMatrices.gaussian(6, 2, rnd));
        }
        assertTrue(fd.escapedMass() > 0, "the stream must overflow the sketch for ρ to matter");
        double eps = 1e-3;
        DMatrixRMaj a = fd.sketch();
        for (int i = 0; i < 6; i++) {
            a.data[i * 6 + i] += fd.escapedMass() + eps;
        }
        DMatrixRMaj x = SyntheticMatrices.gaussian(6, 4, rnd);
        DMatrixRMaj dense = new DMatrixRMaj(6, 4);
        CommonOps_DDRM.mult(denseInverseRoot(a, 4), x, dense);
        DMatrixRMaj factored = fd.applyInverseRoot(x, 4, eps);
        double floor = fd.escapedMass() + eps;
        double kappa = DenseKernels.reference().symmetricEigen(a).max() / floor;
        // Relative error ≲ c·n·κ·u (see FrequentDirectionsProperties), c = 16.
        double err = frobenius(minus(factored, dense)) / (Math.pow(floor, -0.25) * frobenius(x));
        assertTrue(err <= 16 * 6 * kappa * U, () -> "relative error " + err + ", κ = " + kappa);
        // Right side: X·A^(−1/4) = (A^(−1/4)·Xᵀ)ᵀ.
        DMatrixRMaj rightDense = CommonOps_DDRM.transpose(dense, null);
        DMatrixRMaj right = fd.applyInverseRootRight(CommonOps_DDRM.transpose(x, null), 4, eps);
        double errRight = frobenius(minus(right, rightDense)) / (Math.pow(floor, -0.25) * frobenius(x));
        assertTrue(errRight <= 16 * 6 * kappa * U, () -> "relative error (right) " + errRight);
    }

    @Test
    void emptySketchAppliesThePureRidge() {
        FrequentDirections fd = new FrequentDirections(4, 2);
        DMatrixRMaj x = SyntheticMatrices.gaussian(4, 2, new Random(9));
        DMatrixRMaj y = fd.applyInverseRoot(x, 2, 0.25);
        // σ = 0, ρ = 0: the operator is (0.25·I)^(−1/2) = 2·I; U·diag(d − c) vanishes exactly (d = c), so y = 2x.
        DMatrixRMaj twice = x.copy();
        CommonOps_DDRM.scale(2, twice);
        assertArrayEquals(twice.data, y.data, 0.0);
    }

    @Test
    void updateAndApplicationGoThroughTheKernelsWithoutSquaring() {
        RecordingKernels recording = new RecordingKernels();
        List<String> calls = recording.calls;
        FrequentDirections fd = new FrequentDirections(7, 3, 0.9, recording);
        fd.update(SyntheticMatrices.gaussian(7, 2, new Random(1)));
        assertEquals(List.of("thinSvd 7x5"), calls, "one SVD of [√β·B, G] (n × (ℓ+k)), nothing squared");
        calls.clear();
        fd.applyInverseRoot(SyntheticMatrices.gaussian(7, 4, new Random(2)), 4, 1e-3);
        assertEquals(List.of("multTransA 7x3 7x4", "mult 7x3 3x4"), calls, "Uᵀ·X then U·(…): no n×n operand");
        calls.clear();
        fd.applyInverseRootRight(SyntheticMatrices.gaussian(4, 7, new Random(2)), 4, 1e-3);
        assertEquals(List.of("mult 4x7 7x3", "multTransB 4x3 7x3"), calls);
    }

    @Test
    void stateIsADeepCopy() {
        FrequentDirections fd = new FrequentDirections(5, 3, 0.9);
        fd.update(SyntheticMatrices.gaussian(5, 2, new Random(4)));
        FrequentDirections.State s = fd.state();
        double sigma0 = fd.singularValues()[0];
        double u00 = fd.basis().get(0, 0);
        s.singularValues()[0] = 123;
        s.basis().set(0, 0, 123);
        fd.singularValues()[0] = 456;
        assertEquals(sigma0, fd.singularValues()[0], 0.0);
        assertEquals(u00, fd.basis().get(0, 0), 0.0);
    }

    @Test
    void constructorRejectsBadSizesAndDecays() {
        assertMessage(IllegalArgumentException.class, "ell is 0; expected a value >= 1",
                () -> new FrequentDirections(4, 0));
        assertMessage(IllegalArgumentException.class, "n is -1", () -> new FrequentDirections(-1, 2));
        assertMessage(IllegalArgumentException.class, "beta is 0.0; expected a decay in (0, 1]",
                () -> new FrequentDirections(4, 2, 0.0));
        assertMessage(IllegalArgumentException.class, "beta is 1.5", () -> new FrequentDirections(4, 2, 1.5));
        assertMessage(IllegalArgumentException.class, "beta is NaN", () -> new FrequentDirections(4, 2, Double.NaN));
        assertMessage(IllegalArgumentException.class, "kernels is null", () -> new FrequentDirections(4, 2, 1, null));
    }

    @Test
    void updateRejectsWrongShapesAndNonFiniteBlocksAndLeavesTheStateAlone() {
        FrequentDirections fd = new FrequentDirections(4, 2, 0.9);
        fd.update(SyntheticMatrices.gaussian(4, 1, new Random(1)));
        FrequentDirections.State before = fd.state();
        assertMessage(IllegalArgumentException.class, "g is 5x1; expected 4xk", () -> fd.update(new DMatrixRMaj(5, 1)));
        assertMessage(IllegalArgumentException.class, "g is 4x0", () -> fd.update(new DMatrixRMaj(4, 0)));
        DMatrixRMaj nan = new DMatrixRMaj(4, 2);
        nan.set(2, 1, Double.NaN);
        assertMessage(IllegalArgumentException.class, "g[2, 1] is NaN", () -> fd.update(nan));
        assertMessage(IllegalArgumentException.class, "g is null", () -> fd.update(null));
        DMatrixRMaj huge = new DMatrixRMaj(4, 1, true, 1e300, 0, 0, 0);
        FrequentDirections narrow = new FrequentDirections(4, 1);
        assertMessage(ArithmeticException.class, "escaped mass overflowed", () -> narrow.update(huge));
        assertEquals(0, narrow.steps());
        assertEquals(before, fd.state());
    }

    @Test
    void inverseRootRejectsBadArguments() {
        FrequentDirections empty = new FrequentDirections(4, 2, 0.9);
        DMatrixRMaj x = new DMatrixRMaj(4, 3);
        assertMessage(IllegalArgumentException.class, "escaped mass + eps is 0.0 + 0.0 = 0.0; expected > 0",
                () -> empty.applyInverseRoot(x, 4, 0));
        assertMessage(IllegalArgumentException.class, "escaped mass + eps",
                () -> empty.applyInverseRootRight(new DMatrixRMaj(3, 4), 4, 0));
        assertMessage(IllegalArgumentException.class, "eps is -1.0", () -> empty.applyInverseRoot(x, 4, -1));
        assertMessage(IllegalArgumentException.class, "eps is NaN", () -> empty.applyInverseRoot(x, 4, Double.NaN));
        assertMessage(IllegalArgumentException.class, "p is 0.0; expected a finite root order > 0",
                () -> empty.applyInverseRoot(x, 0, 1e-3));
        assertMessage(IllegalArgumentException.class, "p is Infinity",
                () -> empty.applyInverseRoot(x, Double.POSITIVE_INFINITY, 1e-3));
        assertMessage(IllegalArgumentException.class, "x is 3x4; expected 4xm",
                () -> empty.applyInverseRoot(new DMatrixRMaj(3, 4), 4, 1e-3));
        assertMessage(IllegalArgumentException.class, "x is 4x3; expected mx4",
                () -> empty.applyInverseRootRight(x, 4, 1e-3));
        DMatrixRMaj inf = new DMatrixRMaj(4, 3);
        inf.set(0, 2, Double.NEGATIVE_INFINITY);
        assertMessage(IllegalArgumentException.class, "x[0, 2] is -Infinity", () -> empty.applyInverseRoot(inf, 4, 1e-3));
    }

    @Test
    void restoreRejectsStatesThatBreakTheInvariants() {
        FrequentDirections fd = new FrequentDirections(5, 3, 0.9);
        fd.update(SyntheticMatrices.gaussian(5, 2, new Random(8)));
        FrequentDirections.State ok = fd.state();
        DMatrixRMaj u = ok.basis();
        double[] s = ok.singularValues();

        DMatrixRMaj skewed = u.copy();
        skewed.set(0, 0, skewed.get(0, 0) + 1e-6);
        assertMessage(IllegalArgumentException.class, "state.basis is not orthonormal",
                () -> FrequentDirections.restore(withBasis(ok, skewed)));
        // The same basis passes with a tolerance loose enough for it, e.g. for an fp32 checkpoint.
        FrequentDirections.restore(withBasis(ok, skewed), DenseKernels.reference(), 1e-5);
        assertMessage(IllegalArgumentException.class, "state.basis is 5x2; expected 5x3",
                () -> FrequentDirections.restore(withBasis(ok, new DMatrixRMaj(5, 2))));
        assertMessage(IllegalArgumentException.class, "expected 0 (FD keeps the last column of B zero",
                () -> FrequentDirections.restore(withSigma(ok, new double[] {s[0], s[1], 1e-3})));
        assertMessage(IllegalArgumentException.class, "expected finite, >= 0 and descending",
                () -> FrequentDirections.restore(withSigma(ok, new double[] {s[1], s[0], 0})));
        assertMessage(IllegalArgumentException.class, "state.singularValues has length 2; expected 3",
                () -> FrequentDirections.restore(withSigma(ok, new double[] {s[0], 0})));
        assertMessage(IllegalArgumentException.class, "state.escapedMass is -1.0",
                () -> FrequentDirections.restore(new FrequentDirections.State(3, 0.9, u, s, 0, -1, 1)));
        assertMessage(IllegalArgumentException.class, "expected >= state.lastEscapedMass",
                () -> FrequentDirections.restore(new FrequentDirections.State(3, 0.9, u, s, 2, 1, 1)));
        assertMessage(IllegalArgumentException.class, "state.steps is -1",
                () -> FrequentDirections.restore(new FrequentDirections.State(3, 0.9, u, s, 0, 0, -1)));
        assertMessage(IllegalArgumentException.class, "state.steps is 0 but",
                () -> FrequentDirections.restore(new FrequentDirections.State(3, 0.9, u, s, 0, 0, 0)));
        assertMessage(IllegalArgumentException.class, "beta is 2.0",
                () -> FrequentDirections.restore(new FrequentDirections.State(3, 2.0, u, s, 0, 0, 1)));
        assertMessage(IllegalArgumentException.class, "state is null", () -> FrequentDirections.restore(null));
    }

    @Test
    void tailDecayChangesOnlyTheEscapedMass() {
        Random r = new Random(11);
        double beta = 0.81;
        double gamma = Math.sqrt(beta);
        FrequentDirections plain = new FrequentDirections(7, 3, beta);
        FrequentDirections official = new FrequentDirections(7, 3, beta, gamma, DenseKernels.reference());
        double expected = 0;
        for (int t = 0; t < 5; t++) {
            DMatrixRMaj g = new DMatrixRMaj(7, 2);
            for (int i = 0; i < g.data.length; i++) {
                g.data[i] = r.nextGaussian();
            }
            plain.update(g);
            double rho = official.update(g);
            expected = gamma * expected + rho; // the same operations as the update: bit for bit
            assertArrayEquals(plain.singularValues(), official.singularValues(), 0.0, "the sketch does not see γ");
            assertEquals(expected, official.escapedMass(), 0.0);
        }
        assertTrue(official.escapedMass() > plain.escapedMass(), "√β > β keeps more of the old mass");
        assertEquals(gamma, FrequentDirections.restore(official.state()).tailDecay(), 0.0);
        assertMessage(IllegalArgumentException.class, "tailDecay is 0.0",
                () -> new FrequentDirections(7, 3, beta, 0.0, DenseKernels.reference()));
    }

    @Test
    void zeroTailComplementIsDroppedOnRequestAndZeroDirectionsBelongToIt() {
        // Rank 2 into a buffer of 4 (3 directions): ρ = 0 exactly, σ₃ = 0.
        FrequentDirections fd = new FrequentDirections(6, 4, 1.0);
        DMatrixRMaj g = new DMatrixRMaj(6, 2);
        g.set(0, 0, 3);
        g.set(1, 1, 1);
        fd.update(g);
        assertEquals(0.0, fd.escapedMass(), 0.0);
        assertEquals(0.0, fd.singularValues()[2], 0.0);
        DMatrixRMaj outside = col(0, 0, 1, -2, 0.5, 1);
        DMatrixRMaj dropped = fd.applyInverseRoot(outside, 4, 1e-6, true);
        assertEquals(0.0, CommonOps_DDRM.elementMaxAbs(dropped), 0.0, "the complement, σ₃'s direction included, is dropped");
        DMatrixRMaj scaled = fd.applyInverseRoot(outside, 4, 1e-6);
        // c = (ρ + ε)^(−1/4) = (1e-6)^(−1/4) ≈ 31.6 times X, up to the SVD's rounding.
        for (int i = 0; i < 6; i++) {
            assertEquals(Math.pow(1e-6, -0.25) * outside.get(i), scaled.get(i), 1e-12 * 31.6 * 2);
        }
        // Held directions: (σᵢ² + ε)^(−1/4) under both rules; the right-side form agrees with the left one.
        DMatrixRMaj e1 = col(1, 0, 0, 0, 0, 0);
        assertEquals(Math.pow(9 + 1e-6, -0.25), fd.applyInverseRoot(e1, 4, 1e-6, true).get(0), 1e-15);
        DMatrixRMaj row = new DMatrixRMaj(1, 6, true, 0, 0, 1, -2, 0.5, 1);
        assertEquals(0.0, CommonOps_DDRM.elementMaxAbs(fd.applyInverseRootRight(row, 4, 1e-6, true)), 0.0);
        // With the drop, ρ + ε may be 0.
        assertEquals(Math.pow(9, -0.25), fd.applyInverseRoot(e1, 4, 0, true).get(0), 1e-15);
        assertMessage(IllegalArgumentException.class, "escaped mass + eps is 0.0 + 0.0",
                () -> fd.applyInverseRoot(e1, 4, 0, false));
    }

    private static FrequentDirections.State withBasis(FrequentDirections.State s, DMatrixRMaj basis) {
        return new FrequentDirections.State(s.ell(), s.beta(), basis, s.singularValues(), s.lastEscapedMass(),
                s.escapedMass(), s.steps());
    }

    private static FrequentDirections.State withSigma(FrequentDirections.State s, double[] sigma) {
        return new FrequentDirections.State(s.ell(), s.beta(), s.basis(), sigma, s.lastEscapedMass(),
                s.escapedMass(), s.steps());
    }
}
