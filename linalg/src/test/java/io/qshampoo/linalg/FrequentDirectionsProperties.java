package io.qshampoo.linalg;

import static io.qshampoo.linalg.FrequentDirectionsStreams.U;
import static io.qshampoo.linalg.FrequentDirectionsStreams.denseInverseRoot;
import static io.qshampoo.linalg.FrequentDirectionsStreams.exactStatistic;
import static io.qshampoo.linalg.FrequentDirectionsStreams.frobenius;
import static io.qshampoo.linalg.FrequentDirectionsStreams.lemma1Bound;
import static io.qshampoo.linalg.FrequentDirectionsStreams.minus;
import static io.qshampoo.linalg.FrequentDirectionsStreams.streams;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import java.util.List;
import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/**
 * Feinberg et al. 2023, Lemma 1 and Observation 6 on random streams, and the factored inverse root.
 *
 * <p>Rounding budget used below, "tol = 32·(n + w + k)·T·u·‖G_T‖₂": each step's SVD is backward stable,
 * so its singular values and vectors are exact for [√β·B, Gₜ] + Δ with ‖Δ‖ ≲ c·(n + w + k)·u·‖[√β·B, Gₜ]‖,
 * which moves the eigenvalues of the step's statistic Sₜ by ≲ 2c·(n + w + k)·u·‖Sₜ‖; those errors enter
 * the error matrix Eₜ = β·Eₜ₋₁ + Δₜ like Δₜ does, and Σₜ β^(T−t)·‖Sₜ‖ ≤ T·‖G_T‖₂. The reference G_T
 * and the dense eigendecomposition of G_T − Ḡ_T add O(n·u·‖G_T‖₂). Over 2·10⁵ random streams the worst
 * observed error was 6.3·(n + w + k)·T·u·‖G_T‖₂, so 32 leaves a margin of 5 while staying ~10 orders of
 * magnitude below the quantities compared.
 */
class FrequentDirectionsProperties {

    private static final int EXAMPLES = Integer.getInteger("QT_EXAMPLES", 200);

    private static double tol(FrequentDirectionsStreams.Stream s, double normG) {
        return 32.0 * (s.n() + s.width() + s.k()) * s.steps() * U * normG;
    }

    @Test
    void sketchNeverExceedsTheStatistic() {
        // (a) Ḡ_T ⪯ G_T: the smallest eigenvalue of G_T − Ḡ_T is ≥ 0 up to rounding.
        qt().withExamples(EXAMPLES).forAll(streams()).checkAssert(s -> {
            List<DMatrixRMaj> blocks = s.blocks();
            FrequentDirections fd = s.sketch(blocks);
            DMatrixRMaj g = exactStatistic(blocks, s.beta());
            double normG = DenseKernels.reference().symmetricEigen(g).max();
            SymmetricEigen err = DenseKernels.reference().symmetricEigen(minus(g, fd.sketch()));
            double t = tol(s, normG);
            assertTrue(err.min() >= -t, () -> "λmin(G − Ḡ) = " + err.min() + " < -" + t + " for " + s);
        });
    }

    @Test
    void errorIsAtMostTheDecayedEscapedMass() {
        // (b) ‖G_T − Ḡ_T‖₂ ≤ ρ₁:T (Obs. 6, first inequality). Tight: after one step it is an equality.
        qt().withExamples(EXAMPLES).forAll(streams()).checkAssert(s -> {
            List<DMatrixRMaj> blocks = s.blocks();
            FrequentDirections fd = s.sketch(blocks);
            DMatrixRMaj g = exactStatistic(blocks, s.beta());
            double normG = DenseKernels.reference().symmetricEigen(g).max();
            SymmetricEigen err = DenseKernels.reference().symmetricEigen(minus(g, fd.sketch()));
            double spectral = Math.max(err.max(), -err.min());
            double t = tol(s, normG);
            assertTrue(spectral <= fd.escapedMass() + t,
                    () -> "‖G − Ḡ‖ = " + spectral + " > ρ = " + fd.escapedMass() + " + " + t + " for " + s);
        });
    }

