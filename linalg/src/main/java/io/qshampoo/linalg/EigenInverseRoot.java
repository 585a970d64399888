package io.qshampoo.linalg;

import org.ejml.data.DMatrixRMaj;

/**
 * Exact inverse p-th root through the symmetric eigendecomposition:
 * (A + r·I)^(−1/p) = V·diag((λᵢ + r)^(−1/p))·Vᵀ. The reference every other root is measured against.
 *
 * <p>Cost: one eigendecomposition (about 9n³ flops), one scaled product (2n³), and the residual check
 * (three products for p = 4).
 */
public final class EigenInverseRoot implements InverseRoot {

    private final Ridge ridge;
    private final DenseKernels kernels;

    public EigenInverseRoot(Ridge ridge) {
        this(ridge, DenseKernels.reference());
    }

    public EigenInverseRoot(Ridge ridge, DenseKernels kernels) {
        if (ridge == null || kernels == null) {
            throw new IllegalArgumentException("ridge and kernels must be non-null");
        }
        this.ridge = ridge;
        this.kernels = kernels;
    }

    @Override
    public RootResult compute(DMatrixRMaj a, int p) {
        MatrixChecks.requireSymmetric(a, "matrix");
        MatrixChecks.requirePositive(p, "root order p");
        final int n = a.numRows;
        SymmetricEigen eig = kernels.symmetricEigen(a);
        double r = ridge.kind() == Ridge.Kind.RELATIVE_EXACT ? ridge.epsilon() * eig.max() : ridge.valueFor(a, kernels);
        double smallest = eig.min() + r;
        if (!(smallest > 0)) {
            throw NotPositiveDefiniteException.eigenvalue("matrix", n, smallest, r);
        }
        double[] w = new double[n];
        for (int j = 0; j < n; j++) {
            w[j] = Math.pow(eig.values()[j] + r, -1.0 / p);
        }
        if (!Double.isFinite(w[n - 1])) {
            // the largest weight belongs to the smallest eigenvalue; e.g. λ = 1e-320 and p = 1
            throw new IllegalArgumentException(String.format("the inverse %d-th root of matrix%s does not fit in a double:"
                    + " its smallest eigenvalue %.6e gives %.6e^(-1/%d) = %s; expected an eigenvalue of at least"
                    + " %.3e (add a larger ridge)", p, r == 0 ? "" : String.format(" + %.3e*I", r), smallest,
                    smallest, p, w[n - 1], Math.pow(Double.MAX_VALUE, -p)));
        }
        DMatrixRMaj x = SpectralFunction.compose(eig.vectors(), w, kernels);
        double residual = RootResult.residual(x, MatrixPower.shifted(a, r), p, kernels);
        return new RootResult(x, p, r, 0, residual, true);
    }

    @Override
    public String toString() {
        return "eigen root, ridge " + ridge;
    }
}
