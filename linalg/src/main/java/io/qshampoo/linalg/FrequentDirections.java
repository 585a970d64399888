package io.qshampoo.linalg;

import java.util.Arrays;

import org.ejml.data.DMatrixRMaj;

/**
 * Frequent Directions sketch of an exponentially weighted covariance: Feinberg et al. 2023, Alg. 1
 * (FD-update) with the exponential moving average of §4.3, Observation 6. It keeps a rank-(ℓ−1)
 * approximation Ḡ_T = B·Bᵀ of the n×n statistic
 * <pre>
 *   G_T = Σ_{t ≤ T} β^(T−t)·Gₜ·Gₜᵀ        (Gₜ an n×k block of the stream; k = 1 for vectors)
 * </pre>
 * in O(nℓ) memory, plus the cumulative escaped mass ρ₁:T that bounds its error. β = 1 is the plain
 * (undecayed) Alg. 1.
 *
 * <h2>State and invariants</h2>
 * B = U·diag(σ) with U n×w with orthonormal columns and σ descending, w = min(ℓ, n).
 * <ul>
 *   <li>ℓ ≤ n: σ_ℓ = 0 exactly — B's last column is zero, as Alg. 1 requires, so the sketch holds at
 *       most ℓ−1 directions.</li>
 *   <li>n &lt; ℓ: no ℓ-th eigenvalue exists, so nothing is removed: w = n, ρₜ = 0 and the sketch is exact
 *       (Ḡ_T = G_T up to rounding). This is Alg. 1 with the n×n statistic padded by zero eigenvalues.</li>
 * </ul>
 * A fresh sketch has σ = 0, U the first w columns of the identity, ρ = 0 and 0 steps.
 *
 * <h2>Update (one step, {@link #update})</h2>
 * The thin SVD M = P·diag(s)·Qᵀ of the n×(w+k) matrix M = [√β·B, Gₜ] gives the eigenpairs of
 * M·Mᵀ = β·Ḡₜ₋₁ + Gₜ·Gₜᵀ without squaring anything: λᵢ = sᵢ². Then
 * <pre>
 *   ρₜ = λ_ℓ = s_ℓ²     (0 when n &lt; ℓ)
 *   σᵢ = √(λᵢ − ρₜ) = √(sᵢ − s_ℓ)·√(sᵢ + s_ℓ),   U = first w columns of P
 *   ρ₁:ₜ = γ·ρ₁:ₜ₋₁ + ρₜ          (γ the tail decay, β by default; see below)
 * </pre>
 * The product form of σᵢ neither loses digits to cancellation in sᵢ² − s_ℓ² nor overflows. U is
 * recomputed from an SVD each step, so its loss of orthonormality does not accumulate.
 *
 * <h2>Which cumulative escaped mass: the decayed sum</h2>
 * ρ₁:T = Σₜ β^(T−t)·ρₜ, i.e. ρ ← β·ρ + ρₜ; at β = 1 it is Alg. 1's plain sum. Both inequalities of
 * Observation 6, ‖G_T − Ḡ_T‖₂ ≤ ρ₁:T ≤ min_{k&lt;ℓ} Σ_{i>k} λᵢ(G_T)/(ℓ−k), hold for it, by Lemma 1's
 * trace argument. Let Sₜ = β·Ḡₜ₋₁ + GₜGₜᵀ have eigenpairs (λᵢ, uᵢ); then
 * Δₜ = Sₜ − Ḡₜ = λ_ℓ·Σ_{i≤ℓ} uᵢuᵢᵀ + Σ_{i>ℓ} λᵢ·uᵢuᵢᵀ, so 0 ⪯ Δₜ ⪯ ρₜ·I and tr Δₜ ≥ ℓ·ρₜ. The error
 * Eₜ = Gₜ − Ḡₜ obeys Eₜ = β·Eₜ₋₁ + Δₜ, hence E_T = Σₜ β^(T−t)·Δₜ, which gives 0 ⪯ E_T ⪯ ρ₁:T·I (the
 * first inequality, and Ḡ_T ⪯ G_T) and tr E_T ≥ ℓ·ρ₁:T. With P the projector on the top-k eigenvectors
 * of G_T: tr Ḡ_T ≥ tr(P·Ḡ_T) = tr(P·G_T) − tr(P·E_T) ≥ Σ_{i≤k} λᵢ(G_T) − k·ρ₁:T, so
 * ℓ·ρ₁:T ≤ tr E_T = tr G_T − tr Ḡ_T ≤ Σ_{i>k} λᵢ(G_T) + k·ρ₁:T: the second inequality. The undecayed sum
 * Σₜ ρₜ is larger, so it still bounds the error, but the second inequality fails for it (early escaped
 * mass that G_T has long forgotten stays in it), and the preconditioner's ridge would be too large.
 *
 * <p>The official Sketchy code (google-research/precondition, {@code tearfree/sketchy.py}) decays its tail by
 * γ = √β instead; the constructor's {@code tailDecay} selects it (the sketch itself is unaffected). Since
 * √β ≥ β, that tail is larger than the decayed sum, so it still bounds the error, but like the undecayed sum
 * it fails the second inequality. That code keeps {@code rank} directions and subtracts the next singular
 * value, i.e. ℓ = rank + 1 here.
 *
 * <h2>The factored root</h2>
 * {@link #applyInverseRoot} treats a direction with σᵢ = 0 as part of the complement I − U·Uᵀ (its factor is
 * the complement's), so a zero column of B contributes nothing; this is the official code's mask
 * ({@code deflated > 0}), and it changes nothing when the complement is scaled. Where ρ₁:ₜ = 0 exactly the
 * complement term is either scaled by ε^(−1/p), as the formula reads, or dropped, as the official code does
 * ({@code dropZeroTail}).
 *
 * <h2>Costs</h2>
 * {@link #update}: one thin SVD of an n×(w+k) matrix, O(n·(w+k)²). {@link #applyInverseRoot} and
 * {@link #applyInverseRootRight}: O(n·w·m) for an n×m (m×n) argument, no n×n matrix formed.
 * {@link #sketch}: O(n²·w), for tests and teaching. Heavy operations go through the {@link DenseKernels}
 * given to the constructor. Not thread-safe.
 */
