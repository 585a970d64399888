package io.qshampoo.experiments;

import org.ejml.data.DMatrixRMaj;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.SpectralFunction;
import io.qshampoo.linalg.SymmetricEigen;
import io.qshampoo.linalg.SyntheticMatrices;

/**
 * The function f every experiment compares: for a symmetric X with eigendecomposition V·diag(λ)·Vᵀ,
 *
 * <pre>  f(X) = V·diag((max(λᵢ, 0) + r)^(−1/4))·Vᵀ,   r = ε·λmax(X)  </pre>
 *
 * i.e. the exact eigen inverse 4th root with Shampoo's relative ridge ε·λmax (Li et al. Eqs. 6, 12), applied
 * to the positive semidefinite part of X. For a PSD X (A itself, D(C)·D(C)ᵀ, V·Λ·Vᵀ) the clipping does
 * nothing; it matters only for a dequantized statistic that quantization made indefinite (VQ, Li §4.1), whose
 * negative eigenvalues are counted ({@link Result#clipped()}) and treated as 0 — what a root of the nearest
 * PSD matrix would see. With ε = 0 a singular or indefinite X has no root and {@link #of} throws.
 *
 * <p>The same f is applied to the reference and to every approximation, so a ridge is never an error source
 * by itself. Cost: one symmetric eigendecomposition (about 9n³ flops) and one product (2n³).
 *
 * @param epsilon ε ≥ 0, finite
 */
record InverseFourthRoot(double epsilon) {

    /** The root order of Shampoo's Kronecker factors for a matrix block (Li Eq. 2). */
    static final int P = 4;

    InverseFourthRoot {
        if (!(epsilon >= 0) || !Double.isFinite(epsilon)) {
            throw new IllegalArgumentException("epsilon is " + epsilon + "; expected a finite value >= 0");
        }
    }

    /**
     * f(X) and what the eigendecomposition showed.
     *
     * @param root      f(X), symmetric
     * @param lambdaMin smallest eigenvalue of X (before clipping)
     * @param lambdaMax largest eigenvalue of X
     * @param clipped   number of eigenvalues &lt; 0 that were raised to 0
     * @param ridge     r = ε·λmax
     */
    record Result(DMatrixRMaj root, double lambdaMin, double lambdaMax, int clipped, double ridge) {
    }

    /**
     * f(x) for a symmetric x (a symmetrized copy is decomposed; x is not modified).
     *
     * @throws ArithmeticException if x has no positive eigenvalue, or ε = 0 and an eigenvalue is ≤ 0
     */
    Result of(DMatrixRMaj x) {
        DMatrixRMaj s = x.copy();
        SyntheticMatrices.symmetrize(s);
        SymmetricEigen eig = DenseKernels.fromProperty().symmetricEigen(s);
        double[] lambda = eig.values();
        int clipped = 0;
        for (double l : lambda) {
            if (l < 0) {
                clipped++;
            }
        }
        return new Result(fromEigenpairs(eig.vectors(), lambda), eig.min(), eig.max(), clipped, ridgeFor(eig.max()));
    }

    /**
     * V·diag((max(λᵢ, 0) + ε·max λ)^(−1/4))·Vᵀ for any V (not necessarily orthogonal: this is also Wang et
     * al.'s root from stored eigenvectors, V·(S + ε·max S)^(−1/4)·Vᵀ). Cost 2n³ flops.
     *
     * @throws ArithmeticException if no λ is positive, or ε = 0 and some λ ≤ 0
     */
    DMatrixRMaj fromEigenpairs(DMatrixRMaj v, double[] lambda) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : lambda) {
            max = Math.max(max, l);
        }
        double r = ridgeFor(max);
        double[] w = new double[lambda.length];
        for (int j = 0; j < lambda.length; j++) {
            double shifted = Math.max(lambda[j], 0) + r;
            if (!(shifted > 0)) {
                throw new ArithmeticException("eigenvalue " + lambda[j] + " plus ridge " + r
                        + " is not positive: no inverse root (use epsilon > 0 to regularize)");
            }
            w[j] = Math.pow(shifted, -1.0 / P);
        }
        return SpectralFunction.compose(v, w, DenseKernels.fromProperty());
    }

    private double ridgeFor(double lambdaMax) {
        if (!(lambdaMax > 0)) {
            throw new ArithmeticException("largest eigenvalue is " + lambdaMax
                    + "; expected a matrix with a positive eigenvalue");
        }
        return epsilon * lambdaMax;
    }
}
