package io.qshampoo.linalg;

import static io.qshampoo.linalg.Qt.U;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * What every {@link DenseKernels} backend must satisfy (EJML, OpenBLAS, a GPU): the abstract-suite style of EJML's
 * tests. A subclass names the backend; the claims and their tolerances are shared.
 *
 * <p>Results of different backends differ in the last bits (blocking, FMA, other algorithms), so nothing here
 * compares bits across backends: every tolerance is a backward-error bound with its derivation beside it, in units
 * of u = 2⁻⁵³ (or {@link #unitRoundoff()} for a backend computing in lower precision). References are plain loops
 * written here, independent of any backend.
 */
public abstract class DenseKernelsContract {

    /** The backend under test. */
    protected abstract DenseKernels kernels();

    /** Unit roundoff of the backend's arithmetic (2⁻⁵³ for float64). */
    protected double unitRoundoff() {
        return U;
    }

    /**
     * c in the eigensolver's orthogonality bound ‖VᵀV − I‖_F ≤ c·n·u. 100 for eigenvectors accumulated from orthogonal
     * transformations (QR iteration, divide and conquer: O(n·u), Demmel, <i>Applied Numerical Linear Algebra</i>
     * §5.3–5.4). A backend whose solver is MRRR (LAPACK {@code dsyevr}) overrides it: MRRR computes each vector on its
     * own and keeps them orthogonal only to O(n·u/gaptol) (Dhillon, Parlett and Vömel 2006), with LAPACK's relative
     * gap tolerance gaptol = 10⁻³ ({@code dlarrv}'s MINRGP), so c = 1000.
     */
    protected double eigenvectorOrthogonalityConstant() {
        return 100;
    }

    /** γ_k = k·u/(1 − k·u), the bound on the relative error of a k-term sum of products (Higham §3.1). */
    private double gamma(int k) {
        double ku = k * unitRoundoff();
        return ku / (1 - ku);
    }

    // ------------------------------------------------------------------------------------------ products

    @Test
    void productsAreWithinTheDotProductErrorBoundOfExactLoops() {
        DenseKernels kernels = kernels();
        Qt.qt().forAll(integers().between(1, 70), integers().between(1, 40), integers().between(1, 70), Qt.seeds())
                .checkAssert((m, k, n, seed) -> {
                    Random rnd = new Random(seed);
                    for (int variant = 0; variant < 3; variant++) {
                        boolean ta = variant == 1;
                        boolean tb = variant == 2;
                        DMatrixRMaj a = ta ? SyntheticMatrices.gaussian(k, m, rnd) : SyntheticMatrices.gaussian(m, k, rnd);
                        DMatrixRMaj b = tb ? SyntheticMatrices.gaussian(n, k, rnd) : SyntheticMatrices.gaussian(k, n, rnd);
                        DMatrixRMaj before = a.copy();
                        DMatrixRMaj c = new DMatrixRMaj(1, 1); // outputs are reshaped, as EJML does
                        if (ta) {
                            kernels.multTransA(a, b, c);
                        } else if (tb) {
                            kernels.multTransB(a, b, c);
                        } else {
                            kernels.mult(a, b, c);
                        }
                        assertEquals(m, c.numRows);
                        assertEquals(n, c.numCols);
                        assertArrayEquals(before.data, a.data, 0.0, "the operand must not change");
                        assertWithinDotBound(a, ta, b, tb, c);
                    }
                });
    }

    @Test
    void largeProductsTakeTheBlockedPathsWithinTheSameBound() {
        // Sizes past every backend's small-matrix switch and cache blocking (EJML ≥ 15 columns, OpenBLAS ≥ 128-ish).
        Random rnd = new Random(7);
        DMatrixRMaj a = SyntheticMatrices.gaussian(301, 257, rnd);
        DMatrixRMaj b = SyntheticMatrices.gaussian(257, 190, rnd);
        DMatrixRMaj bt = SyntheticMatrices.gaussian(190, 257, rnd);
        DMatrixRMaj at = SyntheticMatrices.gaussian(257, 301, rnd);
        DMatrixRMaj c = new DMatrixRMaj(301, 190);
        kernels().mult(a, b, c);
        assertWithinDotBound(a, false, b, false, c);
        kernels().multTransB(a, bt, c);
        assertWithinDotBound(a, false, bt, true, c);
        kernels().multTransA(at, b, c);
        assertWithinDotBound(at, true, b, false, c);
    }

    @Test
    void gramProductsAreExactlySymmetricAndWithinTheBound() {
        DenseKernels kernels = kernels();
        Qt.qt().forAll(integers().between(1, 80), integers().between(1, 40), Qt.seeds()).checkAssert((m, k, seed) -> {
            DMatrixRMaj a = SyntheticMatrices.gaussian(m, k, new Random(seed));
            DMatrixRMaj aat = new DMatrixRMaj(m, m);
            kernels.multTransB(a, a, aat);
            assertWithinDotBound(a, false, a, true, aat);
            DMatrixRMaj ata = new DMatrixRMaj(k, k);
            kernels.multTransA(a, a, ata);
            assertWithinDotBound(a, true, a, false, ata);
            // Shampoo's statistics L = G·Gᵀ must be symmetric for the symmetric solvers downstream; every
            // backend forms c[i][j] and c[j][i] from the same products in the same order (or mirrors one triangle).
            assertExactlySymmetric(aat);
            assertExactlySymmetric(ata);
        });
    }

    @Test
    void productsRejectMismatchedShapesAndAliasedOutputs() {
        DenseKernels kernels = kernels();
        DMatrixRMaj a = new DMatrixRMaj(3, 4);
        DMatrixRMaj b = new DMatrixRMaj(5, 2);
        assertThrows(RuntimeException.class, () -> kernels.mult(a, b, new DMatrixRMaj(3, 2)));
        assertThrows(RuntimeException.class, () -> kernels.multTransA(a, b, new DMatrixRMaj(4, 2)));
        assertThrows(RuntimeException.class, () -> kernels.multTransB(a, b, new DMatrixRMaj(3, 5)));
        DMatrixRMaj square = new DMatrixRMaj(3, 3);
        assertThrows(IllegalArgumentException.class, () -> kernels.mult(square, square, square));
        assertThrows(IllegalArgumentException.class, () -> kernels.multTransB(square, square, square));
    }

    @Test
    void chainedProductsAreWithinTheBoundOfTheirTwoProducts() {
        DenseKernels kernels = kernels();
        Qt.qt().forAll(integers().between(1, 30), integers().between(1, 30), integers().between(1, 30),
                integers().between(1, 30)).checkAssert((m, k, p, n) -> {
                    Random rnd = new Random(31L * m + 7L * k + 3L * p + n);
                    assertChainWithinBound(kernels, SyntheticMatrices.gaussian(m, k, rnd),
                            SyntheticMatrices.gaussian(k, p, rnd), SyntheticMatrices.gaussian(p, n, rnd));
                });
        // Past every backend's small-matrix switch and cache blocking, with symmetric outer operands as L̂ and R̂ are.
        Random rnd = new Random(5);
        assertChainWithinBound(kernels, Qt.spd(140, 1e3, 1), SyntheticMatrices.gaussian(140, 190, rnd),
                Qt.spd(190, 1e3, 2));
    }

    @Test
    void chainedProductsRejectMismatchedShapesAndAliasedOutputs() {
        DenseKernels kernels = kernels();
        DMatrixRMaj a = new DMatrixRMaj(3, 4);
        DMatrixRMaj b = new DMatrixRMaj(4, 5);
        DMatrixRMaj c = new DMatrixRMaj(5, 2);
        DMatrixRMaj work = new DMatrixRMaj(3, 5);
        DMatrixRMaj out = new DMatrixRMaj(3, 2);
        assertThrows(IllegalArgumentException.class, () -> kernels.multChain(a, c, b, work, out));
        assertThrows(IllegalArgumentException.class, () -> kernels.multChain(b, b, c, work, out));
        assertThrows(IllegalArgumentException.class, () -> kernels.multChain(a, b, c, a, out));
        assertThrows(IllegalArgumentException.class, () -> kernels.multChain(a, b, c, c, out));
        assertThrows(IllegalArgumentException.class, () -> kernels.multChain(a, b, c, work, b));
        assertThrows(IllegalArgumentException.class, () -> kernels.multChain(a, b, c, work, work));
        assertThrows(IllegalArgumentException.class, () -> kernels.multChain(a, b, c, work,
                DMatrixRMaj.wrap(3, 2, work.data)));
    }

    /**
     * out = (a·b)·c within the bound of two products: fl(a·b) = a·b + E₁ with |E₁| ≤ γ_k·|a|·|b|, then
     * fl(W·c) = W·c + E₂ with |E₂| ≤ γ_p·|W|·|c| ≤ γ_p·(1 + γ_k)·|a|·|b|·|c| (Higham Eq. 3.13, twice), so
     * |out − a·b·c| ≤ (γ_k + γ_p + γ_k·γ_p)·(|a|·|b|·|c|) entrywise; the float64 reference loops below err by the same
     * bound with u = 2⁻⁵³, and the two add. Operands must not change, and the outputs are reshaped.
     */
    private void assertChainWithinBound(DenseKernels kernels, DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        int m = a.numRows;
        int k = a.numCols;
        int p = b.numCols;
        int n = c.numCols;
        DMatrixRMaj[] before = {a.copy(), b.copy(), c.copy()};
        DMatrixRMaj work = new DMatrixRMaj(1, 1);
        DMatrixRMaj out = new DMatrixRMaj(1, 1);
        kernels.multChain(a, b, c, work, out);
        assertEquals(m, out.numRows);
        assertEquals(n, out.numCols);
        assertArrayEquals(before[0].data, a.data, 0.0, "a must not change");
        assertArrayEquals(before[1].data, b.data, 0.0, "b must not change");
        assertArrayEquals(before[2].data, c.data, 0.0, "c must not change");
        double[] ab = new double[m * p];
        double[] absAb = new double[m * p];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < p; j++) {
                for (int t = 0; t < k; t++) {
                    ab[i * p + j] += a.data[i * k + t] * b.data[t * p + j];
                    absAb[i * p + j] += Math.abs(a.data[i * k + t] * b.data[t * p + j]);
                }
            }
        }
        double gk = gamma(k);
        double gp = gamma(p);
        double uk = k * U / (1 - k * U);
        double up = p * U / (1 - p * U);
        double bound = (gk + gp + gk * gp) + (uk + up + uk * up);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double exact = 0;
                double abs = 0;
                for (int t = 0; t < p; t++) {
                    exact += ab[i * p + t] * c.data[t * n + j];
                    abs += absAb[i * p + t] * Math.abs(c.data[t * n + j]);
                }
                double got = out.data[i * n + j];
                double tol = bound * abs;
                if (!(Math.abs(got - exact) <= tol)) {
                    throw new AssertionError(kernels.name() + ": (a·b·c)[" + i + "][" + j + "] = " + got
                            + ", loops give " + exact + ", beyond the two-product bound " + tol + " (" + m + "x" + k
                            + "x" + p + "x" + n + ")");
                }
            }
        }
    }

    /**
     * |c − a·b| ≤ 2·γ_k·(|a|·|b|) entrywise: the backend's sum of k products and the reference loop each err by at
     * most γ_k·(|a|·|b|) (Higham Eq. 3.13), whatever the order of summation or the use of FMA.
     */
    private void assertWithinDotBound(DMatrixRMaj a, boolean ta, DMatrixRMaj b, boolean tb, DMatrixRMaj c) {
        int m = ta ? a.numCols : a.numRows;
        int k = ta ? a.numRows : a.numCols;
        int n = tb ? b.numRows : b.numCols;
        double bound = 2 * gamma(k) + 2 * gamma(k) * U / unitRoundoff(); // backend + float64 reference
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double exact = 0;
                double abs = 0;
                for (int p = 0; p < k; p++) {
                    double x = ta ? a.data[p * a.numCols + i] : a.data[i * a.numCols + p];
                    double y = tb ? b.data[j * b.numCols + p] : b.data[p * b.numCols + j];
                    exact += x * y;
                    abs += Math.abs(x * y);
                }
                double got = c.data[i * n + j];
                double tol = bound * abs;
                if (!(Math.abs(got - exact) <= tol)) {
                    throw new AssertionError(kernels().name() + ": c[" + i + "][" + j + "] = " + got + ", loop gives "
                            + exact + ", beyond 2γ_k·(|a||b|) = " + tol + " (" + m + "x" + k + "x" + n + ")");
                }
            }
        }
    }

    private static void assertExactlySymmetric(DMatrixRMaj x) {
        int n = x.numRows;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                if (x.data[i * n + j] != x.data[j * n + i]) {
                    throw new AssertionError("Gram product not exactly symmetric at (" + i + ", " + j + "): "
                            + x.data[i * n + j] + " vs " + x.data[j * n + i]);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------ Cholesky

    @Test
    void choleskyIsLowerWithPositiveDiagonalAndABackwardErrorWithinHighamsBound() {
        DenseKernels kernels = kernels();
        Qt.qt().forAll(integers().between(1, 60), Qt.log10Condition(10), Qt.seeds()).checkAssert((n, logK, seed) -> {
            DMatrixRMaj a = Qt.spd(n, Math.pow(10, logK), seed);
            DMatrixRMaj before = a.copy();
            DMatrixRMaj c = kernels.choleskyLower(a);
            assertNotNull(c, "an SPD matrix must factor");
            assertArrayEquals(before.data, a.data, 0.0, "the input must not change");
            double normC2 = 0;
            for (int i = 0; i < n; i++) {
                assertTrue(c.get(i, i) > 0, "positive diagonal");
                for (int j = 0; j < n; j++) {
                    if (j > i) {
                        assertEquals(0.0, c.get(i, j), 0.0, "zeros above the diagonal");
                    }
                    normC2 += c.get(i, j) * c.get(i, j);
                }
            }
            // Higham Thm 10.3: C·Cᵀ = A + ΔA with |ΔA| ≤ γ_{n+1}·|C|·|Cᵀ|; forming C·Cᵀ here adds γ_n·|C|·|Cᵀ|;
            // and ‖|C|·|Cᵀ|‖_F ≤ ‖C‖_F².
            double bound = (gamma(n + 1) + n * U / (1 - n * U)) * normC2;
            double residual = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p <= Math.min(i, j); p++) {
                        s += c.get(i, p) * c.get(j, p);
                    }
                    residual += (s - a.get(i, j)) * (s - a.get(i, j));
                }
            }
            double r = Math.sqrt(residual);
            assertTrue(r <= bound, () -> kernels.name() + ": ‖C·Cᵀ − A‖_F = " + r + " > " + bound);
        });
    }

    /**
     * Products over an empty inner dimension are all zeros (an empty sum), whatever the output held before; an empty
     * outer dimension gives an empty matrix. Covers the Gram path (a product of a matrix with itself).
     */
    @Test
    void productsOverAnEmptyDimension() {
        DenseKernels k = kernels();
        DMatrixRMaj a30 = new DMatrixRMaj(3, 0);
        DMatrixRMaj b04 = new DMatrixRMaj(0, 4);
        DMatrixRMaj c = stale(3, 4);
        k.mult(a30, b04, c);
        assertZeros(3, 4, c, "mult 3x0 · 0x4");
        c = stale(3, 3);
        k.multTransB(a30, a30, c);
        assertZeros(3, 3, c, "a·aᵀ of a 3x0 matrix");
        DMatrixRMaj a03 = new DMatrixRMaj(0, 3);
        c = stale(3, 3);
        k.multTransA(a03, a03, c);
        assertZeros(3, 3, c, "aᵀ·a of a 0x3 matrix");
        c = stale(2, 2);
        k.mult(new DMatrixRMaj(0, 5), new DMatrixRMaj(5, 2), c);
        assertEquals(0, c.numRows, "0x5 · 5x2 has no rows");
        assertEquals(2, c.numCols);

        DMatrixRMaj out = stale(3, 2);
        k.multChain(a30, b04, new DMatrixRMaj(4, 2), new DMatrixRMaj(1, 1), out);
        assertZeros(3, 2, out, "multChain 3x0 · 0x4 · 4x2");
        out = stale(3, 2);
        k.multChain(new DMatrixRMaj(3, 5), new DMatrixRMaj(5, 0), new DMatrixRMaj(0, 2), new DMatrixRMaj(1, 1), out);
        assertZeros(3, 2, out, "multChain 3x5 · 5x0 · 0x2");
    }

    private static DMatrixRMaj stale(int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        Arrays.fill(m.data, 7.0);
        return m;
    }

    private static void assertZeros(int rows, int cols, DMatrixRMaj m, String what) {
        assertEquals(rows, m.numRows, what);
        assertEquals(cols, m.numCols, what);
        for (int i = 0; i < rows * cols; i++) {
            assertEquals(0.0, m.data[i], 0.0, what + ": an empty sum is 0");
        }
    }

    @Test
    void choleskyOfAnIndefiniteMatrixIsNull() {
        assertNull(kernels().choleskyLower(new DMatrixRMaj(new double[][] {{1, 0}, {0, -1}})));
        assertNull(kernels().choleskyLower(new DMatrixRMaj(new double[][] {{1, 2}, {2, 1}}))); // eigenvalues 3, −1
        assertNull(kernels().choleskyLower(new DMatrixRMaj(new double[][] {{4, 2, 0}, {2, 1, 0}, {0, 0, 1}})));
    }

    // ------------------------------------------------------------------------------------------ eigen

    @Test
    void eigenpairsAreDescendingOrthonormalAndWithinTheBackwardErrorBound() {
        DenseKernels kernels = kernels();
        Qt.qt().forAll(integers().between(1, 40), Qt.seeds()).checkAssert((n, seed) -> {
            DMatrixRMaj g = SyntheticMatrices.gaussian(n, n, new Random(seed));
            DMatrixRMaj a = new DMatrixRMaj(n, n);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    a.set(i, j, g.get(i, j) + g.get(j, i));
                }
            }
            DMatrixRMaj before = a.copy();
            SymmetricEigen e = kernels.symmetricEigen(a);
            assertArrayEquals(before.data, a.data, 0.0, "the input must not change");
            assertEigenDecomposes(a, e);
            // Weyl: a backward-stable solver returns the exact eigenvalues of A + E, ‖E‖₂ ≤ p(n)·u·‖A‖₂, so each
            // λ differs from the reference's by ≤ 2·p(n)·u·‖A‖_F (both backends), p(n) = 100·n as above.
            double[] ref = Arrays.stream(jacobiEigenvalues(a)).boxed().sorted((x, y) -> Double.compare(y, x))
                    .mapToDouble(Double::doubleValue).toArray();
            double tol = 2 * 100 * n * (unitRoundoff() + U) * Math.max(normF(a), Double.MIN_NORMAL);
            assertArrayEquals(ref, e.values(), tol);
        });
    }

    @Test
    void eigenSolvesTightClustersOfTheTwoLevelSpectrum() {
        // The papers' A = U·diag(1 ×k, 1e-4 ×k)·Uᵀ, small: two exactly degenerate clusters.
        int n = 64;
        double[] lambda = new double[n];
        for (int i = 0; i < n; i++) {
            lambda[i] = i < n / 2 ? 1 : 1e-4;
        }
        DMatrixRMaj a = SyntheticMatrices.spdWithSpectrum(lambda, new Random(3));
        SymmetricEigen e = kernels().symmetricEigen(a);
        assertEigenDecomposes(a, e);
        // Weyl with ‖A‖₂ = 1: each λ within 2·p(n)·u of its exact value.
        assertArrayEquals(lambda, e.values(), 2 * 100 * n * (unitRoundoff() + U));
    }

    @Test
    void eigenOfADiagonalMatrixIsItsSortedDiagonalWithUnitVectors() {
        SymmetricEigen e = kernels().symmetricEigen(new DMatrixRMaj(new double[][] {
                {2, 0, 0, 0}, {0, -1, 0, 0}, {0, 0, 7, 0}, {0, 0, 0, 0}}));
        assertArrayEquals(new double[] {7, 2, 0, -1}, e.values(), 0.0);
        int[] row = {2, 0, 3, 1};
        for (int j = 0; j < 4; j++) {
            for (int i = 0; i < 4; i++) {
                assertEquals(i == row[j] ? 1.0 : 0.0, Math.abs(e.vectors().get(i, j)), 0.0, "eigenvector " + j);
            }
        }
    }

    /**
     * Descending, ‖A·V − V·Λ‖_F ≤ p(n)·u·‖A‖_F and ‖VᵀV − I‖_F ≤ c·n·u: a backward-stable symmetric eigensolver
     * (Householder tridiagonalization, then QR, divide and conquer or MRRR) meets both with p(n) a low-degree
     * polynomial; p(n) = 100·n is loose and still fails by orders of magnitude on a wrong or misordered pair. c is
     * {@link #eigenvectorOrthogonalityConstant()} (100, or 1000 for MRRR).
     */
    private void assertEigenDecomposes(DMatrixRMaj a, SymmetricEigen e) {
        int n = a.numRows;
        double p = 100 * n * (unitRoundoff() + U);
        double[] w = e.values();
        DMatrixRMaj v = e.vectors();
        assertEquals(n, w.length);
        assertEquals(n, v.numRows);
        assertEquals(n, v.numCols);
        for (int i = 1; i < n; i++) {
            assertTrue(w[i - 1] >= w[i], "eigenvalues must be descending");
        }
        double residual = 0;
        double orth = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double av = 0;
                double vtv = 0;
                for (int k = 0; k < n; k++) {
                    av += a.get(i, k) * v.get(k, j);
                    vtv += v.get(k, i) * v.get(k, j);
                }
                residual += Math.pow(av - v.get(i, j) * w[j], 2);
                orth += Math.pow(vtv - (i == j ? 1 : 0), 2);
            }
        }
        double r = Math.sqrt(residual);
        double o = Math.sqrt(orth);
        double normA = normF(a);
        double orthogonality = eigenvectorOrthogonalityConstant() * n * (unitRoundoff() + U);
        assertTrue(r <= p * Math.max(normA, Double.MIN_NORMAL), () -> kernels().name() + ": ‖AV − VΛ‖_F = " + r);
        assertTrue(o <= orthogonality, () -> kernels().name() + ": ‖VᵀV − I‖_F = " + o + " > " + orthogonality);
    }

    /** Eigenvalues by cyclic Jacobi rotations: slow, simple, independent of every backend. */
    private static double[] jacobiEigenvalues(DMatrixRMaj input) {
        int n = input.numRows;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = Arrays.copyOfRange(input.data, i * n, (i + 1) * n);
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    off += a[i][j] * a[i][j];
                }
            }
            if (off == 0) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] == 0) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                }
            }
        }
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = a[i][i];
        }
        return d;
    }

    // ------------------------------------------------------------------------------------------ SVD

    @Test
    void thinSvdHasOrthonormalVectorsDescendingValuesAndReproducesTheMatrix() {
        DenseKernels kernels = kernels();
        Qt.qt().forAll(integers().between(1, 50), integers().between(1, 50), Qt.seeds()).checkAssert((m, k, seed) -> {
            DMatrixRMaj x = SyntheticMatrices.gaussian(m, k, new Random(seed));
            DMatrixRMaj before = x.copy();
            ThinSvd svd = kernels.thinSvd(x);
            assertArrayEquals(before.data, x.data, 0.0, "the input must not change");
            assertSvdOf(x, svd);
        });
    }

    @Test
    void thinSvdKeepsAnOrthonormalBasisWhenHalfTheRowsAreZero() {
        // Frequent Directions on dead ReLU units: many exactly-zero rows make σ = 0 with arbitrary vectors,
        // which must still come back orthonormal.
        Random rnd = new Random(11);
        for (int trial = 0; trial < 10; trial++) {
            DMatrixRMaj x = SyntheticMatrices.gaussian(64, 40, rnd);
            for (int i = 0; i < 64; i++) {
                if (rnd.nextBoolean()) {
                    Arrays.fill(x.data, i * 40, (i + 1) * 40, 0.0);
                }
            }
            assertSvdOf(x, kernels().thinSvd(x));
        }
    }

    /**
     * σ descending and ≥ 0, r = min(m, k) of them; ‖UᵀU − I‖_F ≤ p·u; each row j of UᵀM has norm σ_j and
     * ‖M − U·Uᵀ·M‖_F ≤ p·u·‖M‖_F (the columns of U span M's range: it is the SVD's U, paired with σ).
     * A backward-stable SVD meets all three with p a low-degree polynomial of the size; p = 100·max(m, k).
     */
    private void assertSvdOf(DMatrixRMaj x, ThinSvd svd) {
        int m = x.numRows;
        int k = x.numCols;
        int r = Math.min(m, k);
        double p = 100 * Math.max(m, k) * (unitRoundoff() + U);
        double normX = Math.max(normF(x), Double.MIN_NORMAL);
        assertEquals(r, svd.sigma().length);
        assertEquals(m, svd.u().numRows);
        assertEquals(r, svd.u().numCols);
        for (int j = 0; j < r; j++) {
            assertTrue(svd.sigma()[j] >= 0 && Double.isFinite(svd.sigma()[j]), "σ finite and non-negative");
            if (j > 0) {
                assertTrue(svd.sigma()[j - 1] >= svd.sigma()[j], "σ descending");
            }
        }
        DMatrixRMaj u = svd.u();
        double orth = 0;
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < r; j++) {
                double s = 0;
                for (int t = 0; t < m; t++) {
                    s += u.get(t, i) * u.get(t, j);
                }
                orth += Math.pow(s - (i == j ? 1 : 0), 2);
            }
        }
        double o = Math.sqrt(orth);
        assertTrue(o <= p, () -> kernels().name() + ": ‖UᵀU − I‖_F = " + o);
        double[][] utx = new double[r][k];
        for (int j = 0; j < r; j++) {
            double rowNorm = 0;
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int t = 0; t < m; t++) {
                    s += u.get(t, j) * x.get(t, c);
                }
                utx[j][c] = s;
                rowNorm += s * s;
            }
            double got = Math.sqrt(rowNorm);
            double sigma = svd.sigma()[j];
            assertEquals(sigma, got, p * normX, "‖row " + j + " of UᵀM‖ must be σ_" + j);
        }
        double residual = 0;
        for (int t = 0; t < m; t++) {
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int j = 0; j < r; j++) {
                    s += u.get(t, j) * utx[j][c];
                }
                residual += Math.pow(x.get(t, c) - s, 2);
            }
        }
        double res = Math.sqrt(residual);
        assertTrue(res <= p * normX, () -> kernels().name() + ": ‖M − U·UᵀM‖_F = " + res);
    }

    // ------------------------------------------------------------------------------------------ the backend

    /**
     * Thin QR: Q has orthonormal columns, R is upper triangular, Q·R reproduces A, and the sign rule holds:
     * diag(R) ≥ 0, or R(j, j) = −sign(α)·‖·‖ as LAPACK's Householder QR returns it (checked against the Java
     * algorithm's signs, which follow {@code dlarfg}). Tolerance: Householder QR is backward stable with
     * ‖A − Q·R‖ ≲ c·m·k·u·‖A‖ and ‖QᵀQ − I‖ ≲ c·m·k·u (Higham Thm. 19.4); c = 10, u = 2⁻⁵³.
     */
    @Test
    void qrFactorsWithOrthonormalQTriangularRAndTheRequestedSigns() {
        Random rnd = new Random(17);
        for (int[] shape : new int[][] {{1, 1}, {7, 3}, {40, 40}, {65, 17}}) {
            int m = shape[0];
            int k = shape[1];
            DMatrixRMaj a = new DMatrixRMaj(m, k);
            for (int i = 0; i < a.data.length; i++) {
                a.data[i] = rnd.nextGaussian();
            }
            double tol = 10.0 * m * k * 0x1p-53;
            for (QrSignRule rule : QrSignRule.values()) {
                HouseholderQr.Result r = kernels().qr(a, rule);
                DMatrixRMaj qr = new DMatrixRMaj(m, k);
                org.ejml.dense.row.CommonOps_DDRM.mult(r.q(), r.r(), qr);
                for (int i = 0; i < a.data.length; i++) {
                    assertTrue(Math.abs(qr.data[i] - a.data[i]) <= tol * org.ejml.dense.row.NormOps_DDRM.normF(a),
                            rule + " " + m + "x" + k + ": Q·R differs from A at " + i);
                }
                DMatrixRMaj qtq = new DMatrixRMaj(k, k);
                org.ejml.dense.row.CommonOps_DDRM.multTransA(r.q(), r.q(), qtq);
                for (int i = 0; i < k; i++) {
                    for (int j = 0; j < k; j++) {
                        assertTrue(Math.abs(qtq.get(i, j) - (i == j ? 1 : 0)) <= tol, rule + ": QᵀQ ≠ I at " + i + "," + j);
                        if (i > j) {
                            assertTrue(r.r().get(i, j) == 0, rule + ": R not upper triangular");
                        }
                    }
                }
                HouseholderQr.Result java = HouseholderQr.factor(a, rule);
                for (int j = 0; j < k; j++) {
                    if (rule == QrSignRule.POSITIVE_DIAGONAL) {
                        assertTrue(r.r().get(j, j) >= 0, "diag(R) < 0 at " + j);
                    }
                    assertTrue(Math.signum(r.r().get(j, j)) == Math.signum(java.r().get(j, j)),
                            rule + " " + m + "x" + k + ": sign of R(" + j + "," + j + ") differs from dlarfg's rule");
                }
            }
        }
    }

    @Test
    void namesItselfAndItsThreads() {
        assertTrue(kernels().name().matches("[a-z0-9-]+"), kernels().name());
        assertTrue(kernels().threads() >= 1);
    }

    @Test
    void concurrentCallersGetWhatASingleCallerGets() throws Exception {
        // Per-thread workspaces must not leak between threads: four threads each run the same kernels on their
        // own matrices, and every result equals, bit for bit, the same call made alone on this thread (same
        // backend, same thread count: deterministic).
        DenseKernels kernels = kernels();
        int workers = 4;
        List<DMatrixRMaj> inputs = new ArrayList<>();
        for (int t = 0; t < workers; t++) {
            inputs.add(Qt.spd(90 + 7 * t, 1e3, t));
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            for (int round = 0; round < 3; round++) {
                List<Future<double[]>> results = new ArrayList<>();
                for (DMatrixRMaj a : inputs) {
                    results.add(pool.submit(() -> fingerprint(kernels, a)));
                }
                for (int t = 0; t < workers; t++) {
                    assertArrayEquals(fingerprint(kernels, inputs.get(t)), results.get(t).get(), 0.0, "worker " + t);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static double[] fingerprint(DenseKernels kernels, DMatrixRMaj a) {
        int n = a.numRows;
        DMatrixRMaj c = new DMatrixRMaj(n, n);
        kernels.mult(a, a, c);
        DMatrixRMaj g = new DMatrixRMaj(n, n);
        kernels.multTransB(a, a, g);
        DMatrixRMaj l = kernels.choleskyLower(a);
        SymmetricEigen e = kernels.symmetricEigen(a);
        ThinSvd s = kernels.thinSvd(a);
        double[][] parts = {c.data, g.data, l.data, e.values(), e.vectors().data, s.sigma(), s.u().data};
        return Arrays.stream(parts).flatMapToDouble(Arrays::stream).toArray();
    }

    private static double normF(DMatrixRMaj a) {
        double s = 0;
        for (int i = 0; i < a.getNumElements(); i++) {
            s += a.data[i] * a.data[i];
        }
        return Math.sqrt(s);
    }
}
