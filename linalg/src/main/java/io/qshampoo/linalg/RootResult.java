package io.qshampoo.linalg;

import org.ejml.data.DMatrixRMaj;

/**
 * An inverse p-th root X ≈ (A + r·I)^(−1/p) and how it was obtained.
 *
 * @param root       X, symmetric
 * @param p          root order
 * @param ridge      the absolute ridge r that was added
 * @param iterations Newton iterations accepted (0 for the eigen method)
 * @param residual   max_ij |(Xᵖ·(A + r·I) − I)_ij|, recomputed from X — the same entrywise measure the
 *                   official coupled-Newton code stops on, so it is comparable with its tolerance; NaN when the
 *                   method was built not to check it ({@link EigenInverseRoot#unchecked})
 * @param converged  whether the method met its own stopping tolerance (always true for the eigen method)
 */
public record RootResult(DMatrixRMaj root, int p, double ridge, int iterations, double residual, boolean converged) {

    /**
     * max_ij |(Xᵖ·Â − I)_ij| for X and Â = A + r·I: how well X satisfies the defining equation of Â^(−1/p), the
     * entrywise measure the official coupled-Newton code stops on (so an unconverged iteration shows here); NaN
     * propagates. Used by every root computation and by the oracle. Cost: ⌈log₂p⌉ + popcount(p) matrix products.
     */
    public static double residual(DMatrixRMaj x, DMatrixRMaj shifted, int p, DenseKernels kernels) {
        // Xᵖ overflows (or underflows) for a root of a matrix with subnormal or huge eigenvalues although Xᵖ·Â is
        // near I. (X·2^−s)ᵖ·(Â·2^(p·s)) = Xᵖ·Â and scaling by a power of two is exact, so X is brought to order 1
        // first when its largest magnitude lies outside [2^-64, 2^64] (otherwise untouched: bit-identical).
        double max = org.ejml.dense.row.CommonOps_DDRM.elementMaxAbs(x);
        if (max > 0 && Double.isFinite(max) && (max < 0x1p-64 || max > 0x1p64)) {
            int s = Math.getExponent(max * 0x1p54) - 54; // getExponent reports every subnormal as −1023
            DMatrixRMaj xs = x.copy();
            DMatrixRMaj as = shifted.copy();
            for (int i = 0; i < xs.getNumElements(); i++) {
                xs.data[i] = Math.scalb(xs.data[i], -s);
                as.data[i] = Math.scalb(as.data[i], p * s);
            }
            return residual(xs, as, p, kernels);
        }
        DMatrixRMaj xp = MatrixPower.of(x, p, kernels);
        DMatrixRMaj prod = new DMatrixRMaj(x.numRows, x.numCols);
        kernels.mult(xp, shifted, prod);
        return MatrixPower.maxAbsDistanceToIdentity(prod);
    }
}
