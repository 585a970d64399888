package io.qshampoo.linalg;

import static io.qshampoo.linalg.Qt.U;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {

    @Test
    void sortsEigenvaluesDescending() {
        SymmetricEigen e = SymmetricEigen.of(CommonOps_DDRM.diag(2, -1, 7, 0));
        assertArrayEquals(new double[] {7, 2, 0, -1}, e.values(), 0.0);
        // Column 0 belongs to 7, the third basis vector.
        assertArrayEquals(new double[] {0, 0, 1, 0}, CommonOps_DDRM.extractColumn(e.vectors(), 0, null).data, 0.0);
    }

    @Test
    void decomposesRandomSymmetricMatrices() {
        Qt.qt().forAll(integers().between(1, 12), Qt.seeds()).checkAssert((n, seed) -> {
            DMatrixRMaj g = SyntheticMatrices.gaussian(n, n, new Random(seed));
            DMatrixRMaj a = new DMatrixRMaj(n, n);
            CommonOps_DDRM.add(g, CommonOps_DDRM.transpose(g, null), a);
            SymmetricEigen e = SymmetricEigen.of(a);
            for (int i = 1; i < n; i++) {
                assertTrue(e.values()[i - 1] >= e.values()[i], "eigenvalues must be descending");
            }
            DMatrixRMaj v = e.vectors();
            DMatrixRMaj av = new DMatrixRMaj(n, n);
            CommonOps_DDRM.mult(a, v, av);
            DMatrixRMaj vl = v.copy();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    vl.data[i * n + j] *= e.values()[j];
                }
            }
            double norm = NormOps_DDRM.normF(a);
            // A backward-stable eigensolver leaves ‖AV − VΛ‖ ≈ p(n)·u·‖A‖; p(n) = 100·n is a loose
            // polynomial that still fails by orders of magnitude on any wrong eigenpair.
            CommonOps_DDRM.subtractEquals(av, vl);
            assertTrue(NormOps_DDRM.normF(av) <= 100 * n * U * Math.max(norm, 1e-300));
            DMatrixRMaj vtv = new DMatrixRMaj(n, n);
            CommonOps_DDRM.multTransA(v, v, vtv);
            CommonOps_DDRM.subtractEquals(vtv, CommonOps_DDRM.identity(n));
            assertTrue(NormOps_DDRM.normF(vtv) <= 100 * n * U, "eigenvectors must be orthonormal");
        });
    }

    /**
     * The papers' two-level spectrum (300 × 1, 300 × 1e-4) at n = 600, seed 1: EJML's default QR-iteration cap
     * gives up on it; the larger cap converges. Backward-stable QR iterations leave ‖AV − VΛ‖_F ≈ n·u·‖A‖_F
     * ≈ 1e-13·‖A‖_F; 1e-10 leaves room and still fails by orders of magnitude on a wrong decomposition.
     */
    @Test
    void convergesOnAHighlyClusteredSpectrum() {
        int n = 600;
        double[] lambda = new double[n];
        for (int i = 0; i < n; i++) {
            lambda[i] = i < n / 2 ? 1 : 1e-4;
        }
        DMatrixRMaj a = SyntheticMatrices.spdWithSpectrum(lambda, new Random(1));
        SymmetricEigen e = SymmetricEigen.of(a);
        DMatrixRMaj av = new DMatrixRMaj(n, n);
        CommonOps_DDRM.mult(a, e.vectors(), av);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                av.data[i * n + j] -= e.vectors().data[i * n + j] * e.values()[j];
            }
        }
        assertTrue(NormOps_DDRM.normF(av) <= 1e-10 * NormOps_DDRM.normF(a));
        assertEquals(1.0, e.max(), 1e-12);
        assertEquals(1e-4, e.min(), 1e-12);
    }

    @Test
    void rejectsNonSymmetricInput() {
        CholeskyTest.assertMessage(() -> SymmetricEigen.of(new DMatrixRMaj(new double[][] {{1, 1}, {0, 1}})),
                "not symmetric");
    }
}