public final class FrequentDirections {

    /**
     * Default bound on max|UᵀU − I| accepted by {@link #restore(State)}. A U computed in float64 by a
     * backward-stable SVD is orthonormal to about c·n·2⁻⁵³ (≈ 1e-12 for n = 10⁴, c = 10); 1e-10 accepts
     * that and rejects a corrupted or fp32-rounded basis (≈ √n·6e-8), for which the caller passes a
     * looser tolerance on purpose.
     */
    public static final double DEFAULT_ORTHONORMALITY_TOLERANCE = 1e-10;

    private final int n;
    private final int ell;
    private final int width;
    private final double beta;
    private final double sqrtBeta;
    private final double tailDecay;
    private final DenseKernels kernels;

    private DMatrixRMaj u;
    private double[] sigma;
    private double lastEscapedMass;
    private double escapedMass;
    private long steps;

    /** Plain Alg. 1 (β = 1) through the reference kernels. */
    public FrequentDirections(int n, int ell) {
        this(n, ell, 1.0, DenseKernels.reference());
    }

    /** Exponentially weighted FD (Obs. 6) through the reference kernels. */
    public FrequentDirections(int n, int ell, double beta) {
        this(n, ell, beta, DenseKernels.reference());
    }

    /**
     * An empty sketch: σ = 0, ρ = 0, 0 steps.
     *
     * @param n       order of the sketched statistic (rows of each streamed block), ≥ 1
     * @param ell     sketch size ℓ ≥ 1; at most ℓ − 1 directions are kept when ℓ ≤ n
     * @param beta    decay β in (0, 1]; 1 gives the plain sum
     * @param kernels backend for the SVD and the products
     */
    public FrequentDirections(int n, int ell, double beta, DenseKernels kernels) {
        this(n, ell, beta, beta, kernels);
    }

