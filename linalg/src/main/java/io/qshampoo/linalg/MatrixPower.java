package io.qshampoo.linalg;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/** Integer powers of a square matrix by repeated squaring, and distance to the identity. */
final class MatrixPower {

    private MatrixPower() {
    }

    /** Xᵖ for p ≥ 1. Cost: ⌊log₂p⌋ squarings + (popcount(p) − 1) products. */
    static DMatrixRMaj of(DMatrixRMaj x, int p, DenseKernels kernels) {
        DMatrixRMaj result = null;
        DMatrixRMaj base = x;
        int e = p;
        while (true) {
            if ((e & 1) != 0) {
                if (result == null) {
                    result = base.copy();
                } else {
                    DMatrixRMaj t = new DMatrixRMaj(x.numRows, x.numCols);
                    kernels.mult(result, base, t);
                    result = t;
                }
            }
            e >>= 1;
            if (e == 0) {
                return result;
            }
            DMatrixRMaj sq = new DMatrixRMaj(x.numRows, x.numCols);
            kernels.mult(base, base, sq);
            base = sq;
        }
    }

    /** max_ij |(M − I)_ij|. Cost O(n²). */
    static double maxAbsDistanceToIdentity(DMatrixRMaj m) {
        final int n = m.numRows;
        double worst = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double d = Math.abs(m.data[i * n + j] - (i == j ? 1.0 : 0.0));
                if (!(d <= worst)) {
                    worst = d; // also propagates NaN
                }
            }
        }
        return worst;
    }

    /** A copy of a with s added to its diagonal. Cost O(n²). */
    static DMatrixRMaj shifted(DMatrixRMaj a, double s) {
        DMatrixRMaj c = a.copy();
        Cholesky.addToDiagonal(c, s);
        return c;
    }

    /** n×n identity scaled by s. */
    static DMatrixRMaj scaledIdentity(int n, double s) {
        DMatrixRMaj id = CommonOps_DDRM.identity(n);
        CommonOps_DDRM.scale(s, id);
        return id;
    }
}
