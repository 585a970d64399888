package io.qshampoo.linalg;

import org.ejml.data.DMatrixRMaj;

/**
 * The inverse p-th root (A + r·I)^(−1/p) of a symmetric positive semidefinite matrix, where the ridge r
 * comes from the implementation's {@link Ridge}. Shampoo uses p = 4 for each Kronecker factor
 * (Li et al. 2025, Eqs. 2 and 6).
 *
 * <p>Two implementations: {@link EigenInverseRoot}, the exact reference, and
 * {@link CoupledNewtonInverseRoot}, the iteration GPU implementations use. Both report how well the
 * result satisfies Xᵖ·(A + r·I) = I.
 */
public interface InverseRoot {

    /**
     * @param a symmetric PSD matrix; not modified
     * @param p root order, ≥ 1
     * @throws IllegalArgumentException     if a is not square, finite and symmetric, p &lt; 1, or the root does
     *                                      not fit in a double (an eigenvalue of a + r·I below
     *                                      Double.MAX_VALUE^(−p), e.g. a subnormal one for p = 1)
     * @throws NotPositiveDefiniteException if a + r·I is not positive definite
     */
    RootResult compute(DMatrixRMaj a, int p);

    /**
     * The root of a matrix that is symmetric only up to a perturbation — a dequantized statistic D(Q(L)), whose
     * mirror entries fall in different quantization blocks — taken as it is where the method allows it. The
     * default takes the root of the symmetric part (A + Aᵀ)/2 (a method built on the symmetric eigendecomposition
     * has no other choice); {@link CoupledNewtonInverseRoot} iterates on A itself, as the official naive 4-bit
     * Shampoo code does.
     *
     * @param a square, finite; not modified
     * @param p root order, ≥ 1
     */
    default RootResult computeAsGiven(DMatrixRMaj a, int p) {
        MatrixChecks.requireFinite(a, "matrix");
        DMatrixRMaj s = a.copy();
        SyntheticMatrices.symmetrize(s);
        return compute(s, p);
    }
}
