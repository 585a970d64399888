package io.qshampoo.linalg;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;

/**
 * The largest eigenvalue of a symmetric positive semidefinite matrix, exactly (eigendecomposition) or
 * by power iteration as the official Shampoo code estimates it for the ridge ε·λmax.
 */
public final class LambdaMax {

    /** Seed of the power iteration's start vector, fixed so that the reference is deterministic. */
    public static final long START_SEED = 0x5EEDL;

    private LambdaMax() {
    }

    /**
     * Result of a power iteration.
     *
     * @param estimate   Rayleigh quotient vᵀAv of the last unit iterate (≤ λmax for symmetric A)
     * @param iterations steps taken
     * @param converged  whether the change of the estimate fell to the tolerance
     */
    public record Estimate(double estimate, int iterations, boolean converged) {
    }

    /** Exact λmax from the symmetric eigendecomposition. Cost about 9n³ flops. */
    public static double exact(DMatrixRMaj a, DenseKernels kernels) {
        MatrixChecks.requireSymmetric(a, "matrix");
        return kernels.symmetricEigen(a).max();
    }

    /** Exact λmax on the reference backend. */
    public static double exact(DMatrixRMaj a) {
        return exact(a, DenseKernels.reference());
    }

    /**
     * Power iteration as in the official code: v ← v/‖v‖, s = vᵀAv, stop when |s − s_prev| ≤ tolerance
     * or after maxIterations steps. Start vector: uniform(−1, 1) entries from {@link #START_SEED}.
     * A need not be symmetric (the official code runs it on dequantized, slightly asymmetric statistics); for
     * symmetric A the estimate is ≤ λmax. Cost O(n²) per step.
     */
    public static Estimate powerIteration(DMatrixRMaj a, int maxIterations, double tolerance) {
        MatrixChecks.requireSquare(a, "matrix");
        MatrixChecks.requireFinite(a, "matrix");
        MatrixChecks.requirePositive(maxIterations, "maxIterations");
        MatrixChecks.requireNonNegative(tolerance, "tolerance");
        final int n = a.numRows;
        Random rnd = new Random(START_SEED);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextDouble() * 2 - 1;
        }
        double[] av = new double[n];
        double s = 0;
        int it = 0;
        boolean converged = false;
        while (it < maxIterations) {
            double norm = 0;
            for (double x : v) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            if (norm == 0) {
                // A·v = 0: v lies in the null space; for PSD A with this v, the Rayleigh quotient is 0.
                return new Estimate(s, it, true);
            }
            double sNew = 0;
            for (int i = 0; i < n; i++) {
                v[i] /= norm;
            }
            for (int i = 0; i < n; i++) {
                double acc = 0;
                int row = i * n;
                for (int j = 0; j < n; j++) {
                    acc += a.data[row + j] * v[j];
                }
                av[i] = acc;
                sNew += v[i] * acc;
            }
            it++;
            double change = Math.abs(sNew - s);
            s = sNew;
            double[] t = v;
            v = av;
            av = t;
            if (change <= tolerance) {
                converged = true;
                break;
            }
        }
        return new Estimate(s, it, converged);
    }
}