    @Test
    void decayedEscapedMassObeysLemma1() {
        // (c) ρ₁:T ≤ min_{k<ℓ} Σ_{i>k} λᵢ(G_T)/(ℓ − k) (Obs. 6, second inequality, with the decayed sum).
        qt().withExamples(EXAMPLES).forAll(streams()).checkAssert(s -> {
            List<DMatrixRMaj> blocks = s.blocks();
            FrequentDirections fd = s.sketch(blocks);
            double[] lambda = DenseKernels.reference().symmetricEigen(exactStatistic(blocks, s.beta())).values();
            double bound = lemma1Bound(lambda, s.ell());
            // The stream budget, plus the computed tail sums of eigenvalues: each λᵢ is off by ≲ c·n·u·‖G‖
            // and a tail has at most n of them: 8·n²·u·‖G‖.
            double t = tol(s, lambda[0]) + 8.0 * s.n() * s.n() * U * lambda[0];
            assertTrue(fd.escapedMass() <= bound + t,
                    () -> "ρ = " + fd.escapedMass() + " > Lemma 1 bound " + bound + " + " + t + " for " + s);
        });
    }

    @Test
    void stateInvariantsHoldAfterEveryStream() {
        qt().withExamples(EXAMPLES).forAll(streams()).checkAssert(s -> {
            List<DMatrixRMaj> blocks = s.blocks();
            FrequentDirections fd = new FrequentDirections(s.n(), s.ell(), s.beta());
            double decayed = 0;
            for (DMatrixRMaj b : blocks) {
                double rho = fd.update(b);
                assertTrue(rho >= 0, () -> "ρₜ = " + rho);
                decayed = s.beta() * decayed + rho;
            }
            int w = s.width();
            DMatrixRMaj u = fd.basis();
            assertEquals(s.n(), u.numRows);
            assertEquals(w, u.numCols);
            DMatrixRMaj gram = new DMatrixRMaj(w, w);
            CommonOps_DDRM.multTransA(u, u, gram);
            for (int i = 0; i < w; i++) {
                gram.data[i * w + i] -= 1;
            }
            // U comes fresh from one backward-stable SVD: orthonormal to c·(n + w + k)·u, observed c ≤ 3.6.
            double orth = CommonOps_DDRM.elementMaxAbs(gram);
            assertTrue(orth <= 16.0 * (s.n() + w + s.k()) * U, () -> "max|UᵀU − I| = " + orth + " for " + s);
            double[] sigma = fd.singularValues();
            for (int j = 1; j < w; j++) {
                assertTrue(sigma[j] <= sigma[j - 1], "σ descending");
            }
            if (s.ell() <= s.n()) {
                assertEquals(0.0, sigma[w - 1], 0.0, "σ_ℓ is exactly 0: B's last column is zero");
            } else {
                assertEquals(0.0, fd.escapedMass(), 0.0, "n < ℓ: nothing escapes");
            }
            // Same recurrence, same operations in the same order: bit-identical.
            assertEquals(decayed, fd.escapedMass(), 0.0);
            assertTrue(fd.escapedMass() >= fd.lastEscapedMass());
            assertEquals(s.steps(), fd.steps());
        });
    }

    @Test
    void factoredInverseRootEqualsTheDenseOne() {
        qt().withExamples(EXAMPLES)
                .forAll(streams(), Generate.pick(List.of(2.0, 4.0)), Generate.pick(List.of(1e-8, 1e-4, 1e-1)))
                .checkAssert((s, p, relEps) -> {
                    List<DMatrixRMaj> blocks = s.blocks();
                    FrequentDirections fd = s.sketch(blocks);
                    double normG = DenseKernels.reference().symmetricEigen(exactStatistic(blocks, s.beta())).max();
                    double eps = relEps * normG;
                    double floor = fd.escapedMass() + eps;
                    DMatrixRMaj a = fd.sketch();
                    for (int i = 0; i < s.n(); i++) {
                        a.data[i * s.n() + i] += floor;
                    }
                    DMatrixRMaj x = SyntheticMatrices.gaussian(s.n(), 3, new Random(s.seed() + 1));
                    DMatrixRMaj dense = new DMatrixRMaj(s.n(), 3);
                    CommonOps_DDRM.mult(denseInverseRoot(a, p), x, dense);
                    DMatrixRMaj factored = fd.applyInverseRoot(x, p, eps);
                    double kappa = DenseKernels.reference().symmetricEigen(a).max() / floor;
                    // The dense eigensolver sees A + ΔA, ‖ΔA‖ ≲ c·n·u·‖A‖, which moves A^(−1/p) by
                    // ≲ (1/p)·c·n·u·κ relative to ‖A^(−1/p)‖₂ = floor^(−1/p); the factored side is accurate
                    // to O(n·u). Observed worst c: 1.9 over 2·10⁵ streams; 16 leaves a margin of 8.
                    double scale = Math.pow(floor, -1.0 / p) * frobenius(x);
                    double err = frobenius(minus(factored, dense)) / scale;
                    double t = 16.0 * s.n() * kappa * U;
                    assertTrue(err <= t, () -> "relative error " + err + " > " + t + " (κ = " + kappa + ") for " + s);
                });
    }

