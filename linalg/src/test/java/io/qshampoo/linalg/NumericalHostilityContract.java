package io.qshampoo.linalg;

import static org.quicktheories.generators.SourceDSL.integers;

import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * Numerical hostility for every public entry point of linalg on one backend: products, Cholesky, the symmetric
 * eigendecomposition, the thin SVD, QR, the inverse roots, the spectral function, Björck, λmax and the ridges,
 * subspace iteration, Frequent Directions and the Kronecker sandwich, fed the inputs of {@link HostileMatrices}
 * (exact zeros, constants, 1e-30, 1e30, subnormals, rank deficiency, κ = 1e16, 1e±30 side by side) at n = 1 … 9.
 *
 * <p>Each call either throws a clear exception — an {@link IllegalArgumentException} (a
 * {@link NotPositiveDefiniteException} among them) or an {@link ArithmeticException} whose message is not blank —
 * or returns a finite result satisfying its documented relation within a derived bound. Never NaN, never an
 * infinity, never another exception. Refusals are counted, and each property requires a minimum share of real
 * results so that it cannot pass by refusing everything.
 *
 * <p>Bounds are in units of u = {@link #unitRoundoff()} and η = 2⁻¹⁰⁷⁴ (the subnormal spacing: a product that
 * underflows is off by at most η/2 absolutely, Higham §2.1). Relations are checked on copies scaled by a power
 * of two ({@link HostileMatrices#scalb}), which is exact here, so the check itself neither underflows nor
 * overflows. A subclass names the backend (EJML here, OpenBLAS in linalg-openblas).
 */
public abstract class NumericalHostilityContract {

    /** The backend under test. */
    protected abstract DenseKernels kernels();

    /** Unit roundoff of the backend's arithmetic (2⁻⁵³ for float64). */
    protected double unitRoundoff() {
        return Qt.U;
    }

    private static final double ETA = Double.MIN_VALUE;

    /**
     * LAPACK's test threshold for eigen- and singular-value routines: each test ratio, such as
     * ‖A − V·Λ·Vᵀ‖₁ / (n·‖A‖₁·ulp) or ‖I − VᵀV‖₁ / (n·ulp) with ulp = 2u, must stay below 30 ({@code dsep.in},
     * {@code dsvd.in}). Norm equivalences between ‖·‖₁, ‖·‖_F and max|·| cost at most another factor n, absorbed
     * by using n² in place of n below.
     */
    private static final double LAPACK_RATIO = 30;

    private double gamma(int k) {
        double ku = k * unitRoundoff();
        return ku / (1 - ku);
    }

    /** Bound of a backward-stable factorization of an order-n matrix, relative to its norm. */
    private double stable(int n) {
        return LAPACK_RATIO * n * n * 2 * unitRoundoff();
    }

    /** Results and refusals of one property. */
    private static final class Tally {
        final AtomicInteger results = new AtomicInteger();
        final AtomicInteger refusals = new AtomicInteger();

        /** The call's result, or null after a clear refusal (counted); anything else fails the property. */
        <T> T call(String where, Supplier<T> call) {
            try {
                T t = call.get();
                results.incrementAndGet();
                return t;
            } catch (IllegalArgumentException | ArithmeticException refused) {
                if (refused.getMessage() == null || refused.getMessage().isBlank()) {
                    throw new AssertionError(where + ": refused without a message", refused);
                }
                refusals.incrementAndGet();
                return null;
            }
        }

        /** At least {@code share} of the calls returned a result (the rest were refusals). */
        void requireResults(String property, double share) {
            int total = results.get() + refusals.get();
            if (results.get() < share * total || total == 0) {
                throw new AssertionError(property + ": only " + results.get() + " of " + total
                        + " calls returned a result (" + refusals.get() + " refused); expected at least "
                        + Math.round(share * 100) + "%");
            }
        }
    }

    private static void requireFinite(String where, DMatrixRMaj m, String what) {
        for (int k = 0; k < m.data.length && k < m.getNumElements(); k++) {
            if (!Double.isFinite(m.data[k])) {
                throw new AssertionError(where + ": " + what + "[" + k / m.numCols + ", " + k % m.numCols + "] is "
                        + m.data[k]);
            }
        }
    }

    private static void requireFinite(String where, double[] v, String what) {
        for (int k = 0; k < v.length; k++) {
            if (!Double.isFinite(v[k])) {
                throw new AssertionError(where + ": " + what + "[" + k + "] is " + v[k]);
            }
        }
    }

    private static void require(boolean ok, String where, String what) {
        if (!ok) {
            throw new AssertionError(where + ": " + what);
        }
    }

    /** max_ij |(XᵀX − I)_ij| of an m×k matrix, by plain loops. */
    private static double orthonormalityDefect(DMatrixRMaj x) {
        int m = x.numRows;
        int k = x.numCols;
        double worst = 0;
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                double s = 0;
                for (int i = 0; i < m; i++) {
                    s += x.data[i * k + a] * x.data[i * k + b];
                }
                worst = Math.max(worst, Math.abs(s - (a == b ? 1 : 0)));
            }
        }
        return worst;
    }

    // ------------------------------------------------------------------------------------------ products

    /**
     * mult, multTransA, multTransB: always a finite result, entrywise within the dot-product bound of a plain loop:
     * each is within γ_k·(|A|·|B|)_ij + k·η/2 of the exact product (Higham Thm 3.5 with underflow; an FMA obeys
     * the same bound), so the two differ by at most 2γ_k·(|A|·|B|)_ij + k·η.
     */
    @Test
    void productsAreFiniteAndWithinTheDotProductBound() {
        DenseKernels kernels = kernels();
        Qt.qt().forAll(integers().between(0, HostileMatrices.GENERAL.length - 1),
                integers().between(0, HostileMatrices.GENERAL.length - 1), integers().between(0, 9 * 9 * 9 - 1),
                Qt.seeds()).checkAssert((ka, kb, dims, seed) -> {
                    int m = 1 + dims % 9;
                    int k = 1 + dims / 9 % 9;
                    int n = 1 + dims / 81;
                    Random rnd = new Random(seed);
                    DMatrixRMaj a = HostileMatrices.general(ka, m, k, rnd);
                    DMatrixRMaj b = HostileMatrices.general(kb, k, n, rnd);
                    String where = HostileMatrices.GENERAL[ka] + " · " + HostileMatrices.GENERAL[kb] + ", " + m + "×"
                            + k + "·" + k + "×" + n;
                    DMatrixRMaj at = new DMatrixRMaj(k, m);
                    org.ejml.dense.row.CommonOps_DDRM.transpose(a, at);
                    DMatrixRMaj bt = new DMatrixRMaj(n, k);
                    org.ejml.dense.row.CommonOps_DDRM.transpose(b, bt);
                    DMatrixRMaj c1 = new DMatrixRMaj(m, n);
                    DMatrixRMaj c2 = new DMatrixRMaj(m, n);
                    DMatrixRMaj c3 = new DMatrixRMaj(m, n);
                    kernels.mult(a, b, c1);
                    kernels.multTransA(at, b, c2);
                    kernels.multTransB(a, bt, c3);
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double exact = 0;
                            double abs = 0;
                            for (int t = 0; t < k; t++) {
                                exact += a.get(i, t) * b.get(t, j);
                                abs += Math.abs(a.get(i, t)) * Math.abs(b.get(t, j));
                            }
                            double tol = 2 * gamma(k) * abs + k * ETA;
                            for (DMatrixRMaj c : new DMatrixRMaj[] {c1, c2, c3}) {
                                double x = c.get(i, j);
                                require(Double.isFinite(x) && Math.abs(x - exact) <= tol, where,
                                        "entry [" + i + ", " + j + "] is " + x + ", loop " + exact + ", bound " + tol);
                            }
                        }
                    }
                });
    }

    // ------------------------------------------------------------------------------------------ Cholesky

    /**
     * Cholesky of A + r·I: refused with {@link NotPositiveDefiniteException}, or a finite lower-triangular C with
     * |C·Cᵀ − (A + r·I)| ≤ γ_{n+1}·|C|·|Cᵀ| (Higham Thm 10.3) plus the same again for forming C·Cᵀ here, plus
     * (n + 1)·η per entry for underflow. The backend's own {@code choleskyLower} returns null or the same kind of
     * factor. SPD inputs of κ ≤ 1e3 are never refused.
     */
    @Test
    void choleskyRefusesOrFactorsWithinItsBackwardError() {
        DenseKernels kernels = kernels();
        Cholesky cholesky = new Cholesky(kernels);
        Tally tally = new Tally();
        Qt.qt().forAll(integers().between(0, HostileMatrices.SYMMETRIC.length - 1), integers().between(1, 9),
                integers().between(0, 1), Qt.seeds()).checkAssert((kind, n, withRidge, seed) -> {
                    DMatrixRMaj a = HostileMatrices.symmetric(kind, n, new Random(seed));
                    double ridge = withRidge == 0 ? 0 : 1e-6 * org.ejml.dense.row.CommonOps_DDRM.elementMaxAbs(a);
                    String where = HostileMatrices.SYMMETRIC[kind] + ", n = " + n + ", ridge " + ridge;
                    DMatrixRMaj c = tally.call(where, () -> cholesky.lower(a, ridge));
                    DMatrixRMaj shifted = MatrixPower.shifted(a, ridge);
                    DMatrixRMaj raw = kernels.choleskyLower(shifted.copy());
                    if (c == null) {
                        require(kind != 8 && kind != 3 && kind != 2, where, "a well-conditioned SPD matrix was refused");
                        return;
                    }
                    checkCholesky(where, shifted, c);
                    if (raw != null) {
                        checkCholesky(where + " (backend kernel)", shifted, raw);
                    }
                });
        tally.requireResults("Cholesky", 0.5);
    }

    private void checkCholesky(String where, DMatrixRMaj a, DMatrixRMaj c) {
        int n = a.numRows;
        requireFinite(where, c, "C");
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                require(c.get(i, j) == 0, where, "C is not lower triangular at [" + i + ", " + j + "]");
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                double abs = 0;
                for (int t = 0; t < n; t++) {
                    s += c.get(i, t) * c.get(j, t);
                    abs += Math.abs(c.get(i, t) * c.get(j, t));
                }
                double tol = 2 * gamma(n + 1) * abs + 2 * (n + 1) * ETA;
                require(Math.abs(s - a.get(i, j)) <= tol, where, "(C·Cᵀ)[" + i + ", " + j + "] = " + s + ", A has "
                        + a.get(i, j) + ", bound " + tol);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ eigen

    /**
     * Symmetric eigendecomposition: finite, descending eigenvalues; orthonormal vectors, max|VᵀV − I| ≤
     * {@link #stable}(n); backward error ‖A − V·Λ·Vᵀ‖_F ≤ stable(n)·‖A‖_F + n²·η (underflow in the O(n) operations
     * behind each entry). Checked on A·2^−e (exact), so the bound is relative to the scaled norm.
     */
    @Test
    void symmetricEigenIsFiniteOrthonormalAndBackwardStable() {
        DenseKernels kernels = kernels();
        Tally tally = new Tally();
        Qt.qt().forAll(integers().between(0, HostileMatrices.SYMMETRIC.length - 1), integers().between(1, 9),
                Qt.seeds()).checkAssert((kind, n, seed) -> {
                    DMatrixRMaj a = HostileMatrices.symmetric(kind, n, new Random(seed));
                    String where = HostileMatrices.SYMMETRIC[kind] + ", n = " + n;
                    SymmetricEigen eig = tally.call(where, () -> SymmetricEigen.of(a, kernels));
                    if (eig == null) {
                        return;
                    }
                    checkEigen(where, a, eig);
                });
        tally.requireResults("symmetric eigendecomposition", 1.0);
    }

    private void checkEigen(String where, DMatrixRMaj a, SymmetricEigen eig) {
        int n = a.numRows;
        requireFinite(where, eig.values(), "eigenvalue");
        requireFinite(where, eig.vectors(), "V");
        for (int j = 1; j < n; j++) {
            require(eig.values()[j - 1] >= eig.values()[j], where, "eigenvalues not descending at " + j);
        }
        double defect = orthonormalityDefect(eig.vectors());
        require(defect <= stable(n), where, "max|VᵀV − I| = " + defect + " exceeds " + stable(n));
        int e = HostileMatrices.exponent(a);
        DMatrixRMaj as = HostileMatrices.scalb(a, -e);
        DMatrixRMaj v = eig.vectors();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int t = 0; t < n; t++) {
                    s += v.get(i, t) * Math.scalb(eig.values()[t], -e) * v.get(j, t);
                }
                double d = as.get(i, j) - s;
                sum += d * d;
            }
        }
        double residual = Math.sqrt(sum);
        double tol = stable(n) * HostileMatrices.normF(as) + Math.scalb(n * n * ETA, -e);
        require(residual <= tol, where, "‖A − VΛVᵀ‖_F = " + residual + " (scaled by 2^" + -e + ") exceeds " + tol);
    }

    // ------------------------------------------------------------------------------------------ SVD

    /**
     * Thin SVD of m×k: finite, non-negative, descending σ; orthonormal U (max|UᵀU − I| ≤ stable(r), r = min(m, k));
     * each ‖Mᵀ·uⱼ‖ equals σⱼ, and Σσⱼ² equals ‖M‖²_F, within stable(max(m, k))·‖M‖_F (plus the underflow term),
     * on M·2^−e.
     */
    @Test
    void thinSvdIsFiniteOrthonormalAndMatchesTheNorms() {
        DenseKernels kernels = kernels();
        Tally tally = new Tally();
        Qt.qt().forAll(integers().between(0, HostileMatrices.GENERAL.length - 1), integers().between(1, 9),
                integers().between(1, 9), Qt.seeds()).checkAssert((kind, m, k, seed) -> {
                    DMatrixRMaj a = HostileMatrices.general(kind, m, k, new Random(seed));
                    String where = HostileMatrices.GENERAL[kind] + ", " + m + "×" + k;
                    ThinSvd svd = tally.call(where, () -> kernels.thinSvd(a.copy()));
                    if (svd == null) {
                        return;
                    }
                    int r = Math.min(m, k);
                    require(svd.sigma().length == r && svd.u().numRows == m && svd.u().numCols == r, where,
                            "shapes: σ " + svd.sigma().length + ", U " + MatrixChecks.shape(svd.u()));
                    requireFinite(where, svd.sigma(), "σ");
                    requireFinite(where, svd.u(), "U");
                    for (int j = 0; j < r; j++) {
                        require(svd.sigma()[j] >= 0 && (j == 0 || svd.sigma()[j - 1] >= svd.sigma()[j]), where,
                                "σ not non-negative and descending at " + j);
                    }
                    double defect = orthonormalityDefect(svd.u());
                    require(defect <= stable(r), where, "max|UᵀU − I| = " + defect + " exceeds " + stable(r));
                    int e = HostileMatrices.exponent(a);
                    DMatrixRMaj as = HostileMatrices.scalb(a, -e);
                    double norm = HostileMatrices.normF(as);
                    double tol = stable(Math.max(m, k)) * norm + Math.scalb(m * k * ETA, -e);
                    double sumSq = 0;
                    for (int j = 0; j < r; j++) {
                        double s = 0;
                        for (int c = 0; c < k; c++) {
                            double dot = 0;
                            for (int i = 0; i < m; i++) {
                                dot += svd.u().get(i, j) * as.get(i, c);
                            }
                            s += dot * dot;
                        }
                        double sj = Math.scalb(svd.sigma()[j], -e);
                        sumSq += sj * sj;
                        require(Math.abs(Math.sqrt(s) - sj) <= tol, where, "‖Mᵀu_" + j + "‖ = " + Math.sqrt(s)
                                + " but σ_" + j + " = " + sj + " (scaled by 2^" + -e + "), bound " + tol);
                    }
                    require(Math.abs(Math.sqrt(sumSq) - norm) <= tol, where, "‖σ‖ = " + Math.sqrt(sumSq)
                            + " but ‖M‖_F = " + norm + ", bound " + tol);
                });
        tally.requireResults("thin SVD", 1.0);
    }

    // ------------------------------------------------------------------------------------------ QR

    /**
     * QR of m×k (k ≤ m), the backend's and {@link HouseholderQr}'s, both sign rules: finite; Q orthonormal within
     * stable(m); R upper triangular (diag(R) ≥ 0 for POSITIVE_DIAGONAL); ‖A − Q·R‖_F ≤ stable(m)·‖A‖_F + m·k·η
     * (Householder QR is normwise backward stable, Higham Thm 19.4, γ̃_{mk}), on A·2^−e.
     */
    @Test
    void qrIsFiniteOrthonormalAndBackwardStable() {
        DenseKernels kernels = kernels();
        Tally tally = new Tally();
        Qt.qt().forAll(integers().between(0, HostileMatrices.GENERAL.length - 1), integers().between(1, 9),
                integers().between(1, 9), Qt.seeds()).checkAssert((kind, m0, k0, seed) -> {
                    int m = Math.max(m0, k0);
                    int k = Math.min(m0, k0);
                    DMatrixRMaj a = HostileMatrices.general(kind, m, k, new Random(seed));
                    for (QrSignRule rule : QrSignRule.values()) {
                        String where = HostileMatrices.GENERAL[kind] + ", " + m + "×" + k + ", " + rule;
                        HouseholderQr.Result backend = tally.call(where, () -> kernels.qr(a.copy(), rule));
                        HouseholderQr.Result java = tally.call(where, () -> HouseholderQr.factor(a, rule));
                        for (HouseholderQr.Result qr : new HouseholderQr.Result[] {backend, java}) {
                            if (qr != null) {
                                checkQr(where + (qr == java ? " (HouseholderQr)" : " (backend)"), a, qr, rule);
                            }
                        }
                    }
                });
        tally.requireResults("QR", 1.0);
    }

    private void checkQr(String where, DMatrixRMaj a, HouseholderQr.Result qr, QrSignRule rule) {
        int m = a.numRows;
        int k = a.numCols;
        requireFinite(where, qr.q(), "Q");
        requireFinite(where, qr.r(), "R");
        double defect = orthonormalityDefect(qr.q());
        require(defect <= stable(m), where, "max|QᵀQ − I| = " + defect + " exceeds " + stable(m));
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < i; j++) {
                require(qr.r().get(i, j) == 0, where, "R is not upper triangular at [" + i + ", " + j + "]");
            }
            require(rule != QrSignRule.POSITIVE_DIAGONAL || qr.r().get(i, i) >= 0, where, "R[" + i + ", " + i
                    + "] = " + qr.r().get(i, i) + " < 0 under POSITIVE_DIAGONAL");
        }
        int e = HostileMatrices.exponent(a);
        DMatrixRMaj as = HostileMatrices.scalb(a, -e);
        double sum = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (int t = 0; t < k; t++) {
                    s += qr.q().get(i, t) * Math.scalb(qr.r().get(t, j), -e);
                }
                double d = as.get(i, j) - s;
                sum += d * d;
            }
        }
        double tol = stable(m) * HostileMatrices.normF(as) + Math.scalb(m * k * ETA, -e);
        require(Math.sqrt(sum) <= tol, where, "‖A − QR‖_F = " + Math.sqrt(sum) + " (scaled by 2^" + -e
                + ") exceeds " + tol);
    }

    // ------------------------------------------------------------------------------------------ inverse roots

    /**
     * Every {@link InverseRoot} (the eigen root with a relative and a zero ridge, coupled Newton with the converging
     * and the official settings), p ∈ {1, 2, 4}, {@code compute} and {@code computeAsGiven}: refused (not positive
     * definite, or a root that does not fit in a double), or a finite symmetric root with a finite ridge ≥ 0 and a
     * finite residual. The eigen root additionally meets its residual: for the well-conditioned inputs (κ ≤ 1e3
     * after the ridge) max|Xᵖ·Â − I| ≤ p·κ·stable(n) (first-order error of a function of a matrix whose eigenvalues
     * carry relative error stable(n)·κ).
     */
    @Test
    void inverseRootsRefuseOrReturnFiniteRoots() {
        DenseKernels kernels = kernels();
        InverseRoot[] roots = {new EigenInverseRoot(Ridge.relative(1e-6), kernels),
            new EigenInverseRoot(Ridge.absolute(0), kernels),
            new CoupledNewtonInverseRoot(NewtonSettings.converging(), kernels),
            new CoupledNewtonInverseRoot(NewtonSettings.official(), kernels)};
        Tally tally = new Tally();
        Qt.qt().forAll(integers().between(0, HostileMatrices.SYMMETRIC.length - 1), integers().between(1, 9),
                integers().between(0, roots.length * 3 * 2 - 1), Qt.seeds()).checkAssert((kind, n, which, seed) -> {
                    DMatrixRMaj a = HostileMatrices.symmetric(kind, n, new Random(seed));
                    InverseRoot root = roots[which % roots.length];
                    int p = new int[] {1, 2, 4}[which / roots.length % 3];
                    boolean asGiven = which / (roots.length * 3) == 1;
                    String where = HostileMatrices.SYMMETRIC[kind] + ", n = " + n + ", " + root + ", p = " + p
                            + (asGiven ? ", as given" : "");
                    RootResult r = tally.call(where, () -> asGiven ? root.computeAsGiven(a, p) : root.compute(a, p));
                    if (r == null) {
                        return;
                    }
                    requireFinite(where, r.root(), "root");
                    require(Double.isFinite(r.ridge()) && r.ridge() >= 0, where, "ridge " + r.ridge());
                    require(Double.isFinite(r.residual()), where, "residual " + r.residual());
                    require(r.p() == p && r.iterations() >= 0, where, "p " + r.p() + ", iterations " + r.iterations());
                    if (root instanceof EigenInverseRoot && (kind == 2 || kind == 3 || kind == 8)) {
                        double tol = p * 1e3 * stable(n);
                        require(r.residual() <= tol, where, "residual " + r.residual() + " exceeds " + tol);
                    }
                });
        tally.requireResults("inverse roots", 0.5);
    }

    // ------------------------------------------------------------------------------------------ spectral function

    /**
     * V·diag(w)·Vᵀ with V from a hostile matrix's eigendecomposition and weights of the hostile magnitudes
     * (zeros, 1e±30, subnormals): finite and exactly symmetric.
     */
    @Test
    void spectralFunctionIsFiniteAndSymmetric() {
        DenseKernels kernels = kernels();
        Qt.qt().forAll(integers().between(0, HostileMatrices.SYMMETRIC.length - 1),
                integers().between(0, HostileMatrices.GENERAL.length - 1), integers().between(1, 9), Qt.seeds())
                .checkAssert((kind, weights, n, seed) -> {
                    Random rnd = new Random(seed);
                    DMatrixRMaj v = SymmetricEigen.of(HostileMatrices.symmetric(kind, n, rnd), kernels).vectors();
                    double[] w = HostileMatrices.general(weights, 1, n, rnd).data;
                    String where = HostileMatrices.SYMMETRIC[kind] + " vectors, " + HostileMatrices.GENERAL[weights]
                            + " weights, n = " + n;
                    DMatrixRMaj x = SpectralFunction.compose(v, w, kernels);
                    requireFinite(where, x, "V·diag(w)·Vᵀ");
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < i; j++) {
                            require(x.get(i, j) == x.get(j, i), where, "not symmetric at [" + i + ", " + j + "]");
                        }
                    }
                });
    }

    // ------------------------------------------------------------------------------------------ Björck

    /**
     * Björck orthonormalization, 0 to 6 steps, of hostile n×k matrices: either refused (it diverges when
     * ‖WᵀW − I‖₂ ≥ 1, e.g. for entries of 1e30, and then says so) or a finite matrix; the defect measures are
     * finite. Near-orthonormal inputs (a rounded orthogonal matrix) are never refused.
     */
    @Test
    void bjorckRefusesDivergenceOrReturnsFiniteColumns() {
        DenseKernels kernels = kernels();
        Bjorck bjorck = new Bjorck(kernels);
        Tally tally = new Tally();
        Qt.qt().forAll(integers().between(0, HostileMatrices.GENERAL.length), integers().between(0, 80),
                integers().between(0, 6), Qt.seeds()).checkAssert((kind, dims, steps, seed) -> {
                    int n = Math.max(1 + dims % 9, 1 + dims / 9);
                    int k = Math.min(1 + dims % 9, 1 + dims / 9);
                    Random rnd = new Random(seed);
                    boolean near = kind == HostileMatrices.GENERAL.length;
                    DMatrixRMaj w = near ? org.ejml.dense.row.CommonOps_DDRM.extract(
                            SyntheticMatrices.haarOrthogonal(n, rnd), 0, n, 0, k) : HostileMatrices.general(kind, n, k, rnd);
                    String where = (near ? "near-orthonormal" : HostileMatrices.GENERAL[kind]) + ", " + n + "×" + k
                            + ", " + steps + " steps";
                    DMatrixRMaj x = tally.call(where, () -> bjorck.orthonormalize(w, steps));
                    require(x != null || !near, where, "a near-orthonormal matrix was refused");
                    if (x != null) {
                        requireFinite(where, x, "W");
                        require(Double.isFinite(bjorck.orthonormalityError(x))
                                && Double.isFinite(bjorck.orthonormalityErrorSpectral(x)), where, "defect not finite");
                    }
                });
        tally.requireResults("Björck", 0.5);
    }

    // ------------------------------------------------------------------------------------------ λmax, ridges

    /**
     * λmax exactly and by power iteration, and the three ridges, of hostile PSD matrices: finite; the exact one
     * within stable(n)·‖A‖_F of the largest eigenvalue's lower bound max_i A_ii (a diagonal entry is a Rayleigh
     * quotient) and of its upper bound ‖A‖_F; the power estimate ≤ λmax + stable(n)·‖A‖_F.
     */
    @Test
    void lambdaMaxAndRidgesAreFinite() {
        DenseKernels kernels = kernels();
        Qt.qt().forAll(integers().between(0, HostileMatrices.SYMMETRIC.length - 1), integers().between(1, 9),
                integers().between(1, 12), Qt.seeds()).checkAssert((kind, n, iterations, seed) -> {
                    DMatrixRMaj a = HostileMatrices.symmetric(kind, n, new Random(seed));
                    String where = HostileMatrices.SYMMETRIC[kind] + ", n = " + n + ", " + iterations + " power steps";
                    double exact = LambdaMax.exact(a, kernels);
                    LambdaMax.Estimate power = LambdaMax.powerIteration(a, iterations, 1e-6);
                    double norm = HostileMatrices.normF(a);
                    double tol = stable(n) * norm + n * n * ETA;
                    double maxDiag = Double.NEGATIVE_INFINITY;
                    for (int i = 0; i < n; i++) {
                        maxDiag = Math.max(maxDiag, a.get(i, i));
                    }
                    require(Double.isFinite(exact) && exact >= maxDiag - tol && exact <= norm + tol, where,
                            "λmax " + exact + " outside [" + maxDiag + ", " + norm + "] ± " + tol);
                    require(Double.isFinite(power.estimate()) && power.estimate() <= exact + tol, where,
                            "power estimate " + power.estimate() + " above λmax " + exact);
                    for (Ridge r : new Ridge[] {Ridge.absolute(1e-6), Ridge.relative(1e-6), Ridge.relativePower(1e-6, iterations)}) {
                        double v = r.valueFor(a, kernels);
                        require(Double.isFinite(v) && v >= -1e-6 * tol, where, r + " gave " + v);
                    }
                });
    }

    // ------------------------------------------------------------------------------------------ subspace iteration

    /**
     * One subspace-iteration step of a hostile statistic from an orthonormal start: finite, orthonormal vectors
     * (within stable(n)) and finite Rayleigh quotients.
     */
    @Test
    void subspaceIterationStepIsFinite() {
        SubspaceIteration it = new SubspaceIteration(kernels());
        Qt.qt().forAll(integers().between(0, HostileMatrices.SYMMETRIC.length - 1), integers().between(1, 9),
                integers().between(1, 9), Qt.seeds()).checkAssert((kind, n, k0, seed) -> {
                    int k = Math.min(n, k0);
                    Random rnd = new Random(seed);
                    DMatrixRMaj l = HostileMatrices.symmetric(kind, n, rnd);
                    DMatrixRMaj v = org.ejml.dense.row.CommonOps_DDRM.extract(SyntheticMatrices.haarOrthogonal(n, rnd),
                            0, n, 0, k);
                    String where = HostileMatrices.SYMMETRIC[kind] + ", n = " + n + ", k = " + k;
                    SubspaceIteration.Step s = it.step(l, v);
                    requireFinite(where, s.vectors(), "vectors");
                    requireFinite(where, s.values(), "values");
                    double defect = orthonormalityDefect(s.vectors());
                    require(defect <= stable(n), where, "max|QᵀQ − I| = " + defect);
                });
    }

    // ------------------------------------------------------------------------------------------ Frequent Directions

    /**
     * Frequent Directions fed three hostile blocks, then its inverse root applied to a Gaussian X with ε = 1e-6:
     * every update returns a finite escaped mass ≥ 0 and keeps finite singular values; the root is refused (a
     * factor that does not fit in a double) or finite.
     */
    @Test
    void frequentDirectionsStaysFinite() {
        DenseKernels kernels = kernels();
        Tally tally = new Tally();
        Qt.qt().forAll(integers().between(0, HostileMatrices.GENERAL.length - 1), integers().between(0, 80),
                integers().between(1, 4), Qt.seeds()).checkAssert((kind, dims, ell, seed) -> {
                    int n = 1 + dims % 9;
                    int m = 1 + dims / 9;
                    Random rnd = new Random(seed);
                    FrequentDirections fd = new FrequentDirections(n, ell, 0.9, kernels);
                    String where = HostileMatrices.GENERAL[kind] + ", n = " + n + ", m = " + m + ", ℓ = " + ell;
                    for (int step = 0; step < 3; step++) {
                        double rho = fd.update(HostileMatrices.general(kind, n, m, rnd));
                        require(Double.isFinite(rho) && rho >= 0, where, "escaped mass " + rho);
                        requireFinite(where, fd.singularValues(), "σ");
                        requireFinite(where, fd.basis(), "basis");
                    }
                    DMatrixRMaj x = SyntheticMatrices.gaussian(n, 2, rnd);
                    DMatrixRMaj y = tally.call(where, () -> fd.applyInverseRoot(x, 4, 1e-6));
                    if (y != null) {
                        requireFinite(where, y, "root·X");
                    }
                });
        tally.requireResults("Frequent Directions", 0.9);
    }

    // ------------------------------------------------------------------------------------------ Kronecker

    /** L·G·R with hostile factors of magnitudes up to 1e30 each (products up to 1e90): finite. */
    @Test
    void kroneckerSandwichIsFinite() {
        Kronecker kron = new Kronecker(kernels());
        Qt.qt().forAll(integers().between(0, HostileMatrices.SYMMETRIC.length - 1),
                integers().between(0, HostileMatrices.GENERAL.length - 1), integers().between(0, 80), Qt.seeds())
                .checkAssert((kind, gk, dims, seed) -> {
                    int m = 1 + dims % 9;
                    int n = 1 + dims / 9;
                    Random rnd = new Random(seed);
                    DMatrixRMaj l = HostileMatrices.symmetric(kind, m, rnd);
                    DMatrixRMaj r = HostileMatrices.symmetric(kind, n, rnd);
                    DMatrixRMaj g = HostileMatrices.general(gk, m, n, rnd);
                    String where = HostileMatrices.SYMMETRIC[kind] + " factors, " + HostileMatrices.GENERAL[gk] + " G, "
                            + m + "×" + n;
                    requireFinite(where, kron.sandwich(l, g, r), "L·G·R");
                });
    }
}
