package io.qshampoo.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

import io.qshampoo.linalg.EigenInverseRoot;
import io.qshampoo.linalg.Ridge;
import io.qshampoo.linalg.SyntheticMatrices;

class RootToleranceTest {

    @Test
    void formula() {
        RootTolerance t = RootTolerance.derive(10, 4, 100, 0x1p-24, 0x1p-24, 4);
        assertEquals(4 * 10 * (100 / 4.0 + 1) * (0x1p-24 + 0x1p-53) + 0x1p-24, t.value(), 0);
        assertTrue(t.formula().endsWith(String.format("%.3g", t.value())));
    }

    @Test
    void theReferenceRootRoundedToFp32AgreesAndItsResidualIsSmall() {
        // The float64 root stored as float32 differs only by the storage rounding (≤ 2^-24 per element).
        for (double kappa : new double[] {1, 1e2, 1e5}) {
            DMatrixRMaj a = SyntheticMatrices.spdWithCondition(20, kappa, new Random(3));
            DMatrixRMaj x = new EigenInverseRoot(Ridge.relative(1e-6)).compute(a, 4).root();
            DMatrixRMaj x32 = x.copy();
            for (int k = 0; k < x32.data.length; k++) {
                x32.data[k] = (float) x32.data[k];
            }
            RootCheck c = RootCheck.of(a, x32, 4, Ridge.relative(1e-6), 0x1p-24, 0x1p-24, RootTolerance.DEFAULT_SAFETY);
            assertTrue(c.agrees(), "κ = " + kappa);
            assertTrue(c.discrepancy().nre() <= 0x1p-24, "NRE " + c.discrepancy().nre());
            // κ(A + ε·λmax·I) = (1 + ε)/(1/κ + ε), whatever the scale of A.
            double ridged = (1 + 1e-6) / (1 / kappa + 1e-6);
            assertEquals(ridged, c.kappa(), ridged * 1e-6);
        }
    }
}
