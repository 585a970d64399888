package io.qshampoo.linalg;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Extreme inputs for the numerical-hostility properties: exact zeros, constants, magnitudes 1e-30 and 1e30,
 * subnormals, rank deficiency, condition number 1e16 and entries of 1e±30 side by side. Every matrix is finite;
 * the symmetric ones are exactly symmetric.
 */
final class HostileMatrices {

    /** Names of the general (m×k) kinds, index = kind. */
    static final String[] GENERAL = {"zeros", "constant", "1e-30", "1e30", "subnormal", "rank one", "kappa 1e16",
        "mixed 1e±30", "gaussian"};

    /** Names of the symmetric (n×n) kinds, index = kind. */
    static final String[] SYMMETRIC = {"zeros", "constant", "SPD 1e-30", "SPD 1e30", "SPD subnormal",
        "rank deficient", "kappa 1e16", "diagonal 1e±30", "kappa 1e3"};

    private HostileMatrices() {
    }

    /** An m×k matrix of the given kind (see {@link #GENERAL}). */
    static DMatrixRMaj general(int kind, int m, int k, Random rnd) {
        DMatrixRMaj a = new DMatrixRMaj(m, k);
        switch (kind) {
            case 0 -> { }
            case 1 -> a.fill(0.5);
            case 2 -> scaled(SyntheticMatrices.gaussian(m, k, rnd), 1e-30, a);
            case 3 -> scaled(SyntheticMatrices.gaussian(m, k, rnd), 1e30, a);
            case 4 -> {
                for (int i = 0; i < a.data.length; i++) {
                    a.data[i] = Double.MIN_VALUE * (rnd.nextInt(2001) - 1000);
                }
            }
            case 5 -> {
                DMatrixRMaj u = SyntheticMatrices.gaussian(m, 1, rnd);
                DMatrixRMaj v = SyntheticMatrices.gaussian(k, 1, rnd);
                CommonOps_DDRM.multTransB(u, v, a);
            }
            case 6 -> {
                // U·diag(σ)·Vᵀ with σ log-spaced from 1 to 1e-16 over the min(m, k) values
                int r = Math.min(m, k);
                DMatrixRMaj u = SyntheticMatrices.haarOrthogonal(m, rnd);
                DMatrixRMaj v = SyntheticMatrices.haarOrthogonal(k, rnd);
                for (int j = 0; j < r; j++) {
                    double s = Math.pow(1e-16, r == 1 ? 0 : (double) j / (r - 1));
                    for (int i = 0; i < m; i++) {
                        u.data[i * m + j] *= s;
                    }
                }
                DMatrixRMaj us = CommonOps_DDRM.extract(u, 0, m, 0, r);
                DMatrixRMaj vr = CommonOps_DDRM.extract(v, 0, k, 0, r);
                CommonOps_DDRM.multTransB(us, vr, a);
            }
            case 7 -> {
                for (int i = 0; i < a.data.length; i++) {
                    a.data[i] = (rnd.nextBoolean() ? 1e30 : 1e-30) * rnd.nextGaussian();
                }
            }
            default -> a.setTo(SyntheticMatrices.gaussian(m, k, rnd));
        }
        return a;
    }

    /** An exactly symmetric n×n matrix of the given kind (see {@link #SYMMETRIC}); PSD in exact arithmetic. */
    static DMatrixRMaj symmetric(int kind, int n, Random rnd) {
        DMatrixRMaj a = new DMatrixRMaj(n, n);
        switch (kind) {
            case 0 -> { }
            case 1 -> a.fill(0.5);
            case 2 -> scaled(SyntheticMatrices.spdWithCondition(n, 10, rnd), 1e-30, a);
            case 3 -> scaled(SyntheticMatrices.spdWithCondition(n, 10, rnd), 1e30, a);
            // a power-of-two scaling into the subnormal range rounds each entry, mirror entries alike
            case 4 -> scaled(SyntheticMatrices.spdWithCondition(n, 10, rnd), 0x1p-1060, a);
            case 5 -> {
                DMatrixRMaj b = SyntheticMatrices.gaussian(n, Math.max(1, n / 2), rnd);
                CommonOps_DDRM.multTransB(b, b, a);
            }
            case 6 -> a.setTo(SyntheticMatrices.spdWithCondition(n, 1e16, rnd));
            case 7 -> {
                for (int i = 0; i < n; i++) {
                    a.data[i * n + i] = (i % 2 == 0 ? 1e30 : 1e-30) * (1 + rnd.nextDouble());
                }
            }
            default -> a.setTo(SyntheticMatrices.spdWithCondition(n, 1e3, rnd));
        }
        SyntheticMatrices.symmetrize(a);
        return a;
    }

    private static void scaled(DMatrixRMaj src, double s, DMatrixRMaj dst) {
        for (int i = 0; i < src.data.length; i++) {
            dst.data[i] = src.data[i] * s;
        }
    }

    /**
     * The exponent e with max|a|·2^−e in [1, 2), or 0 for a zero matrix. Multiplying by 2^−e is exact for every
     * matrix here (subnormals scaled up lose nothing; 1e30 scaled down stays normal), so relations can be checked
     * on the scaled copy without underflow or overflow in the check itself.
     */
    static int exponent(DMatrixRMaj a) {
        double max = CommonOps_DDRM.elementMaxAbs(a);
        if (max == 0) {
            return 0;
        }
        // getExponent reports every subnormal as −1023; 2^54 lifts it into the normal range exactly
        return max < Double.MIN_NORMAL ? Math.getExponent(max * 0x1p54) - 54 : Math.getExponent(max);
    }

    /** a·2^s, a new matrix. */
    static DMatrixRMaj scalb(DMatrixRMaj a, int s) {
        DMatrixRMaj c = a.copy();
        for (int i = 0; i < c.data.length; i++) {
            c.data[i] = Math.scalb(c.data[i], s);
        }
        return c;
    }

    /** Frobenius norm without overflow or underflow for the matrices here (on the scaled copy). */
    static double normF(DMatrixRMaj a) {
        int e = exponent(a);
        DMatrixRMaj s = scalb(a, -e);
        double sum = 0;
        for (double x : s.data) {
            sum += x * x;
        }
        return Math.scalb(Math.sqrt(sum), e);
    }
}
