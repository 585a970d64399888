package io.qshampoo.experiments;

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
