package io.qshampoo.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

import io.qshampoo.linalg.SymmetricEigen;

/** The precision emulation behind check root's calibration routes and check trace's band replays. */
class RoundedKernelsTest {

    private static DMatrixRMaj random(int rows, int cols, long seed) {
        Random r = new Random(seed);
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = r.nextGaussian();
        }
        return m;
    }

    @Test
    void roundingToAFormatIsToNearestTiesToEven() {
        assertEquals(1.0, Precision.BF16.round(1 + 0x1p-8));              // tie between 1 and 1 + 2^-7: even is 1
        assertEquals(1 + 0x1p-6, Precision.BF16.round(1 + 3 * 0x1p-8));   // tie between 1 + 2^-7 and 1 + 2^-6: even
        assertEquals(1 + 0x1p-7, Precision.BF16.round(1 + 0x1p-8 + 0x1p-12));
        assertEquals(-(1 + 0x1p-10), Precision.TF32.round(-(1 + 0x1p-10 + 0x1p-13)));
        assertEquals(2.0, Precision.BF16.round(2 - 0x1p-10));             // carry into the next binade
        assertEquals(Double.POSITIVE_INFINITY, Precision.BF16.round(Float.MAX_VALUE));
        assertEquals((double) (float) 0.1, Precision.FP32.round(0.1));
        assertEquals(0.1, Precision.FP64.round(0.1));
        Random r = new Random(1);
        for (Precision p : Precision.values()) {
            for (int k = 0; k < 10_000; k++) {
                double x = r.nextGaussian() * Math.pow(10, r.nextInt(20) - 10);
                double y = p.round(x);
                // |fl(x) − x| ≤ u·|x| (round to nearest); the float32 step first adds at most 2^-24 relative.
                double u = p == Precision.FP64 ? p.unitRoundoff() : p.unitRoundoff() + 0x1p-24;
                assertTrue(Math.abs(y - x) <= u * Math.abs(x), p + ": " + x + " → " + y);
                assertEquals(y, p.round(y), "rounding is idempotent");
            }
        }
    }

    @Test
    void fp32SequentialProductIsExactlyAFloatLoop() {
        DMatrixRMaj a = random(7, 40, 2);
        DMatrixRMaj b = random(40, 5, 3);
        DMatrixRMaj c = new DMatrixRMaj(1, 1);
        new RoundedKernels(Precision.FP32, RoundedKernels.Summation.SEQUENTIAL).mult(a, b, c);
        for (int i = 0; i < 7; i++) {
            for (int j = 0; j < 5; j++) {
                float s = 0;
                for (int k = 0; k < 40; k++) {
                    s += (float) a.get(i, k) * (float) b.get(k, j);
                }
                assertEquals(s, c.get(i, j), 0.0);
            }
        }
        DMatrixRMaj t = new DMatrixRMaj(1, 1);
        DMatrixRMaj at = new DMatrixRMaj(40, 7);
        org.ejml.dense.row.CommonOps_DDRM.transpose(a, at);
        new RoundedKernels(Precision.FP32, RoundedKernels.Summation.SEQUENTIAL).multTransA(at, b, t);
        assertTrue(org.ejml.dense.row.MatrixFeatures_DDRM.isIdentical(c, t, 0));
    }

    @Test
    void summationOrdersDifferByRoundingOnly() {
        int n = 200;
        DMatrixRMaj a = random(n, n, 4);
        DMatrixRMaj exact = new DMatrixRMaj(n, n);
        org.ejml.dense.row.CommonOps_DDRM.multTransB(a, a, exact);
        double max = org.ejml.dense.row.CommonOps_DDRM.elementMaxAbs(exact);
        DMatrixRMaj seq = new DMatrixRMaj(1, 1);
        DMatrixRMaj pair = new DMatrixRMaj(1, 1);
        DMatrixRMaj blocked = new DMatrixRMaj(1, 1);
        new RoundedKernels(Precision.FP32, RoundedKernels.Summation.SEQUENTIAL).multTransB(a, a, seq);
        new RoundedKernels(Precision.FP32, RoundedKernels.Summation.PAIRWISE).multTransB(a, a, pair);
        new RoundedKernels(Precision.FP32, RoundedKernels.Summation.BLOCKED).multTransB(a, a, blocked);
        assertNotEquals(0, maxDiff(seq, pair));
        assertNotEquals(0, maxDiff(seq, blocked));
        // Each sum of n products of |a_ik·a_jk| ≤ max|AAᵀ|-scale terms errs by at most about n·u·Σ|terms| (Higham
        // Eq. 3.5): with Σ_k |a_ik|·|a_jk| ≤ n·max a² ≈ the diagonal of AAᵀ, that is n·2^-24·max|AAᵀ|, plus the operand
        // roundings (2·2^-24 per product).
        for (DMatrixRMaj m : new DMatrixRMaj[] {seq, pair, blocked}) {
            assertTrue(maxDiff(m, exact) <= (n + 2) * 0x1p-24 * max, "" + maxDiff(m, exact));
        }
    }

    @Test
    void float32EigenDecompositionIsSortedAndOrthogonal() {
        int n = 30;
        DMatrixRMaj a = random(n, n, 5);
        DMatrixRMaj s = new DMatrixRMaj(n, n);
        org.ejml.dense.row.CommonOps_DDRM.multTransB(a, a, s);
        SymmetricEigen e = new RoundedKernels(Precision.FP32, RoundedKernels.Summation.SEQUENTIAL).symmetricEigen(s);
        SymmetricEigen ref = SymmetricEigen.of(s);
        for (int j = 0; j < n; j++) {
            if (j > 0) {
                assertTrue(e.values()[j] <= e.values()[j - 1]);
            }
            // Backward-stable in float32: |λ̂ − λ| ≤ c·n·u·λmax (Weyl), c = 4.
            assertEquals(ref.values()[j], e.values()[j], 4 * n * 0x1p-24 * ref.max());
        }
        DMatrixRMaj vtv = new DMatrixRMaj(n, n);
        org.ejml.dense.row.CommonOps_DDRM.multTransA(e.vectors(), e.vectors(), vtv);
        for (int i = 0; i < n; i++) {
            vtv.add(i, i, -1);
        }
        // Orthogonality of float32 eigenvectors: ‖VᵀV − I‖ of order n·u.
        assertTrue(org.ejml.dense.row.CommonOps_DDRM.elementMaxAbs(vtv) <= 4 * n * 0x1p-24);
    }

    private static double maxDiff(DMatrixRMaj a, DMatrixRMaj b) {
        double m = 0;
        for (int i = 0; i < a.data.length && i < a.getNumElements(); i++) {
            m = Math.max(m, Math.abs(a.data[i] - b.data[i]));
        }
        return m;
    }
}
