package io.qshampoo.cli.properties;

import static io.qshampoo.cli.properties.Qt.U;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

import io.qshampoo.linalg.MatrixDiscrepancy;
import io.qshampoo.linalg.SymmetricEigen;
import io.qshampoo.linalg.SyntheticMatrices;

/**
 * Wang et al. 2024, Lemma 1 (as docs/design.md states it): if U and V are orthogonal and every column moves by
 * at most α, ‖uⱼ − vⱼ‖₂ ≤ α, then for any power s the NRE of (VΛVᵀ)^s against (UΛUᵀ)^s is at most 2α.
 *
 * <p>Proof (why the bound is 2α): with E = V − U, VΛˢVᵀ − UΛˢUᵀ = E·Λˢ·Vᵀ + U·Λˢ·Eᵀ. Multiplying by an
 * orthogonal matrix keeps the Frobenius norm, so each term has norm ‖E·Λˢ‖_F = (Σⱼ λⱼ^(2s)‖eⱼ‖²)^(1/2)
 * ≤ α·‖Λˢ‖_F = α·‖UΛˢUᵀ‖_F. This is why Björck rectification matters: the lemma needs V orthogonal.
 */
class EigenvectorPerturbationProperties {

    @Test
    void nreOfTheMatrixPowerIsAtMostTwiceTheColumnPerturbation() {
        Qt.qt().forAll(integers().between(2, 12), doubles().between(1e-6, 0.3), doubles().between(-1, 1), longs().all())
                .checkAssert((n, scale, s, seed) -> {
                    Random rnd = new Random(seed);
                    DMatrixRMaj u = SyntheticMatrices.haarOrthogonal(n, rnd);
                    // V = U·Q with Q = the orthogonal factor of I + scale·(skew-symmetric): V is orthogonal and close to U.
                    DMatrixRMaj k = SyntheticMatrices.gaussian(n, n, rnd);
                    DMatrixRMaj skew = new DMatrixRMaj(n, n);
                    CommonOps_DDRM.subtract(k, CommonOps_DDRM.transpose(k, null), skew);
                    CommonOps_DDRM.scale(scale / n, skew);
                    CommonOps_DDRM.addEquals(skew, CommonOps_DDRM.identity(n));
                    DMatrixRMaj q = orthogonalPolar(skew);
                    DMatrixRMaj v = new DMatrixRMaj(n, n);
                    CommonOps_DDRM.mult(u, q, v);
                    double alpha = 0;
                    for (int j = 0; j < n; j++) {
                        double d = 0;
                        for (int i = 0; i < n; i++) {
                            double e = u.get(i, j) - v.get(i, j);
                            d += e * e;
                        }
                        alpha = Math.max(alpha, Math.sqrt(d));
                    }
                    double[] lambda = new double[n];
                    for (int i = 0; i < n; i++) {
                        lambda[i] = Math.pow(10, -4.0 * rnd.nextDouble());
                    }
                    DMatrixRMaj reference = power(u, lambda, s);
                    DMatrixRMaj perturbed = power(v, lambda, s);
                    double nre = MatrixDiscrepancy.between(reference, perturbed).nre();
                    // Rounding: each side is an n-term sum per entry (≲ n·u·‖Λˢ‖_F each), and V is orthogonal
                    // only to ≈ 10·n·u (polar factor in float64), which adds that much times ‖Λˢ‖_F: 32·n·u covers both.
                    double bound = 2 * alpha + 32 * n * U;
                    double a = alpha;
                    assertTrue(nre <= bound, () -> "NRE " + nre + " > 2α = " + 2 * a);
                });
    }

    /** W·diag(λˢ)·Wᵀ. */
    private static DMatrixRMaj power(DMatrixRMaj w, double[] lambda, double s) {
        int n = lambda.length;
        DMatrixRMaj ws = w.copy();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                ws.data[i * n + j] *= Math.pow(lambda[j], s);
            }
        }
        DMatrixRMaj out = new DMatrixRMaj(n, n);
        CommonOps_DDRM.multTransB(ws, w, out);
        return out;
    }

    /** The orthogonal polar factor Q = M·(MᵀM)^(−1/2), through the symmetric eigendecomposition of MᵀM. */
    private static DMatrixRMaj orthogonalPolar(DMatrixRMaj m) {
        int n = m.numRows;
        DMatrixRMaj mtm = new DMatrixRMaj(n, n);
        CommonOps_DDRM.multTransA(m, m, mtm);
        SyntheticMatrices.symmetrize(mtm);
        SymmetricEigen e = SymmetricEigen.of(mtm);
        DMatrixRMaj inv = power(e.vectors(), e.values(), -0.5);
        DMatrixRMaj q = new DMatrixRMaj(n, n);
        CommonOps_DDRM.mult(m, inv, q);
        return q;
    }
}
