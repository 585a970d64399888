package io.qshampoo.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.qshampoo.linalg.EigenInverseRoot;
import io.qshampoo.linalg.Ridge;

/**
 * The example of issue 16: a 128 × 128 SPD matrix, κ = 1e3, p = 4, fp32. A float32 eigh root agrees; the same
 * root with one element pair X[3,5], X[5,3] scaled by 1.01 disagrees (the worst-case bound alone let it pass);
 * the square root instead of the 4th disagrees.
 */
class RootCalibrationTest {

    static RootCases.Case generated;
    static RootCases.Case numpy;

    @BeforeAll
    static void cases() {
        generated = RootCases.of("generated", RootCases.spd(128, 1e3, 1, 16), 4);
        numpy = RootCases.of("a128", RootCases.fixture("a128.a.npy"), 4);
    }

    private static void print(String what, CalibratedVerdict v) {
        StringBuilder b = new StringBuilder(what + ":");
        for (CalibratedVerdict.Test t : v.tests()) {
            b.append(String.format(" %s %.3g/%.3g", t.name(), t.measured(), t.threshold()));
        }
        System.out.println(b + " → " + (v.agrees() ? "AGREE" : "DISAGREE by " + v.decidedBy().name()));
    }

    static DMatrixRMaj pairScaled(DMatrixRMaj x, double f) {
        DMatrixRMaj y = x.copy();
        y.set(3, 5, (float) (y.get(3, 5) * f));
        y.set(5, 3, (float) (y.get(5, 3) * f));
        return y;
    }

    @Test
    void issueExampleOnAJavaGeneratedNumpyLikeRoot() {
        RootCases.Case c = generated;
        for (RootCalibration.Route r : c.calibration().routes()) {
            System.out.printf("route %s: NRE %.3g residual %.3g%n", r.route(), r.nre(), r.residual());
        }
        DMatrixRMaj x = RootCases.numpyLike(c);
        CalibratedVerdict ok = c.judge(x, 10);
        print("numpy-like", ok);
        CalibratedVerdict pair = c.judge(pairScaled(x, 1.01), 10);
        print("pair", pair);
        DMatrixRMaj sqrt = RootRoute.rounded(new EigenInverseRoot(Ridge.absolute(0)).compute(c.shifted(), 2).root(),
                Precision.FP32);
        CalibratedVerdict wrongP = c.judge(sqrt, 10);
        print("sqrt", wrongP);
        assertTrue(ok.agrees());
        // The worst-case bound alone lets the pair through; the spread of fp32 routes and the residual do not.
        assertTrue(pair.test("bound").passes());
        assertFalse(pair.test("spread-element").passes());
        assertFalse(pair.test("residual").passes());
        assertEquals("spread-element", pair.decidedBy().name());
        assertTrue((pair.row() == 3 && pair.col() == 5) || (pair.row() == 5 && pair.col() == 3));
        assertTrue(wrongP.tests().stream().noneMatch(CalibratedVerdict.Test::passes));
    }

    @Test
    void issueExampleOnNumpyFloat32EighRoots() {
        RootCases.Case c = numpy;
        for (RootCalibration.Route r : c.calibration().routes()) {
            System.out.printf("route %s: NRE %.3g residual %.3g%n", r.route(), r.nre(), r.residual());
        }
        for (String f : new String[] {"a128.root4.eigh.npy", "a128.root4.eighw.npy"}) {
            DMatrixRMaj x = RootCases.fixture(f);
            CalibratedVerdict ok = c.judge(x, 10);
            print(f, ok);
            CalibratedVerdict pair = c.judge(pairScaled(x, 1.01), 10);
            print(f + " pair", pair);
            assertTrue(ok.agrees());
            assertTrue(pair.test("bound").passes());
            assertFalse(pair.agrees());
        }
    }
}
