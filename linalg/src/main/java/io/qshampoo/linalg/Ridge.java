package io.qshampoo.linalg;

import org.ejml.data.DMatrixRMaj;

/**
 * The ridge added to a statistic before its inverse root: A + r·I. Shampoo uses r = ε·λmax(A)
 * (Li et al. 2025, Eq. 6; Gupta et al. 2018), with λmax either exact or, as the official low-bit
 * Shampoo code does, estimated by at most a few power-iteration steps.
 *
 * @param epsilon         the absolute ridge, or the factor multiplying λmax; finite, ≥ 0
 * @param kind            how epsilon is turned into the ridge
 * @param powerIterations the power-iteration budget for {@link Kind#RELATIVE_POWER}; otherwise unused
 */
public record Ridge(double epsilon, Kind kind, int powerIterations) {

    /** How the ridge is computed. */
    public enum Kind {
        /** r = ε. */
        ABSOLUTE,
        /** r = ε·λmax(A), λmax from the exact symmetric eigendecomposition. */
        RELATIVE_EXACT,
        /** r = ε·λ̃, λ̃ the Rayleigh-quotient estimate after at most {@code powerIterations} steps. */
        RELATIVE_POWER
    }

    public Ridge {
        MatrixChecks.requireNonNegative(epsilon, "ridge epsilon");
        if (kind == null) {
            throw new IllegalArgumentException("ridge kind is null; expected one of ABSOLUTE, RELATIVE_EXACT, RELATIVE_POWER");
        }
        if (kind == Kind.RELATIVE_POWER) {
            MatrixChecks.requirePositive(powerIterations, "power iterations");
        }
    }

    /** r = ε. */
    public static Ridge absolute(double epsilon) {
        return new Ridge(epsilon, Kind.ABSOLUTE, 0);
    }

    /** r = ε·λmax(A), λmax exact. */
    public static Ridge relative(double epsilon) {
        return new Ridge(epsilon, Kind.RELATIVE_EXACT, 0);
    }

    /** r = ε·λ̃ with λ̃ from at most {@code iterations} power-iteration steps (the official code uses 10). */
    public static Ridge relativePower(double epsilon, int iterations) {
        return new Ridge(epsilon, Kind.RELATIVE_POWER, iterations);
    }

    /**
     * The ridge for a symmetric PSD matrix. Cost: O(1), O(n²) per power step, or one eigendecomposition.
     */
    public double valueFor(DMatrixRMaj a, DenseKernels kernels) {
        return switch (kind) {
            case ABSOLUTE -> epsilon;
            case RELATIVE_EXACT -> epsilon == 0 ? 0 : epsilon * LambdaMax.exact(a, kernels);
            case RELATIVE_POWER -> epsilon == 0 ? 0 : epsilon * LambdaMax.powerIteration(a, powerIterations, 1e-6).estimate();
        };
    }
}