    /**
     * An empty sketch whose escaped mass decays by {@code tailDecay} instead of β: ρ₁:ₜ = γ·ρ₁:ₜ₋₁ + ρₜ.
     * γ = β is the decayed sum of Obs. 6 (the default, see the class comment); γ = √β is the official
     * {@code tearfree/sketchy.py}.
     *
     * @param tailDecay γ in (0, 1]
     * @throws IllegalArgumentException as the other constructor, or if γ is outside (0, 1]
     */
    public FrequentDirections(int n, int ell, double beta, double tailDecay, DenseKernels kernels) {
        this.n = MatrixChecks.requirePositive(n, "n");
        this.ell = MatrixChecks.requirePositive(ell, "ell");
        this.beta = requireBeta(beta);
        this.sqrtBeta = Math.sqrt(beta);
        this.tailDecay = requireDecay(tailDecay, "tailDecay");
        this.kernels = requireKernels(kernels);
        this.width = Math.min(ell, n);
        this.u = new DMatrixRMaj(n, width);
        for (int j = 0; j < width; j++) {
            u.data[j * width + j] = 1.0;
        }
        this.sigma = new double[width];
    }

    private FrequentDirections(State s, DenseKernels kernels) {
        this.n = s.basis().numRows;
        this.ell = s.ell();
        this.beta = s.beta();
        this.sqrtBeta = Math.sqrt(beta);
        this.tailDecay = s.tailDecay();
        this.kernels = kernels;
        this.width = Math.min(ell, n);
        this.u = s.basis().copy();
        this.sigma = s.singularValues().clone();
        this.lastEscapedMass = s.lastEscapedMass();
        this.escapedMass = s.escapedMass();
        this.steps = s.steps();
    }

    /**
     * One FD-update step with the n×k block Gₜ (k ≥ 1): Ḡₜ ≈ β·Ḡₜ₋₁ + Gₜ·Gₜᵀ. Cost: thin SVD of an
     * n×(w+k) matrix, O(n·(w+k)²), plus O(n·(w+k)) copying. On an exception the state is unchanged.
     *
     * @return ρₜ, the mass removed at this step (0 when n &lt; ℓ)
     * @throws IllegalArgumentException if g is null, not n×k with k ≥ 1, or not finite
     * @throws ArithmeticException      if the escaped mass overflows (entries beyond ~1e154)
     */
    public double update(DMatrixRMaj g) {
        MatrixChecks.requireNonNull(g, "g");
        if (g.numRows != n || g.numCols < 1) {
            throw new IllegalArgumentException("g is " + MatrixChecks.shape(g) + "; expected " + n
                    + "xk with k >= 1 (rows = the sketch's dimension n)");
        }
        MatrixChecks.requireFinite(g, "g");
        final int k = g.numCols;
        final int cols = width + k;
        DMatrixRMaj m = new DMatrixRMaj(n, cols);
        for (int i = 0; i < n; i++) {
            final int row = i * cols;
            for (int j = 0; j < width; j++) {
                m.data[row + j] = sqrtBeta * sigma[j] * u.data[i * width + j];
            }
            System.arraycopy(g.data, i * k, m.data, row + width, k);
        }
        ThinSvd svd = kernels.thinSvd(m);
        final double[] s = svd.sigma();
        final DMatrixRMaj p = svd.u();
        final int r = p.numCols;
        // r = min(n, w + k) ≥ w: when ℓ ≤ n, w + k > ℓ, so the ℓ-th singular value exists.
        final double cutoff = ell <= n ? s[ell - 1] : 0.0;
        final double rho = cutoff * cutoff;
        final double newEscaped = tailDecay * escapedMass + rho;
        if (!Double.isFinite(newEscaped)) {
            throw new ArithmeticException("escaped mass overflowed: s_ell = " + cutoff
                    + "; the sketched statistic is not representable in float64");
        }
        double[] newSigma = new double[width];
        DMatrixRMaj newU = new DMatrixRMaj(n, width);
        for (int j = 0; j < width; j++) {
            // s is descending, so s[j] ≥ cutoff for j < ℓ; max() guards a backend returning ties out of order.
            newSigma[j] = Math.sqrt(Math.max(0.0, s[j] - cutoff)) * Math.sqrt(s[j] + cutoff);
        }
        for (int i = 0; i < n; i++) {
            System.arraycopy(p.data, i * r, newU.data, i * width, width);
        }
        u = newU;
        sigma = newSigma;
        lastEscapedMass = rho;
        escapedMass = newEscaped;
        steps++;
        return rho;
    }

