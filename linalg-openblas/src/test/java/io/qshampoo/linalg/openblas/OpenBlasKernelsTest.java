package io.qshampoo.linalg.openblas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.DenseKernelsFactory;
import io.qshampoo.linalg.SymmetricEigen;
import io.qshampoo.linalg.SyntheticMatrices;

class OpenBlasKernelsTest {

    /** Unit roundoff of float64. */
    private static final double U = 0x1p-53;

    @Test
    void theFactoryFindsItByNameThroughServiceLoader() {
        DenseKernelsFactory.Selection s = DenseKernelsFactory.select("openblas");
        assertFalse(s.fellBack(), () -> "fell back: " + s.fallbackReason());
        assertSame(OpenBlasKernels.open(), s.kernels());
        assertEquals("openblas", s.kernels().name());
        assertEquals(1, s.kernels().threads(), "one BLAS thread unless " + OpenBlasKernels.THREADS_PROPERTY + " says more");
        assertEquals("openblas, 1 thread", s.describe());
    }

    /**
     * multChain keeps a·b in native memory but calls the same two dgemm as mult(a, b, work) then mult(work, c, out), on
     * the same values with the same thread count, so the optimizer's step on OpenBLAS is what the two products gave,
     * bit for bit (its class Javadoc says so); a·a·a (one operand three times) and a small and a blocked size.
     */
    @Test
    void multChainIsBitIdenticalToItsOwnTwoProducts() {
        DenseKernels k = OpenBlasKernels.open();
        Random rnd = new Random(13);
        for (int[] s : new int[][] {{3, 5, 4}, {150, 301, 257}, {64, 64, 64}}) {
            DMatrixRMaj a = SyntheticMatrices.gaussian(s[0], s[0], rnd);
            DMatrixRMaj b = s[1] == s[0] ? a : SyntheticMatrices.gaussian(s[0], s[1], rnd);
            DMatrixRMaj c = s[2] == s[1] ? b : SyntheticMatrices.gaussian(s[1], s[2], rnd);
            DMatrixRMaj work = new DMatrixRMaj(s[0], s[1]);
            DMatrixRMaj expected = new DMatrixRMaj(s[0], s[2]);
            k.mult(a, b, work);
            k.mult(work, c, expected);
            DMatrixRMaj untouched = new DMatrixRMaj(1, 1);
            untouched.set(0, 0, 42);
            DMatrixRMaj out = new DMatrixRMaj(1, 1);
            k.multChain(a, b, c, untouched, out);
            assertEquals(s[0], out.numRows);
            assertEquals(s[2], out.numCols);
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected.data, out.data, 0.0, s[0] + "x" + s[1] + "x" + s[2]);
            assertEquals(42, untouched.get(0, 0), 0.0, "work is not used");
        }
    }

    /**
     * Against EJML at a size where both take their blocked paths: the roots of the two backends agree to the
     * rounding both commit. The eigen root X = V·diag((λ+r)^(−1/4))·Vᵀ of an SPD matrix with κ = 1e4 is
     * well-conditioned as a matrix function (relative condition ≲ κ^(1/4)·(1 + 1/4)): a backward error of
     * p(n)·u·‖A‖ with p(n) = 10·n moves it by ≤ κ·p(n)·u relatively on each side, so 2·κ·10·n·u bounds the
     * difference (here ≈ 6e-9; measured ≈ 1e-13).
     */
    @Test
    void eigenRootsAgreeWithEjmlToTheRoundingBothCommit() {
        int n = 300;
        double kappa = 1e4;
        DMatrixRMaj a = SyntheticMatrices.spdWithCondition(n, kappa, new Random(5));
        SymmetricEigen ours = OpenBlasKernels.open().symmetricEigen(a);
        SymmetricEigen ref = DenseKernels.reference().symmetricEigen(a);
        double maxDiff = 0;
        for (int j = 0; j < n; j++) {
            maxDiff = Math.max(maxDiff, Math.abs(ours.values()[j] - ref.values()[j]));
        }
        // Weyl: each λ within 2·p(n)·u·‖A‖₂, ‖A‖₂ = 1 here.
        assertTrue(maxDiff <= 2 * 10 * n * U, "max |Δλ| = " + maxDiff);
        DMatrixRMaj x = root(ours, n);
        DMatrixRMaj y = root(ref, n);
        double num = 0;
        double den = 0;
        for (int i = 0; i < n * n; i++) {
            num += Math.pow(x.data[i] - y.data[i], 2);
            den += y.data[i] * y.data[i];
        }
        double rel = Math.sqrt(num / den);
        assertTrue(rel <= 2 * kappa * 10 * n * U, "relative difference of the roots " + rel);
    }

    private static DMatrixRMaj root(SymmetricEigen e, int n) {
        DMatrixRMaj x = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += e.vectors().get(i, k) * Math.pow(e.values()[k], -0.25) * e.vectors().get(j, k);
                }
                x.set(i, j, s);
            }
        }
        return x;
    }
}
