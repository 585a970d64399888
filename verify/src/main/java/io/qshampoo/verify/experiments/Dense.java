package io.qshampoo.verify.experiments;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;

import io.qshampoo.linalg.DenseKernels;

/**
 * Small dense helpers the experiments share. Products go through {@link DenseKernels#fromProperty()}: EJML unless the
 * command's {@code --kernels} (or {@code -Dqshampoo.kernels}) chose another backend.
 */
final class Dense {

    private Dense() {
    }

    /** a·b. Cost 2·m·k·n flops. */
    static DMatrixRMaj mult(DMatrixRMaj a, DMatrixRMaj b) {
        DMatrixRMaj c = new DMatrixRMaj(a.numRows, b.numCols);
        DenseKernels.fromProperty().mult(a, b, c);
        return c;
    }

    /** a·bᵀ (a Gram product when a == b). Cost 2·m·k·n flops (half for a Gram product on OpenBLAS). */
    static DMatrixRMaj multTransB(DMatrixRMaj a, DMatrixRMaj b) {
        DMatrixRMaj c = new DMatrixRMaj(a.numRows, b.numRows);
        DenseKernels.fromProperty().multTransB(a, b, c);
        return c;
    }

    /** v·diag(w)·vᵀ, symmetrized exactly ((x + xᵀ)/2). Cost 2n³ flops. */
    static DMatrixRMaj sandwich(DMatrixRMaj v, double[] w) {
        final int n = v.numRows;
        final int k = v.numCols;
        DMatrixRMaj vw = v.copy();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                vw.data[i * k + j] *= w[j];
            }
        }
        DMatrixRMaj x = multTransB(vw, v);
        symmetrize(x);
        return x;
    }

    /** x ← (x + xᵀ)/2 in place. */
    static void symmetrize(DMatrixRMaj x) {
        final int n = x.numRows;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double m = 0.5 * (x.data[i * n + j] + x.data[j * n + i]);
                x.data[i * n + j] = m;
                x.data[j * n + i] = m;
            }
        }
    }

    /** A copy of x with its diagonal set to 0 (the off-diagonal part). */
    static DMatrixRMaj offDiagonal(DMatrixRMaj x) {
        DMatrixRMaj o = x.copy();
        for (int i = 0; i < Math.min(x.numRows, x.numCols); i++) {
            o.data[i * x.numCols + i] = 0;
        }
        return o;
    }

    /** ‖x‖_F. */
    static double normF(DMatrixRMaj x) {
        return NormOps_DDRM.normF(x);
    }

    /** ‖a − b‖_F / ‖b‖_F (b ≠ 0). */
    static double relativeError(DMatrixRMaj a, DMatrixRMaj b) {
        DMatrixRMaj d = new DMatrixRMaj(a.numRows, a.numCols);
        CommonOps_DDRM.subtract(a, b, d);
        return NormOps_DDRM.normF(d) / NormOps_DDRM.normF(b);
    }

    /** s·I, n×n. */
    static DMatrixRMaj scaledIdentity(int n, double s) {
        DMatrixRMaj x = CommonOps_DDRM.identity(n);
        CommonOps_DDRM.scale(s, x);
        return x;
    }
}
