package io.qshampoo.linalg;

import org.ejml.data.DMatrixRMaj;

/**
 * A function of a symmetric matrix through its eigenpairs: f(A) = V·diag(f(λ))·Vᵀ. The one place that forms
 * V·diag(w)·Vᵀ for the exact inverse root ({@link EigenInverseRoot}), the rebuilt statistic of eigenvector
 * quantization (Wang et al.: L = V·diag(S)·Vᵀ) and the experiments' roots.
 */
public final class SpectralFunction {

    private SpectralFunction() {
    }

    /**
     * V·diag(w)·Vᵀ, made exactly symmetric ((X + Xᵀ)/2). V need not be orthogonal (dequantized eigenvectors are not).
     *
     * @param v n×k, columns paired with w
     * @param w k weights
     * @return a new n×n matrix. Cost n·k multiplications plus one n×k·k×n product (2n²k flops)
     * @throws IllegalArgumentException if w's length is not v's column count
     */
    public static DMatrixRMaj compose(DMatrixRMaj v, double[] w, DenseKernels kernels) {
        final int n = v.numRows;
        final int k = v.numCols;
        if (w.length != k) {
            throw new IllegalArgumentException("eigenvectors are " + MatrixChecks.shape(v) + " but " + w.length
                    + " weights were given; expected " + k);
        }
        DMatrixRMaj vw = new DMatrixRMaj(n, k);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                vw.data[i * k + j] = v.data[i * k + j] * w[j];
            }
        }
        DMatrixRMaj x = new DMatrixRMaj(n, n);
        kernels.multTransB(vw, v, x);
        SyntheticMatrices.symmetrize(x);
        return x;
    }
}