    /**
     * (Ḡ + (ρ₁:ₜ + ε)·I)^(−1/p)·X for an n×m matrix X, the left Sketchy preconditioner applied to X,
     * computed in factored form
     * <pre>
     *   U·diag(σ² + ρ + ε)^(−1/p)·UᵀX + (ρ + ε)^(−1/p)·(X − U·UᵀX)
     *     = c·X + U·diag(dᵢ − c)·(UᵀX),    dᵢ = (σᵢ² + ρ + ε)^(−1/p),  c = (ρ + ε)^(−1/p)
     * </pre>
     * (U has orthonormal columns, so I − UUᵀ projects onto the directions the sketch does not hold).
     * Cost O(n·w·m): two products through the backend; no n×n matrix is formed.
     *
     * @param p   root order, finite and > 0 (Shampoo uses 4 per factor for a matrix, 2 for a vector)
     * @param eps ridge ε ≥ 0, absolute (scale it by σ₁² yourself for a relative ridge)
     * @throws IllegalArgumentException if X is not n×m finite, p or ε is out of range, or ρ + ε ≤ 0
     *         (an empty or exact sketch has ρ = 0: pass ε > 0)
     */
    public DMatrixRMaj applyInverseRoot(DMatrixRMaj x, double p, double eps) {
        return applyInverseRoot(x, p, eps, false);
    }

    /**
     * As {@link #applyInverseRoot(DMatrixRMaj, double, double)}; with {@code dropZeroTail} and ρ₁:ₜ = 0 exactly,
     * c = 0: the complement term is dropped (the official {@code tearfree/sketchy.py}), so the result lies in
     * the span of the directions with σᵢ > 0. ρ₁:ₜ + ε may then be 0.
     *
     * @throws IllegalArgumentException as the three-argument form, or if a kept factor (σᵢ² + ρ + ε)^(−1/p)
     *         overflows (σᵢ² + ε underflowed to 0: pass ε > 0)
     */
    public DMatrixRMaj applyInverseRoot(DMatrixRMaj x, double p, double eps, boolean dropZeroTail) {
        MatrixChecks.requireNonNull(x, "x");
        if (x.numRows != n || x.numCols < 1) {
            throw new IllegalArgumentException("x is " + MatrixChecks.shape(x) + "; expected " + n
                    + "xm with m >= 1 (rows = the sketch's dimension n)");
        }
        MatrixChecks.requireFinite(x, "x");
        final double[] factors = rootFactors(p, eps, dropZeroTail);
        final double c = factors[width];
        final int m = x.numCols;
        DMatrixRMaj coeff = new DMatrixRMaj(width, m);
        kernels.multTransA(u, x, coeff);
        for (int j = 0; j < width; j++) {
            final double f = factors[j];
            for (int col = 0; col < m; col++) {
                coeff.data[j * m + col] *= f;
            }
        }
        DMatrixRMaj y = new DMatrixRMaj(n, m);
        kernels.mult(u, coeff, y);
        addScaled(y, c, x);
        return y;
    }

    /**
     * X·(Ḡ + (ρ₁:ₜ + ε)·I)^(−1/p) for an m×n matrix X, the right-side preconditioner (Shampoo's R factor):
     * c·X + (X·U)·diag(dᵢ − c)·Uᵀ, the transpose of {@link #applyInverseRoot} applied to Xᵀ since the
     * matrix is symmetric. Cost O(m·n·w), no n×n matrix formed.
     *
     * @throws IllegalArgumentException as {@link #applyInverseRoot}, with X required m×n
     */
    public DMatrixRMaj applyInverseRootRight(DMatrixRMaj x, double p, double eps) {
        return applyInverseRootRight(x, p, eps, false);
    }

    /**
     * As {@link #applyInverseRootRight(DMatrixRMaj, double, double)} with the zero-tail rule of
     * {@link #applyInverseRoot(DMatrixRMaj, double, double, boolean)}.
     */
    public DMatrixRMaj applyInverseRootRight(DMatrixRMaj x, double p, double eps, boolean dropZeroTail) {
        MatrixChecks.requireNonNull(x, "x");
        if (x.numCols != n || x.numRows < 1) {
            throw new IllegalArgumentException("x is " + MatrixChecks.shape(x) + "; expected mx" + n
                    + " with m >= 1 (columns = the sketch's dimension n)");
        }
        MatrixChecks.requireFinite(x, "x");
        final double[] factors = rootFactors(p, eps, dropZeroTail);
        final double c = factors[width];
        final int m = x.numRows;
        DMatrixRMaj coeff = new DMatrixRMaj(m, width);
        kernels.mult(x, u, coeff);
        for (int row = 0; row < m; row++) {
            for (int j = 0; j < width; j++) {
                coeff.data[row * width + j] *= factors[j];
            }
        }
        DMatrixRMaj y = new DMatrixRMaj(m, n);
        kernels.multTransB(coeff, u, y);
        addScaled(y, c, x);
        return y;
    }

