package io.qshampoo.linalg;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;

/**
 * Björck orthonormalization W ← 1.5·W − 0.5·W·Wᵀ·W (Björck &amp; Bowie 1971), the rectification Wang et
 * al. (2024) apply to dequantized eigenvectors (1 step before rebuilding the statistic, 4 before the
 * root).
 *
 * <p>On the singular values it maps σ ↦ 1.5σ − 0.5σ³, so the error e = σ² − 1 becomes
 * e' = −e²(3 − e)/4: when ‖WᵀW − I‖₂ &lt; 1 every |e| shrinks strictly (|e'| &lt; |e|), and quadratically
 * near 0.
 *
 * <p>Cost per step for an n×k matrix (k ≤ n): W·(WᵀW), 4nk² flops.
 */
public final class Bjorck {

    private final DenseKernels kernels;

    public Bjorck() {
        this(DenseKernels.reference());
    }

    public Bjorck(DenseKernels kernels) {
        if (kernels == null) {
            throw new IllegalArgumentException("kernels is null; expected a DenseKernels backend");
        }
        this.kernels = kernels;
    }

    /**
     * {@code steps} Björck steps applied to a copy of w (n×k with k ≤ n, finite).
     *
     * @param steps ≥ 0; 0 returns a copy
     * @throws IllegalArgumentException if w is not finite, not n×k with 1 ≤ k ≤ n, or has (before a step) a
     *         column of squared norm ≥ 2: outside the convergence region ‖WᵀW − I‖₂ &lt; 1
     */
    public DMatrixRMaj orthonormalize(DMatrixRMaj w, int steps) {
        MatrixChecks.requireFinite(w, "matrix");
        if (w.numCols > w.numRows || w.numCols == 0) {
            throw new IllegalArgumentException("matrix is " + MatrixChecks.shape(w)
                    + "; expected n x k with 1 <= k <= n (columns to orthonormalize)");
        }
        if (steps < 0) {
            throw new IllegalArgumentException("steps is " + steps + "; expected a value >= 0");
        }
        final int k = w.numCols;
        DMatrixRMaj cur = w.copy();
        DMatrixRMaj gram = new DMatrixRMaj(k, k);
        DMatrixRMaj wg = new DMatrixRMaj(w.numRows, k);
        for (int s = 0; s < steps; s++) {
            kernels.multTransA(cur, cur, gram);
            requireConvergent(gram, s);
            kernels.mult(cur, gram, wg);
            // cur ← 1.5·cur − 0.5·cur·gram
            for (int i = 0; i < cur.getNumElements(); i++) {
                cur.data[i] = 1.5 * cur.data[i] - 0.5 * wg.data[i];
            }
        }
        return cur;
    }

    /**
     * Refuses a Gram matrix WᵀW outside the region where the iteration is known to converge: a squared column norm
     * (WᵀW)_jj ≥ 2 means σ_max² ≥ 2, so ‖WᵀW − I‖₂ ≥ 1, where the step can grow the error without bound (entries
     * of 1e30 reach infinity within three steps). Cost O(k).
     */
    private static void requireConvergent(DMatrixRMaj gram, int step) {
        final int k = gram.numCols;
        for (int j = 0; j < k; j++) {
            double d = gram.data[j * k + j];
            if (!(d < 2)) {
                throw new IllegalArgumentException(String.format("Björck step %d: column %d has squared norm %.6e;"
                        + " expected near-orthonormal columns (‖WᵀW − I‖₂ < 1, so every squared column norm < 2)",
                        step, j, d));
            }
        }
    }

    /** ‖WᵀW − I‖_F, the orthonormality defect. Cost 2nk² flops. */
    public double orthonormalityError(DMatrixRMaj w) {
        MatrixChecks.requireFinite(w, "matrix");
        DMatrixRMaj gram = new DMatrixRMaj(w.numCols, w.numCols);
        kernels.multTransA(w, w, gram);
        for (int i = 0; i < w.numCols; i++) {
            gram.data[i * w.numCols + i] -= 1.0;
        }
        return NormOps_DDRM.normF(gram);
    }

    /** ‖WᵀW − I‖₂, the spectral-norm defect that governs convergence (|e| &lt; 1 for every singular value). */
    public double orthonormalityErrorSpectral(DMatrixRMaj w) {
        MatrixChecks.requireFinite(w, "matrix");
        DMatrixRMaj gram = new DMatrixRMaj(w.numCols, w.numCols);
        kernels.multTransA(w, w, gram);
        CommonOps_DDRM.subtractEquals(gram, CommonOps_DDRM.identity(w.numCols));
        SymmetricEigen e = kernels.symmetricEigen(gram);
        return Math.max(Math.abs(e.max()), Math.abs(e.min()));
    }
}
