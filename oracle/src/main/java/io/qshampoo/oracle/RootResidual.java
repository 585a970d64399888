package io.qshampoo.oracle;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * max_ij |(Xᵖ·Â − I)_ij| in float64: how well X satisfies the defining equation of Â^(−1/p) — the entrywise
 * measure the official coupled-Newton code stops on (tolerance 1e-6), so an unconverged iteration shows here.
 * Cost: ⌊log₂p⌋ squarings, popcount(p) − 1 products and one more, O(n³) each.
 */
public final class RootResidual {

    private RootResidual() {
    }

    /** The residual of X for Â (both n×n). */
    public static double of(DMatrixRMaj x, DMatrixRMaj shifted, int p) {
        int n = x.numRows;
        DMatrixRMaj power = null;
        DMatrixRMaj base = x;
        for (int e = p; ; ) {
            if ((e & 1) != 0) {
                if (power == null) {
                    power = base.copy();
                } else {
                    DMatrixRMaj t = new DMatrixRMaj(n, n);
                    CommonOps_DDRM.mult(power, base, t);
                    power = t;
                }
            }
            e >>= 1;
            if (e == 0) {
                break;
            }
            DMatrixRMaj sq = new DMatrixRMaj(n, n);
            CommonOps_DDRM.mult(base, base, sq);
            base = sq;
        }
        DMatrixRMaj prod = new DMatrixRMaj(n, n);
        CommonOps_DDRM.mult(power, shifted, prod);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double d = Math.abs(prod.get(i, j) - (i == j ? 1 : 0));
                if (!(d <= worst)) {
                    worst = d;
                }
            }
        }
        return worst;
    }
}
