package io.qshampoo.linalg;

/**
 * Settings of the coupled Newton inverse-root iteration ({@link CoupledNewtonInverseRoot}).
 *
 * @param maxIterations at most this many accepted iterations
 * @param tolerance     stop when max_ij |(M − I)_ij| ≤ tolerance (M = Xᵖ·Â, the coupled iterate)
 * @param growthLimit   stop (keeping the previous iterate) when the error grows by more than this factor;
 *                      {@code Double.POSITIVE_INFINITY} disables the guard
 * @param ridge         the ridge added before the iteration
 */
public record NewtonSettings(int maxIterations, double tolerance, double growthLimit, Ridge ridge) {

    public NewtonSettings {
        MatrixChecks.requirePositive(maxIterations, "maxIterations");
        if (!(tolerance > 0) || !Double.isFinite(tolerance)) {
            throw new IllegalArgumentException("tolerance is " + tolerance + "; expected a finite value > 0");
        }
        if (!(growthLimit >= 1)) {
            throw new IllegalArgumentException("growthLimit is " + growthLimit + "; expected a value >= 1 (or infinity)");
        }
        if (ridge == null) {
            throw new IllegalArgumentException("ridge is null; expected a Ridge");
        }
    }

    /**
     * The official low-bit Shampoo settings (Wang et al. 2024 code): 10 iterations, tolerance 1e-6,
     * stop when the error grows by 1.2×, ridge ε·λ̃ with ε = 1e-6 and λ̃ from ≤ 10 power-iteration
     * steps. With only 10 iterations the iteration does not converge for condition numbers beyond
     * about 1e3–1e4: the result says so in {@link RootResult#converged()}.
     */
    public static NewtonSettings official() {
        return new NewtonSettings(10, 1e-6, 1.2, Ridge.relativePower(1e-6, 10));
    }

    /**
     * A converging default for the float64 reference: up to 100 iterations (enough for condition
     * numbers far beyond the 1e6 that the ridge ε = 1e-6 allows: the small eigenvalues of M grow by
     * ((p+1)/p)ᵖ ≥ 2.4 per step until the quadratic phase), tolerance 1e-9, ridge ε·λmax with exact λmax,
     * and no growth guard: the entrywise error max|M − I| can grow in the first steps while every
     * eigenvalue of M moves toward 1 (Guo &amp; Higham's convergence region: spectrum of z·Â in (0, p + 1],
     * which z = (1 + p)/(2‖Â‖_F) ensures), so the official guard can stop a converging iteration at step 0.
     * The coupled iterate M stays near I and so does its rounding (about n·u), far below the tolerance.
     */
    public static NewtonSettings converging() {
        return new NewtonSettings(100, 1e-9, Double.POSITIVE_INFINITY, Ridge.relative(1e-6));
    }

    /** The same settings with another ridge. */
    public NewtonSettings withRidge(Ridge newRidge) {
        return new NewtonSettings(maxIterations, tolerance, growthLimit, newRidge);
    }
}
