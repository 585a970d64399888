package io.qshampoo.linalg;

import static io.qshampoo.linalg.Qt.U;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

class CholeskyTest {

    private final Cholesky cholesky = new Cholesky();

    @Test
    void factorsTheTextbookExample() {
        DMatrixRMaj a = new DMatrixRMaj(new double[][] {{4, 12, -16}, {12, 37, -43}, {-16, -43, 98}});
        DMatrixRMaj c = cholesky.lower(a);
        // Every intermediate of this example is a small integer, so the factor is exact.
        assertArrayEquals(new double[] {2, 0, 0, 6, 1, 0, -8, 5, 3}, c.data, 0.0);
    }

    @Test
    void ridgeIsAddedToTheDiagonal() {
        DMatrixRMaj a = CommonOps_DDRM.diag(3, 8, 0);
        DMatrixRMaj c = cholesky.lower(a, 1.0);
        assertArrayEquals(new double[] {2, 0, 0, 0, 3, 0, 0, 0, 1}, c.data, 0.0);
        assertArrayEquals(new double[] {3, 0, 0, 0, 8, 0, 0, 0, 0}, a.data, 0.0, "input must not be modified");
    }

    @Test
    void reconstructsRandomSpdMatricesWithinBackwardError() {
        Qt.qt().forAll(integers().between(1, 12), Qt.log10Condition(8), Qt.seeds()).checkAssert((n, logK, seed) -> {
            DMatrixRMaj a = Qt.spd(n, Math.pow(10, logK), seed);
            DMatrixRMaj c = cholesky.lower(a);
            for (int i = 0; i < n; i++) {
                assertTrue(c.get(i, i) > 0, "diagonal must be positive");
                for (int j = i + 1; j < n; j++) {
                    assertEquals(0.0, c.get(i, j), "upper triangle must be zero");
                }
            }
            DMatrixRMaj cct = new DMatrixRMaj(n, n);
            CommonOps_DDRM.multTransB(c, c, cct);
            // Backward stability (Higham, Thm 10.3): |C·Cᵀ − A| ≤ γ_{n+1}·|C|·|Cᵀ| entrywise,
            // γ_k = k·u/(1 − k·u) < 2k·u here.
            DMatrixRMaj absC = c.copy();
            CommonOps_DDRM.abs(absC);
            DMatrixRMaj bound = new DMatrixRMaj(n, n);
            CommonOps_DDRM.multTransB(absC, absC, bound);
            for (int k = 0; k < n * n; k++) {
                assertTrue(Math.abs(cct.data[k] - a.data[k]) <= 2 * (n + 1) * U * bound.data[k],
                        () -> "C·Cᵀ differs from A beyond the backward-error bound");
            }
        });
    }

    @Test
    void namesTheFailingPivotOfAnIndefiniteMatrix() {
        DMatrixRMaj a = new DMatrixRMaj(new double[][] {{1, 2, 0}, {2, 1, 0}, {0, 0, 5}});
        NotPositiveDefiniteException e = assertThrows(NotPositiveDefiniteException.class, () -> cholesky.lower(a));
        // Pivot 1 is the Schur complement 1 − 2·2/1 = −3.
        assertEquals(1, e.index());
        assertEquals(-3.0, e.value(), 1e-15);
        assertTrue(e.getMessage().contains("pivot 1") && e.getMessage().contains("-3.0"), e.getMessage());
    }

    @Test
    void zeroPivotOfASingularMatrixIsReported() {
        DMatrixRMaj a = CommonOps_DDRM.diag(2, 0, 1);
        NotPositiveDefiniteException e = assertThrows(NotPositiveDefiniteException.class, () -> cholesky.lower(a));
        assertEquals(1, e.index());
        assertEquals(0.0, e.value());
        // …and a ridge repairs it.
        assertEquals(1e-3, cholesky.lower(a, 1e-6).get(1, 1), 1e-18);
    }

    @Test
    void rejectsInvalidInput() {
        assertMessage(() -> cholesky.lower(new DMatrixRMaj(2, 3)), "2x3", "square");
        assertMessage(() -> cholesky.lower(new DMatrixRMaj(new double[][] {{1, 2}, {0, 1}})), "not symmetric");
        assertMessage(() -> cholesky.lower(new DMatrixRMaj(new double[][] {{1, Double.NaN}, {Double.NaN, 1}})),
                "[0, 1]", "NaN", "finite");
        assertMessage(() -> cholesky.lower(CommonOps_DDRM.diag(1, Double.POSITIVE_INFINITY)), "Infinity");
        assertMessage(() -> cholesky.lower(CommonOps_DDRM.diag(1, 1), -1e-3), "ridge", ">= 0");
        assertMessage(() -> cholesky.lower(null), "null");
    }

    static void assertMessage(org.junit.jupiter.api.function.Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
    }
}
