package io.qshampoo.experiments;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import io.qshampoo.linalg.SyntheticMatrices;

/**
 * A seeded stream of synthetic n×k gradients with a chosen spectral decay and a slowly rotating basis:
 *
 * <pre>
 *   G_t = U_t·diag(d)·Z_t / √k,   dᵢ = i^(−α) (i = 1…n),   Z_t with independent N(0, 1) entries
 *   U_{t+1} = U_t·R_t,   R_t = (I − θK_t/2)⁻¹·(I + θK_t/2)   (Cayley transform: exactly orthogonal)
 * </pre>
 *
 * so E[G_t·G_tᵀ] = U_t·diag(d²)·U_tᵀ: eigenvalues from 1 down to n^(−2α). K_t is skew-symmetric with independent
 * N(0, 1/n) entries above the diagonal, so θ is roughly the rotation per step in radians of a typical direction
 * (‖θK‖₂ ≈ 2θ). U₀ is Haar-random. Cost per step O(n²k + n³).
 */
final class GradientStream {

    private final int n;
    private final int k;
    private final double[] d;
    private final double rotation;
    private final Random rnd;
    private DMatrixRMaj u;

    /**
     * @param n        rows (the factor's order)
     * @param k        columns
     * @param alpha    power-law exponent α ≥ 0 of the singular values
     * @param rotation θ ≥ 0
     * @param seed     seed of U₀, Z_t and K_t
     */
    GradientStream(int n, int k, double alpha, double rotation, long seed) {
        if (n < 2 || k < 1) {
            throw new IllegalArgumentException("gradient shape " + n + "x" + k + "; expected n >= 2 and k >= 1");
        }
        if (!(alpha >= 0) || !Double.isFinite(alpha)) {
            throw new IllegalArgumentException("decay exponent is " + alpha + "; expected a finite value >= 0");
        }
        if (!(rotation >= 0) || !Double.isFinite(rotation)) {
            throw new IllegalArgumentException("rotation is " + rotation + "; expected a finite value >= 0");
        }
        this.n = n;
        this.k = k;
        this.rotation = rotation;
        this.d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = Math.pow(i + 1, -alpha);
        }
        this.rnd = new Random(seed);
        this.u = SyntheticMatrices.haarOrthogonal(n, rnd);
    }

    /** The next gradient G_t (then the basis rotates). */
    DMatrixRMaj next() {
        DMatrixRMaj ud = u.copy();
        double s = 1 / Math.sqrt(k);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                ud.data[i * n + j] *= d[j] * s;
            }
        }
        DMatrixRMaj z = SyntheticMatrices.gaussian(n, k, rnd);
        DMatrixRMaj g = Dense.mult(ud, z);
        if (rotation > 0) {
            rotate();
        }
        return g;
    }

    private void rotate() {
        DMatrixRMaj kk = new DMatrixRMaj(n, n);
        double sd = 1 / Math.sqrt(n);
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double x = rnd.nextGaussian() * sd * rotation / 2;
                kk.data[i * n + j] = x;
                kk.data[j * n + i] = -x;
            }
        }
        DMatrixRMaj plus = CommonOps_DDRM.identity(n);
        DMatrixRMaj minus = CommonOps_DDRM.identity(n);
        CommonOps_DDRM.addEquals(plus, kk);
        CommonOps_DDRM.subtractEquals(minus, kk);
        DMatrixRMaj r = new DMatrixRMaj(n, n);
        if (!CommonOps_DDRM.solve(minus, plus, r)) { // I − θK/2 is nonsingular: its eigenvalues are 1 − iθμ/2
            throw new ArithmeticException("Cayley transform failed");
        }
        u = Dense.mult(u, r);
    }

    /** The current basis U_t (a copy). */
    DMatrixRMaj basis() {
        return u.copy();
    }
}
