package io.qshampoo.oracle;

import java.nio.file.Path;
import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.RootResult;
import io.qshampoo.linalg.EigenInverseRoot;
import io.qshampoo.linalg.MatrixDiscrepancy;
import io.qshampoo.linalg.Ridge;
import io.qshampoo.linalg.SymmetricEigen;
import io.qshampoo.oracle.npy.Fixtures;
import io.qshampoo.oracle.npy.NpyArray;
import io.qshampoo.oracle.npy.NpyReader;

/**
 * Test matrices for the oracle's sensitivity suites: SPD A with log-spaced eigenvalues over [λmax/κ, λmax] in a
 * seeded random orthogonal basis, stored in float32 as the other side holds it, and everything the check derives
 * from it (Â, X*, κ, the calibration), computed once per case.
 */
final class RootCases {

    /** One case. */
    record Case(String name, DMatrixRMaj a, double ridge, DMatrixRMaj shifted, DMatrixRMaj exact, double kappa,
                int p, RootCalibration calibration, double bound) {

        int n() {
            return a.numRows;
        }

        double nre(DMatrixRMaj x) {
            return MatrixDiscrepancy.between(exact, x).nre();
        }

        /** The verdict for their root x at the given factor, as {@code check root} computes it. */
        CalibratedVerdict judge(DMatrixRMaj x, double factor) {
            boolean finite = true;
            for (double v : x.data) {
                finite &= Double.isFinite(v);
            }
            double nre = finite ? nre(x) : Double.POSITIVE_INFINITY;
            double res = finite ? RootResult.residual(x, shifted, p, DenseKernels.reference()) : Double.POSITIVE_INFINITY;
            return calibration.judge(x, nre, res, bound, factor);
        }
    }

    private RootCases() {
    }

    /** A float32-stored SPD matrix (symmetric exactly: the lower triangle is mirrored after rounding). */
    static DMatrixRMaj spd(int n, double kappa, double lambdaMax, long seed) {
        Random rnd = new Random(seed);
        DMatrixRMaj g = new DMatrixRMaj(n, n);
        for (int i = 0; i < n * n; i++) {
            g.data[i] = rnd.nextGaussian();
        }
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(n, n);
        qr.decompose(g);
        DMatrixRMaj q = qr.getQ(null, false);
        DMatrixRMaj ql = q.copy();
        for (int j = 0; j < n; j++) {
            double lam = lambdaMax * Math.pow(kappa, -(double) j / (n - 1));
            for (int i = 0; i < n; i++) {
                ql.set(i, j, q.get(i, j) * lam);
            }
        }
        DMatrixRMaj a = new DMatrixRMaj(n, n);
        CommonOps_DDRM.multTransB(ql, q, a);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double v = (float) (0.5 * (a.get(i, j) + a.get(j, i)));
                a.set(i, j, v);
                a.set(j, i, v);
            }
        }
        return a;
    }

    /** The case for A with Shampoo's ridge ε·λmax (ε = 1e-6), p, stated precision fp32, float32 files. */
    static Case of(String name, DMatrixRMaj a, int p) {
        double u = Precision.FP32.unitRoundoff();
        SymmetricEigen eig = SymmetricEigen.of(a);
        double r = 1e-6 * eig.max();
        DMatrixRMaj shifted = RootCheck.shifted(a, r);
        DMatrixRMaj exact = new EigenInverseRoot(Ridge.absolute(0)).compute(shifted, p).root();
        double kappa = (eig.max() + r) / (eig.min() + r);
        RootCalibration cal = RootCalibration.of(shifted, exact, p, kappa, Precision.FP32, u,
                RootCalibration.allRoutes());
        double bound = RootTolerance.derive(a.numRows, p, kappa, u, u, RootTolerance.DEFAULT_SAFETY).value();
        return new Case(name, a, r, shifted, exact, kappa, p, cal, bound);
    }

    /** A committed fixture of {@code oracle/sensitivity} (make_fixtures.py there) as a matrix. */
    static DMatrixRMaj fixture(String file) {
        NpyArray arr = NpyReader.read(Path.of(Fixtures.oracle("sensitivity/" + file).toString()));
        int n = arr.dim(0);
        return DMatrixRMaj.wrap(n, arr.dim(1), arr.toDoubles());
    }

    /** The float64 eigen root of Â rounded to float32: what numpy's float32 eigh root approximates best. */
    static DMatrixRMaj numpyLike(Case c) {
        return RootRoute.rounded(c.exact(), Precision.FP32);
    }
}
