package io.qshampoo.oracle;

/**
 * How far (in NRE) an inverse p-th root computed in a given precision may lie from the float64 eigen reference
 * X* = (A + r·I)^(−1/p) and still be right.
 *
 * <h2>Derivation</h2>
 * A backward-stable computation in unit roundoff u (an eigensolver, or a Newton iteration run to convergence)
 * returns the exact root of a nearby matrix Â + E with ‖E‖_F ≲ c·n·u·‖Â‖₂, Â = A + r·I (Higham, <i>Accuracy and
 * Stability of Numerical Algorithms</i>, §3.5 and Ch. 19: dot-product and Householder-based methods have
 * backward errors of order n·u). For f(x) = x^(−1/p) the Fréchet derivative at a symmetric Â scales the
 * eigen-coordinates of E by the divided differences f[λᵢ, λⱼ], each at most |f′(λmin)| = λmin^(−1/p−1)/p
 * (Higham, <i>Functions of Matrices</i>, Thm. 3.11). With ‖X*‖_F ≥ λmin^(−1/p), to first order
 * <pre>
 *   NRE ≤ (κ/p)·c·n·u,            κ = (λmax + r)/(λmin + r), the condition number of Â.
 * </pre>
 * Forming X = V·diag(·)·Vᵀ adds a relative c·n·u of its own, hence the factor (κ/p + 1). The reference carries
 * the same bound with u₆₄ = 2^−53, and storing X in a file of unit roundoff u_s (2^−24 for float32) moves every
 * element by at most u_s relatively, so NRE grows by at most u_s:
 * <pre>
 *   tolerance = c·n·(κ/p + 1)·(u + u₆₄) + u_s,      c = {@value #DEFAULT_SAFETY} by default.
 * </pre>
 * A root that misses it is not explained by rounding in the stated precision: an unconverged iteration (its
 * residual max|Xᵖ·Â − I| says so), another ridge, or a wrong value. When the tolerance reaches 1 the precision
 * cannot resolve the root at this κ and the verdict says nothing.
 *
 * @param n               order of A
 * @param p               root order
 * @param kappa           κ(A + r·I)
 * @param unitRoundoff    u of the other side's computation
 * @param storageRoundoff u_s of the file their root was stored in
 * @param safety          c
 * @param value           the tolerance
 */
public record RootTolerance(int n, int p, double kappa, double unitRoundoff, double storageRoundoff, double safety,
                            double value) {

    /** c: covers the modest constants of the n·u backward-error bounds. */
    public static final double DEFAULT_SAFETY = 4;

    /** u₆₄, the reference's unit roundoff. */
    public static final double U64 = 0x1p-53;

    /** The tolerance from its ingredients (formula in the class comment). */
    public static RootTolerance derive(int n, int p, double kappa, double unitRoundoff, double storageRoundoff,
                                       double safety) {
        double value = safety * n * (kappa / p + 1) * (unitRoundoff + U64) + storageRoundoff;
        return new RootTolerance(n, p, kappa, unitRoundoff, storageRoundoff, safety, value);
    }

    /** The formula with its numbers, for reports. */
    public String formula() {
        return String.format("c·n·(κ/p + 1)·(u + u64) + u_store = %.3g·%d·(%.4g/%d + 1)·(%.3g + %.3g) + %.3g = %.3g",
                safety, n, kappa, p, unitRoundoff, U64, storageRoundoff, value);
    }
}
