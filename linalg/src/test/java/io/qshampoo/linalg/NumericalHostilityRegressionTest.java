package io.qshampoo.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/** The defects {@link EjmlNumericalHostilityProperties} found, each pinned by its smallest case. */
class NumericalHostilityRegressionTest {

    private static DMatrixRMaj scalb(DMatrixRMaj a, int s) {
        return HostileMatrices.scalb(a, s);
    }

    /** A subnormal column was not reflected (its squared norm underflowed to 0): R lost the entries below it. */
    @Test
    void householderQrFactorsASubnormalColumn() {
        DMatrixRMaj a = new DMatrixRMaj(new double[][] {{3 * Double.MIN_VALUE}, {4 * Double.MIN_VALUE}});
        HouseholderQr.Result qr = HouseholderQr.factor(a, QrSignRule.POSITIVE_DIAGONAL);
        // exactly: R = 5η, Q = (0.6, 0.8); Q is rounded to within u, R·2^1074 to within u of 5
        assertEquals(5 * Double.MIN_VALUE, qr.r().get(0, 0));
        assertEquals(0.6, qr.q().get(0, 0), 1e-15);
        assertEquals(0.8, qr.q().get(1, 0), 1e-15);
    }

    /** The same matrix at order 1 and at 2^-1060 has the same factors, scaled: QR commutes with 2^k exactly. */
    @Test
    void householderQrIsScaleEquivariantIntoTheSubnormalRange() {
        DMatrixRMaj a = SyntheticMatrices.gaussian(7, 4, new Random(3));
        for (int i = 0; i < a.data.length; i++) {
            a.data[i] = Math.scalb(Math.rint(Math.scalb(a.data[i], 8)), -8); // 12 significant bits: exact at 2^-1060
        }
        HouseholderQr.Result one = HouseholderQr.factor(a, QrSignRule.HOUSEHOLDER);
        HouseholderQr.Result tiny = HouseholderQr.factor(scalb(a, -1000), QrSignRule.HOUSEHOLDER);
        HouseholderQr.Result huge = HouseholderQr.factor(scalb(a, 1000), QrSignRule.HOUSEHOLDER);
        assertArrayEquals(one.q().data, tiny.q().data);
        assertArrayEquals(one.q().data, huge.q().data);
        assertArrayEquals(scalb(one.r(), -1000).data, tiny.r().data);
        assertArrayEquals(scalb(one.r(), 1000).data, huge.r().data);
    }

    /** EJML's QR iteration did not converge on a subnormal 8×8 SPD matrix, even with 20 000 sweeps. */
    @Test
    void symmetricEigenOfASubnormalMatrixConvergesAndIsTheScaledDecomposition() {
        DMatrixRMaj a = HostileMatrices.symmetric(4, 8, new Random(0)); // SPD, κ = 10, scaled by 2^-1060
        SymmetricEigen tiny = SymmetricEigen.of(a);
        SymmetricEigen lifted = SymmetricEigen.of(scalb(a, 1060)); // exact: subnormals scaled up lose nothing
        for (int i = 0; i < 8; i++) {
            assertEquals(Math.scalb(lifted.values()[i], -1060), tiny.values()[i]);
        }
        assertArrayEquals(lifted.vectors().data, tiny.vectors().data);
    }

    /** λ = η and p = 1: the root 1/η overflowed to +∞ and was returned as a result. */
    @Test
    void eigenRootThatDoesNotFitInADoubleIsRefused() {
        DMatrixRMaj a = new DMatrixRMaj(new double[][] {{Double.MIN_VALUE}});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EigenInverseRoot(Ridge.absolute(0)).compute(a, 1));
        assertTrue(e.getMessage().contains("does not fit in a double"), e.getMessage());
        // p = 4 fits: η^(−1/4) = 2^268.5
        RootResult r = new EigenInverseRoot(Ridge.absolute(0)).compute(a, 4);
        assertEquals(Math.pow(Double.MIN_VALUE, -0.25), r.root().get(0, 0), 1e-15 * r.root().get(0, 0));
        assertTrue(r.residual() <= 1e-15, "residual " + r.residual() + " (Xᵖ overflowed before the scaled check)");
    }

    /** z = (1 + p)/(2‖Â‖_F) overflowed for a subnormal Â, and the coupled Newton root was −∞. */
    @Test
    void coupledNewtonRootOfASubnormalMatrix() {
        DMatrixRMaj a = new DMatrixRMaj(new double[][] {{0x1p-1070, 0}, {0, 0x1p-1071}});
        RootResult r = new CoupledNewtonInverseRoot(NewtonSettings.converging().withRidge(Ridge.absolute(0))).compute(a, 4);
        assertTrue(r.converged());
        // the iteration stops at max|M − I| ≤ 1e-9, so X is within 1e-9/p relative of the exact root
        assertEquals(Math.pow(0x1p-1070, -0.25), r.root().get(0, 0), 1e-9 * r.root().get(0, 0));
        assertEquals(Math.pow(0x1p-1071, -0.25), r.root().get(1, 1), 1e-9 * r.root().get(1, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CoupledNewtonInverseRoot(NewtonSettings.converging().withRidge(Ridge.absolute(0))).compute(a, 1));
        assertTrue(e.getMessage().contains("does not fit in a double"), e.getMessage());
    }

    /** As given, the zero matrix (no positive-definiteness check on that path) gave a root of +∞. */
    @Test
    void coupledNewtonAsGivenRefusesTheZeroMatrix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CoupledNewtonInverseRoot(NewtonSettings.converging()).computeAsGiven(new DMatrixRMaj(3, 3), 4));
        assertTrue(e.getMessage().contains("zero 3x3 matrix"), e.getMessage());
    }

    /** Entries of 1e30 reached +∞ within three Björck steps and were returned; outside σ² < 2 it is refused. */
    @Test
    void bjorckRefusesColumnsOutsideItsConvergenceRegion() {
        DMatrixRMaj w = new DMatrixRMaj(new double[][] {{1e30}});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Bjorck().orthonormalize(w, 3));
        assertTrue(e.getMessage().contains("column 0 has squared norm 1.0"), e.getMessage());
        assertEquals(1e30, new Bjorck().orthonormalize(w, 0).get(0, 0)); // zero steps: a copy, nothing to refuse
        // σ² = 1.96 is inside: it converges to 1
        DMatrixRMaj near = new DMatrixRMaj(new double[][] {{1.4}});
        assertEquals(1.0, new Bjorck().orthonormalize(near, 8).get(0, 0), 1e-15);
    }
}