    @Test
    void rightSideApplicationIsTheTransposeOfTheLeft() {
        qt().withExamples(EXAMPLES).forAll(streams()).checkAssert(s -> {
            List<DMatrixRMaj> blocks = s.blocks();
            FrequentDirections fd = s.sketch(blocks);
            double eps = 1e-3;
            int m = 4;
            DMatrixRMaj x = SyntheticMatrices.gaussian(s.n(), m, new Random(s.seed() ^ 0x5DEECE66DL));
            DMatrixRMaj left = fd.applyInverseRoot(x, 4, eps);
            DMatrixRMaj right = fd.applyInverseRootRight(CommonOps_DDRM.transpose(x, null), 4, eps);
            // Each entry c·xᵢⱼ + Σ uᵢₐ·fₐ·Σ u_bₐ·x_bj is computed by both sides from the same factors fₐ,
            // in inner products of lengths n and w: each side is within γ_(n+w+3)·(c|X| + |U||F||U|ᵀ|X|)
            // of the exact value, so they differ by at most twice that.
            double floor = fd.escapedMass() + eps;
            double c = Math.pow(floor, -0.25);
            double[] sigma = fd.singularValues();
            int w = s.width();
            DMatrixRMaj uAbs = fd.basis();
            for (int i = 0; i < uAbs.data.length; i++) {
                uAbs.data[i] = Math.abs(uAbs.data[i]);
            }
            DMatrixRMaj xAbs = x.copy();
            for (int i = 0; i < xAbs.data.length; i++) {
                xAbs.data[i] = Math.abs(xAbs.data[i]);
            }
            DMatrixRMaj ux = new DMatrixRMaj(w, m);
            CommonOps_DDRM.multTransA(uAbs, xAbs, ux);
            for (int j = 0; j < w; j++) {
                double f = Math.abs(Math.pow(sigma[j] * sigma[j] + floor, -0.25) - c);
                for (int col = 0; col < m; col++) {
                    ux.data[j * m + col] *= f;
                }
            }
            DMatrixRMaj bound = new DMatrixRMaj(s.n(), m);
            CommonOps_DDRM.mult(uAbs, ux, bound);
            double gamma = 2.0 * 1.01 * (s.n() + w + 3) * U;
            for (int i = 0; i < s.n(); i++) {
                for (int j = 0; j < m; j++) {
                    final int ii = i;
                    final int jj = j;
                    double diff = Math.abs(left.get(i, j) - right.get(j, i));
                    double t = gamma * (c * xAbs.get(i, j) + bound.get(i, j));
                    assertTrue(diff <= t, () -> "entry (" + ii + ", " + jj + ") differs by " + diff + " > " + t);
                }
            }
        });
    }

    @Test
    void restoredSketchContinuesBitForBit() {
        qt().withExamples(EXAMPLES).forAll(streams()).checkAssert(s -> {
            List<DMatrixRMaj> blocks = s.blocks();
            FrequentDirections original = s.sketch(blocks.subList(0, blocks.size() - 1));
            FrequentDirections copy = FrequentDirections.restore(original.state());
            DMatrixRMaj last = blocks.get(blocks.size() - 1);
            // Same inputs, same deterministic kernels: identical results, not merely close ones.
            assertEquals(original.update(last), copy.update(last), 0.0);
            assertEquals(original.state(), copy.state());
            assertArrayEquals(original.singularValues(), copy.singularValues(), 0.0);
        });
    }
}
