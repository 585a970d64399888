package io.qshampoo.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class MatrixDiscrepancyTest {

    private static final double U = 0x1p-53;

    private static DMatrixRMaj m(int rows, int cols, double... v) {
        return new DMatrixRMaj(rows, cols, true, v);
    }

    @Test
    void identicalMatricesHaveZeroErrorAndZeroAngle() {
        DMatrixRMaj a = SyntheticMatrices.gaussian(5, 4, new Random(1));
        MatrixDiscrepancy d = MatrixDiscrepancy.between(a, a.copy());
        // ref − approx is exactly 0, and the cosine is exactly 1 (see the implementation note): exact zeros.
        assertEquals(0.0, d.nre(), 0.0);
        assertEquals(0.0, d.aeRadians(), 0.0);
        assertEquals(0.0, d.aeDegrees(), 0.0);
    }

    @Test
    void orthogonalMatricesOfEqualNormAreAtRightAnglesWithNreSqrt2() {
        // ⟨ref, approx⟩ = 0 exactly; ‖ref‖ = ‖approx‖ = 5; ‖ref − approx‖ = √50.
        MatrixDiscrepancy d = MatrixDiscrepancy.between(m(2, 2, 3, 0, 0, 4), m(2, 2, 0, 5, 0, 0));
        // Each value is a correctly rounded function of exact inputs, a couple of roundings deep: 4 ulps.
        assertEquals(Math.sqrt(2), d.nre(), 4 * U * Math.sqrt(2));
        assertEquals(Math.PI / 2, d.aeRadians(), 4 * U * Math.PI);
        assertEquals(90.0, d.aeDegrees(), 4 * U * 90);
    }

    @Test
    void aReferenceWithAnOrthogonalExtraMeetsNreEqualsSinAe() {
        // ref = approx + e with e ⟂ approx: the equality case of NRE ≥ sin AE, here 1/√2 and 45°.
        MatrixDiscrepancy d = MatrixDiscrepancy.between(m(2, 2, 1, 1, 0, 0), m(2, 2, 1, 0, 0, 0));
        // Exact inputs, a few correctly rounded operations: 8 ulps.
        assertEquals(Math.sqrt(0.5), d.nre(), 8 * U);
        assertEquals(45.0, d.aeDegrees(), 8 * U * 45);
        assertEquals(Math.sin(d.aeRadians()), d.nre(), 8 * U);
    }

    @Test
    void aScaledCopyHasZeroAngleAndNreOfTheScaleMinusOne() {
        DMatrixRMaj ref = SyntheticMatrices.gaussian(6, 6, new Random(2));
        DMatrixRMaj approx = ref.copy();
        for (int k = 0; k < approx.data.length; k++) {
            approx.data[k] *= 2.5;
        }
        MatrixDiscrepancy d = MatrixDiscrepancy.between(ref, approx);
        int size = 36;
        // approx = 2.5·ref up to one rounding per entry, so NRE = 1.5 to about (size + 4) ulps of 1.5.
        assertEquals(1.5, d.nre(), (size + 4) * U * 1.5 * 2);
        // The cosine is 1 up to δ ≈ 2·(size + 2)·u; arccos turns δ into at most √(2δ).
        assertTrue(d.aeRadians() <= Math.sqrt(4 * (size + 2) * U), () -> "AE " + d.aeRadians());
    }

    @Test
    void aNegatedCopyPointsTheOtherWay() {
        DMatrixRMaj ref = SyntheticMatrices.gaussian(3, 3, new Random(3));
        DMatrixRMaj approx = ref.copy();
        for (int k = 0; k < approx.data.length; k++) {
            approx.data[k] = -approx.data[k];
        }
        MatrixDiscrepancy d = MatrixDiscrepancy.between(ref, approx);
        // Negation is exact: ref − approx = 2·ref exactly, and the cosine is exactly −1.
        assertEquals(2.0, d.nre(), 4 * U);
        assertEquals(180.0, d.aeDegrees(), 0.0);
    }

    @Test
    void extremeMagnitudesNeitherOverflowNorUnderflow() {
        // Squares of 1e200 overflow and squares of 1e-200 underflow; the power-of-two scaling avoids both.
        MatrixDiscrepancy big = MatrixDiscrepancy.between(m(1, 2, 3e200, 0), m(1, 2, 0, 4e200));
        assertEquals(5.0 / 3.0, big.nre(), 8 * U * 2);
        assertEquals(90.0, big.aeDegrees(), 8 * U * 90);
        MatrixDiscrepancy tiny = MatrixDiscrepancy.between(m(1, 2, 3e-200, 4e-200), m(1, 2, 3e-300, 4e-300));
        // approx = 1e-100·ref up to rounding: NRE = 1 − 1e-100 = 1 in double, angle at the rounding floor.
        assertEquals(1.0, tiny.nre(), 8 * U);
        assertTrue(tiny.aeRadians() <= Math.sqrt(4 * 4 * U), () -> "AE " + tiny.aeRadians());
    }

    @Test
    void degreesAreRadiansConverted() {
        MatrixDiscrepancy d = MatrixDiscrepancy.between(m(1, 2, 1, 2), m(1, 2, 2, -1.5));
        assertEquals(Math.toDegrees(d.aeRadians()), d.aeDegrees(), 0.0);
        assertTrue(d.aeDegrees() > 90, () -> "negative inner product means an obtuse angle: " + d.aeDegrees());
    }

    @Test
    void rejectsShapeMismatchNonFiniteAndZeroInputs() {
        DMatrixRMaj a = m(2, 2, 1, 2, 3, 4);
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> MatrixDiscrepancy.between(a, new DMatrixRMaj(2, 3)));
        assertTrue(shape.getMessage().contains("approx is 2x3; expected 2x2"), shape.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> MatrixDiscrepancy.between(a, m(2, 2, 1, 2, Double.NaN, 4)));
        assertTrue(nan.getMessage().contains("approx[1, 0] is NaN"), nan.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> MatrixDiscrepancy.between(m(2, 2, 1, 2, 3, Double.NEGATIVE_INFINITY), a));
        IllegalArgumentException zeroRef = assertThrows(IllegalArgumentException.class,
                () -> MatrixDiscrepancy.between(new DMatrixRMaj(2, 2), a));
        assertTrue(zeroRef.getMessage().contains("ref is the zero 2x2 matrix"), zeroRef.getMessage());
        IllegalArgumentException zeroApprox = assertThrows(IllegalArgumentException.class,
                () -> MatrixDiscrepancy.between(a, new DMatrixRMaj(2, 2)));
        assertTrue(zeroApprox.getMessage().contains("angle to a zero matrix is undefined"), zeroApprox.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MatrixDiscrepancy.between(null, a));
        assertThrows(IllegalArgumentException.class, () -> MatrixDiscrepancy.between(a, null));
    }
}
