package io.qshampoo.shampoo;

import org.ejml.data.DMatrixRMaj;

/**
 * Li et al. 2025, Algorithm 1 (4-bit Shampoo via compensated Cholesky quantization), lines 3–15, for one matrix
 * block — the same loop for every variant, each {@link KroneckerFactor} supplying its own update and root:
 *
 * <pre>
 *   3–9:   if k % T1 = 0: update the statistics (CQ+EF: Eqs. 7, 10, 11; VQ: Eq. 5; eigen4, Sketchy: their updates)
 *   10–14: if k % T2 = 0: recompute the inverse 4th roots (CQ: Eq. 12; VQ: Eq. 6; …)
 *   15:    Ĝ = D(L̂)·G·D(R̂), rescaled to the norm of the grafted direction (the grafting trick below Eq. 13)
 * </pre>
 *
 * Line 16, the first-order optimizer F, runs once per parameter after all its blocks ({@link ParameterState}).
 * Before {@link ShampooConfig#startStep()} the grafted direction itself is used. Which steps update is
 * {@link Conventions#updatePhase()} (Alg. 1: k % T1 = 0).
 *
 * <p>Cost: the factors' update and root (O(n³) when they run) and two products of the block with the roots, in one
 * {@link io.qshampoo.linalg.DenseKernels#multChain} call where both roots are stored dense (every variant but the
 * sketches). No allocation beyond what the factors do: the caller passes the scratch and the output.
 */
public final class Algorithm1 {

    private Algorithm1() {
    }

    /**
     * Lines 3–15 of step k for one block.
     *
     * @param g       the block's gradient G_k (m×n), not modified
     * @param left    the left factor (order m)
     * @param right   the right factor (order n)
     * @param graft   the grafting method's state for this block
     * @param k       the step, from 1
     * @param config  T1, T2, the start step and the conventions
     * @param grafted scratch of m·n elements: the grafted direction (unused when it is G itself)
     * @param work    scratch m×n: D(L̂)·G (a native backend may keep that product elsewhere and leave this as it was)
     * @param out     the block's direction, m·n elements in row-major order
     */
    public static void step(DMatrixRMaj g, KroneckerFactor left, KroneckerFactor right, DiagonalState graft, long k,
                            ShampooConfig config, double[] grafted, DMatrixRMaj work, double[] out) {
        double[] d = graft.directionIn(g.data, grafted, k); // grafted, or g.data itself when grafting to SGD
        if (config.conventions().updatePhase().updates(k, config.t1())) { // lines 3–9
            left.updateStatistics(g);
            right.updateStatistics(g);
        }
        if (k % config.t2() == 0) { // lines 10–14
            left.refreshRoot(k);
            right.refreshRoot(k);
        }
        if (k < config.startStep()) {
            System.arraycopy(d, 0, out, 0, out.length);
            return;
        }
        DMatrixRMaj p = DMatrixRMaj.wrap(g.numRows, g.numCols, out);
        StoredRoot l = StoredRoot.of(left);
        StoredRoot r = StoredRoot.of(right);
        if (l != null && r != null) {
            StoredRoot.applyBoth(l, r, g, work, p); // line 15: D(L̂)·G·D(R̂) in one call
        } else {
            left.apply(g, work); // line 15: D(L̂)·G …
            right.apply(work, p); // … ·D(R̂)
        }
        Grafting.rescaleToNorm(out, d);
    }
}