    /**
     * dⱼ − c for j < w (0 where σⱼ = 0: that direction belongs to the complement), then c at index w:
     * c = (ρ + ε)^(−1/p), or 0 when the zero tail is dropped.
     */
    private double[] rootFactors(double p, double eps, boolean dropZeroTail) {
        if (!(p > 0) || !Double.isFinite(p)) {
            throw new IllegalArgumentException("p is " + p + "; expected a finite root order > 0");
        }
        MatrixChecks.requireNonNegative(eps, "eps");
        final double floor = escapedMass + eps;
        final boolean drop = dropZeroTail && escapedMass == 0;
        if (!drop && !(floor > 0)) {
            throw new IllegalArgumentException("escaped mass + eps is " + escapedMass + " + " + eps + " = " + floor
                    + "; expected > 0 so that the sketched preconditioner is invertible (pass eps > 0)");
        }
        final double exponent = -1.0 / p;
        final double c = drop ? 0 : Math.pow(floor, exponent);
        double[] f = new double[width + 1];
        for (int j = 0; j < width; j++) {
            if (sigma[j] > 0) {
                final double d = Math.pow(sigma[j] * sigma[j] + floor, exponent);
                if (!Double.isFinite(d)) {
                    throw new IllegalArgumentException("sigma[" + j + "]^2 + escaped mass + eps is "
                            + (sigma[j] * sigma[j] + floor) + "; expected > 0 (pass eps > 0)");
                }
                f[j] = d - c;
            }
        }
        f[width] = c;
        return f;
    }

    private static void addScaled(DMatrixRMaj y, double c, DMatrixRMaj x) {
        final int size = y.getNumElements();
        for (int k = 0; k < size; k++) {
            y.data[k] += c * x.data[k];
        }
    }

