package io.qshampoo.shampoo;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import io.qshampoo.linalg.DenseKernels;

/** Which Kronecker factor of an m×n block: LEFT (L, m×m, statistic G·Gᵀ) or RIGHT (R, n×n, statistic Gᵀ·G). */
public enum Side {
    LEFT, RIGHT;

    /** Order of this side's factor for an m×n gradient. */
    int order(DMatrixRMaj g) {
        return this == LEFT ? g.numRows : g.numCols;
    }

    /** G·Gᵀ or Gᵀ·G. Cost order²·(other dimension) multiply-adds. */
    DMatrixRMaj gram(DMatrixRMaj g, DenseKernels kernels) {
        int n = order(g);
        DMatrixRMaj out = new DMatrixRMaj(n, n);
        if (this == LEFT) {
            kernels.multTransB(g, g, out);
        } else {
            kernels.multTransA(g, g, out);
        }
        return out;
    }

    /** X with X·Xᵀ = {@link #gram}: G or Gᵀ (a copy). */
    DMatrixRMaj tall(DMatrixRMaj g) {
        return this == LEFT ? g.copy() : CommonOps_DDRM.transpose(g, null);
    }

    /** out = root·g (LEFT) or g·root (RIGHT), root symmetric. */
    void multiply(DMatrixRMaj root, DMatrixRMaj g, DMatrixRMaj out, DenseKernels kernels) {
        if (this == LEFT) {
            kernels.mult(root, g, out);
        } else {
            kernels.mult(g, root, out);
        }
    }
}
