package io.qshampoo.linalg;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;

/**
 * Seeded random test matrices: Haar-distributed orthogonal matrices and symmetric positive definite
 * matrices A = U·diag(λ)·Uᵀ with a prescribed spectrum. Every method takes a {@link Random} so results
 * are reproducible from a seed.
 */
public final class SyntheticMatrices {

    private SyntheticMatrices() {
    }

    /** n×m matrix of independent standard normal entries. Cost O(nm). */
    public static DMatrixRMaj gaussian(int rows, int cols, Random rnd) {
        MatrixChecks.requirePositive(rows, "rows");
        MatrixChecks.requirePositive(cols, "cols");
        DMatrixRMaj g = new DMatrixRMaj(rows, cols);
        for (int k = 0; k < g.data.length; k++) {
            g.data[k] = rnd.nextGaussian();
        }
        return g;
    }

    /**
     * Haar-distributed n×n orthogonal matrix: Q of the QR decomposition of a Gaussian matrix, with each
     * column multiplied by sign(R_jj) so that the distribution is exactly Haar (Mezzadri 2007).
     * Cost O(n³).
     */
    public static DMatrixRMaj haarOrthogonal(int n, Random rnd) {
        DMatrixRMaj g = gaussian(n, n, rnd);
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(n, n);
        if (!qr.decompose(g)) {
            throw new ArithmeticException("QR of a Gaussian matrix failed");
        }
        DMatrixRMaj q = qr.getQ(null, false);
        DMatrixRMaj r = qr.getR(null, false);
        for (int j = 0; j < n; j++) {
            if (r.get(j, j) < 0) {
                for (int i = 0; i < n; i++) {
                    q.set(i, j, -q.get(i, j));
                }
            }
        }
        return q;
    }

    /**
     * A = U·diag(λ)·Uᵀ with U Haar-orthogonal; A is made exactly symmetric by averaging with Aᵀ.
     * Cost O(n³).
     *
     * @param eigenvalues the spectrum, each finite and > 0
     */
    public static DMatrixRMaj spdWithSpectrum(double[] eigenvalues, Random rnd) {
        final int n = eigenvalues.length;
        if (n == 0) {
            throw new IllegalArgumentException("spectrum is empty; expected at least one eigenvalue");
        }
        for (int i = 0; i < n; i++) {
            if (!(eigenvalues[i] > 0) || !Double.isFinite(eigenvalues[i])) {
                throw new IllegalArgumentException("eigenvalue " + i + " is " + eigenvalues[i]
                        + "; expected finite values > 0 for a positive definite matrix");
            }
        }
        DMatrixRMaj u = haarOrthogonal(n, rnd);
        DMatrixRMaj us = u.copy();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                us.data[i * n + j] *= eigenvalues[j];
            }
        }
        DMatrixRMaj a = new DMatrixRMaj(n, n);
        CommonOps_DDRM.multTransB(us, u, a);
        symmetrize(a);
        return a;
    }

    /**
     * SPD matrix with eigenvalues log-spaced from 1 down to 1/condition, so λmax/λmin = condition.
     * Cost O(n³).
     */
    public static DMatrixRMaj spdWithCondition(int n, double condition, Random rnd) {
        MatrixChecks.requirePositive(n, "n");
        if (!(condition >= 1) || !Double.isFinite(condition)) {
            throw new IllegalArgumentException("condition number is " + condition + "; expected a finite value >= 1");
        }
        double[] lambda = new double[n];
        for (int i = 0; i < n; i++) {
            double t = n == 1 ? 0 : (double) i / (n - 1);
            lambda[i] = Math.pow(condition, -t);
        }
        return spdWithSpectrum(lambda, rnd);
    }

    /** Replaces a by (a + aᵀ)/2 in place. Cost O(n²). */
    public static void symmetrize(DMatrixRMaj a) {
        final int n = a.numRows;
        final int tile = 32; // tiles of the upper triangle with their mirrors: both stay in cache (same values, any order)
        for (int i0 = 0; i0 < n; i0 += tile) {
            for (int j0 = i0; j0 < n; j0 += tile) {
                int iEnd = Math.min(i0 + tile, n);
                int jEnd = Math.min(j0 + tile, n);
                for (int i = i0; i < iEnd; i++) {
                    for (int j = Math.max(j0, i + 1); j < jEnd; j++) {
                        double m = 0.5 * (a.data[i * n + j] + a.data[j * n + i]);
                        a.data[i * n + j] = m;
                        a.data[j * n + i] = m;
                    }
                }
            }
        }
    }
}