    /**
     * The sketch Ḡ = B·Bᵀ = U·diag(σ²)·Uᵀ as an explicit, exactly symmetric n×n matrix. Cost O(n²·w)
     * time and O(n²) memory: for tests and teaching, not for an optimizer step.
     */
    public DMatrixRMaj sketch() {
        DMatrixRMaj b = sketchFactor();
        DMatrixRMaj g = new DMatrixRMaj(n, n);
        kernels.multTransB(b, b, g);
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                final double avg = 0.5 * (g.data[i * n + j] + g.data[j * n + i]);
                g.data[i * n + j] = avg;
                g.data[j * n + i] = avg;
            }
        }
        return g;
    }

    /** B = U·diag(σ), n×w (last column zero when ℓ ≤ n). Cost O(n·w). */
    public DMatrixRMaj sketchFactor() {
        DMatrixRMaj b = new DMatrixRMaj(n, width);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < width; j++) {
                b.data[i * width + j] = u.data[i * width + j] * sigma[j];
            }
        }
        return b;
    }

    /** A copy of U, n×w with orthonormal columns. Cost O(n·w). */
    public DMatrixRMaj basis() {
        return u.copy();
    }

    /** A copy of σ, the singular values of B, descending; σ_ℓ = 0 when ℓ ≤ n. */
    public double[] singularValues() {
        return sigma.clone();
    }

    /** ρₜ, the mass removed by the last update (0 before any). */
    public double lastEscapedMass() {
        return lastEscapedMass;
    }

    /** ρ₁:ₜ = Σ_{s ≤ t} γ^(t−s)·ρₛ, the decayed cumulative escaped mass (γ = β: ‖Gₜ − Ḡₜ‖₂ ≤ ρ₁:ₜ, also for γ ≥ β). */
    public double escapedMass() {
        return escapedMass;
    }

    /** Number of updates applied since the sketch was empty. */
    public long steps() {
        return steps;
    }

    /** n, the order of the sketched statistic. */
    public int dimension() {
        return n;
    }

    /** ℓ, the sketch size. */
    public int sketchSize() {
        return ell;
    }

    /** w = min(ℓ, n), the number of columns of U and entries of σ. */
    public int width() {
        return width;
    }

    /** β, the decay per step. */
    public double beta() {
        return beta;
    }

    /** γ, the decay of the escaped mass per step (β unless the constructor was given another). */
    public double tailDecay() {
        return tailDecay;
    }

    /**
     * The number of directions the sketch can hold: ℓ − 1 when ℓ ≤ n (the ℓ-th column of B is zero), n
     * otherwise. The leading {@code kept()} columns of U and entries of σ are the sketch; the rest is padding.
     */
    public int kept() {
        return ell <= n ? ell - 1 : n;
    }

    /** A deep copy of the state, for checkpoints; {@link #restore(State)} undoes it. Cost O(n·w). */
    public State state() {
        return new State(ell, beta, tailDecay, u.copy(), sigma.clone(), lastEscapedMass, escapedMass, steps);
    }

    /** {@link #restore(State, DenseKernels, double)} with the reference kernels and the default tolerance. */
    public static FrequentDirections restore(State state) {
        return restore(state, DenseKernels.reference(), DEFAULT_ORTHONORMALITY_TOLERANCE);
    }

    /**
     * A sketch continuing from a saved state (copied, not shared). Validates everything the invariants
     * need: ℓ ≥ 1, β in (0, 1], basis n×min(ℓ, n) finite with max|UᵀU − I| ≤ {@code orthonormalityTolerance},
     * σ finite, ≥ 0, descending, σ_ℓ = 0 when ℓ ≤ n, 0 ≤ ρₜ ≤ ρ₁:ₜ finite, steps ≥ 0, and an all-zero
     * state when steps = 0. Cost O(n·w²) for the orthonormality check.
     *
     * @throws IllegalArgumentException naming the first field that violates an invariant
     */
    public static FrequentDirections restore(State state, DenseKernels kernels, double orthonormalityTolerance) {
        if (state == null) {
            throw new IllegalArgumentException("state is null; expected a FrequentDirections.State");
        }
        requireKernels(kernels);
        MatrixChecks.requireNonNegative(orthonormalityTolerance, "orthonormalityTolerance");
        MatrixChecks.requirePositive(state.ell(), "state.ell");
        requireBeta(state.beta());
        requireDecay(state.tailDecay(), "state.tailDecay");
        DMatrixRMaj b = MatrixChecks.requireNonNull(state.basis(), "state.basis");
        final int n = MatrixChecks.requirePositive(b.numRows, "state.basis rows");
        final int w = Math.min(state.ell(), n);
        MatrixChecks.requireShape(b, n, w, "state.basis");
        MatrixChecks.requireFinite(b, "state.basis");
        double[] s = state.singularValues();
        if (s == null || s.length != w) {
            throw new IllegalArgumentException("state.singularValues has length "
                    + (s == null ? "null" : String.valueOf(s.length)) + "; expected " + w + " = min(ell, n)");
        }
        for (int j = 0; j < w; j++) {
            if (!(s[j] >= 0) || !Double.isFinite(s[j]) || (j > 0 && s[j] > s[j - 1])) {
                throw new IllegalArgumentException("state.singularValues[" + j + "] is " + s[j]
                        + "; expected finite, >= 0 and descending");
            }
        }
        if (state.ell() <= n && s[w - 1] != 0.0) {
            throw new IllegalArgumentException("state.singularValues[" + (w - 1) + "] is " + s[w - 1]
                    + "; expected 0 (FD keeps the last column of B zero when ell <= n)");
        }
        MatrixChecks.requireNonNegative(state.lastEscapedMass(), "state.lastEscapedMass");
        MatrixChecks.requireNonNegative(state.escapedMass(), "state.escapedMass");
        if (state.escapedMass() < state.lastEscapedMass()) {
            throw new IllegalArgumentException("state.escapedMass is " + state.escapedMass()
                    + "; expected >= state.lastEscapedMass = " + state.lastEscapedMass() + " (it includes it)");
        }
        if (state.steps() < 0) {
            throw new IllegalArgumentException("state.steps is " + state.steps() + "; expected >= 0");
        }
        if (state.steps() == 0 && (state.escapedMass() != 0 || s[0] != 0)) {
            throw new IllegalArgumentException("state.steps is 0 but escapedMass = " + state.escapedMass()
                    + " and singularValues[0] = " + s[0] + "; expected an empty sketch (all zero)");
        }
        DMatrixRMaj gram = new DMatrixRMaj(w, w);
        kernels.multTransA(b, b, gram);
        double worst = 0;
        for (int i = 0; i < w; i++) {
            for (int j = 0; j < w; j++) {
                worst = Math.max(worst, Math.abs(gram.data[i * w + j] - (i == j ? 1.0 : 0.0)));
            }
        }
        if (!(worst <= orthonormalityTolerance)) {
            throw new IllegalArgumentException(String.format(
                    "state.basis is not orthonormal: max|U^T U - I| = %.3e; expected <= %.1e", worst,
                    orthonormalityTolerance));
        }
        return new FrequentDirections(state, kernels);
    }

    private static double requireBeta(double beta) {
        return requireDecay(beta, "beta");
    }

    private static double requireDecay(double v, String name) {
        if (!(v > 0 && v <= 1)) {
            throw new IllegalArgumentException(name + " is " + v + "; expected a decay in (0, 1]");
        }
        return v;
    }

    private static DenseKernels requireKernels(DenseKernels kernels) {
        if (kernels == null) {
            throw new IllegalArgumentException("kernels is null; expected a DenseKernels backend");
        }
        return kernels;
    }

    /**
     * A checkpoint of a {@link FrequentDirections} sketch. The record holds the arrays it is given;
     * {@link FrequentDirections#state()} hands out copies and {@link FrequentDirections#restore} copies
     * again, so neither side can alter the other.
     *
     * @param ell             sketch size ℓ
     * @param beta            decay β
     * @param tailDecay       decay γ of the escaped mass
     * @param basis           U, n×min(ℓ, n)
     * @param singularValues  σ, descending
     * @param lastEscapedMass ρₜ of the last update
     * @param escapedMass     ρ₁:ₜ, decayed
     * @param steps           updates applied
     */
    public record State(int ell, double beta, double tailDecay, DMatrixRMaj basis, double[] singularValues,
            double lastEscapedMass, double escapedMass, long steps) {

        /** A state whose escaped mass decays by β (γ = β). */
        public State(int ell, double beta, DMatrixRMaj basis, double[] singularValues, double lastEscapedMass,
                double escapedMass, long steps) {
            this(ell, beta, beta, basis, singularValues, lastEscapedMass, escapedMass, steps);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof State other && ell == other.ell
                    && Double.compare(beta, other.beta) == 0
                    && Double.compare(tailDecay, other.tailDecay) == 0
                    && Double.compare(lastEscapedMass, other.lastEscapedMass) == 0
                    && Double.compare(escapedMass, other.escapedMass) == 0 && steps == other.steps
                    && Arrays.equals(singularValues, other.singularValues)
                    && sameMatrix(basis, other.basis);
        }

        @Override
        public int hashCode() {
            int h = Integer.hashCode(ell);
            h = 31 * h + Double.hashCode(beta);
            h = 31 * h + Double.hashCode(tailDecay);
            h = 31 * h + Arrays.hashCode(singularValues);
            h = 31 * h + Double.hashCode(escapedMass);
            h = 31 * h + Long.hashCode(steps);
            return h;
        }

        @Override
        public String toString() {
            return "FrequentDirections.State[ell=" + ell + ", beta=" + beta + ", tailDecay=" + tailDecay + ", basis="
                    + (basis == null ? "null" : MatrixChecks.shape(basis)) + ", singularValues="
                    + Arrays.toString(singularValues) + ", lastEscapedMass=" + lastEscapedMass
                    + ", escapedMass=" + escapedMass + ", steps=" + steps + "]";
        }

        private static boolean sameMatrix(DMatrixRMaj a, DMatrixRMaj b) {
            if (a == null || b == null) {
                return a == b;
            }
            return a.numRows == b.numRows && a.numCols == b.numCols
                    && Arrays.equals(Arrays.copyOf(a.data, a.getNumElements()),
                            Arrays.copyOf(b.data, b.getNumElements()));
        }
    }
}
