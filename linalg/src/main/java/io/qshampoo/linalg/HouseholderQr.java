package io.qshampoo.linalg;

import org.ejml.data.DMatrixRMaj;

/**
 * Thin QR factorization A = Q·R of an m×k matrix (k ≤ m) by Householder reflections, with the sign conventions of
 * LAPACK's {@code dgeqr2}/{@code dlarfg} and {@code dorg2r} (see {@link QrSignRule#HOUSEHOLDER}): step j reflects
 * the column (α, x) = A(j:m, j) onto β·e₁ with β = −sign(α)·‖(α, x)‖, τ = (β − α)/β, v = (1, x/(α − β)); when
 * x = 0 it does not reflect (τ = 0, β = α). Q = H₀·H₁·…·H_{k−1} restricted to its first k columns, accumulated
 * backwards as {@code dorg2r} does.
 *
 * <p>This is the algorithm, not LAPACK's blocked code: rounding differs from {@code dgeqrf} at the level of a few
 * ulps, the signs never do (except for a column whose α is within rounding of 0). Plain 2-norms are used (no
 * {@code dnrm2} scaling); a matrix whose largest magnitude lies outside [2^-500, 2^500] (subnormal entries, say)
 * is first scaled by a power of two, exactly, and R scaled back.
 *
 * <p>Cost: 2mk² − 2k³/3 flops for R, the same again for Q; no allocation beyond Q, R and one work row.
 */
public final class HouseholderQr {

    /**
     * Q (m×k, orthonormal columns) and R (k×k, upper triangular) with A = Q·R.
     *
     * @param q the thin orthogonal factor
     * @param r the triangular factor
     */
    public record Result(DMatrixRMaj q, DMatrixRMaj r) {
    }

    private HouseholderQr() {
    }

    /**
     * Factors A with the given sign rule; {@link QrSignRule#POSITIVE_DIAGONAL} flips each column of Q (and row of
     * R) whose R(j, j) is negative.
     *
     * @param a m×k, 1 ≤ k ≤ m, finite; not modified
     * @throws IllegalArgumentException for another shape or a non-finite entry
     */
    public static Result factor(DMatrixRMaj a, QrSignRule rule) {
        requireFactorable(a, rule);
        final int m = a.numRows;
        final int k = a.numCols;
        // The plain 2-norms below underflow for entries under about 2^-537 (a subnormal column would not be
        // reflected at all, losing its entries below the diagonal) and overflow above 2^511. QR is equivariant
        // under scaling by a power of two, which is exact, so such a matrix is factored at order 1 and R scaled
        // back; matrices in the usual range are not touched (their results stay bit-identical).
        double max = 0;
        for (int i = 0; i < m * k; i++) {
            max = Math.max(max, Math.abs(a.data[i]));
        }
        int e = max > 0 && (max < 0x1p-500 || max > 0x1p500) ? Math.getExponent(max * 0x1p54) - 54 : 0;
        double[] w = a.copy().data; // overwritten by R above the diagonal and the reflectors v below it
        if (e != 0) {
            for (int i = 0; i < m * k; i++) {
                w[i] = Math.scalb(w[i], -e);
            }
        }
        double[] tau = new double[k];
        double[] dot = new double[k];
        for (int j = 0; j < k; j++) {
            double alpha = w[j * k + j];
            double xx = 0;
            for (int i = j + 1; i < m; i++) {
                xx += w[i * k + j] * w[i * k + j];
            }
            if (xx == 0) {
                tau[j] = 0; // H = I: R(j, j) = α keeps its sign
                continue;
            }
            double norm = Math.sqrt(alpha * alpha + xx);
            double beta = alpha >= 0 ? -norm : norm; // −sign(α)·‖(α, x)‖, sign(+0) = +
            tau[j] = (beta - alpha) / beta;
            double scale = 1 / (alpha - beta);
            for (int i = j + 1; i < m; i++) {
                w[i * k + j] *= scale;
            }
            w[j * k + j] = beta;
            // A(j:m, j+1:k) ← H·A(j:m, j+1:k), H = I − τ·v·vᵀ, v = (1, w(j+1:m, j))
            java.util.Arrays.fill(dot, j + 1, k, 0);
            for (int c = j + 1; c < k; c++) {
                dot[c] = w[j * k + c];
            }
            for (int i = j + 1; i < m; i++) {
                double vi = w[i * k + j];
                for (int c = j + 1; c < k; c++) {
                    dot[c] += vi * w[i * k + c];
                }
            }
            for (int c = j + 1; c < k; c++) {
                w[j * k + c] -= tau[j] * dot[c];
            }
            for (int i = j + 1; i < m; i++) {
                double vi = tau[j] * w[i * k + j];
                for (int c = j + 1; c < k; c++) {
                    w[i * k + c] -= vi * dot[c];
                }
            }
        }
        DMatrixRMaj r = new DMatrixRMaj(k, k);
        for (int i = 0; i < k; i++) {
            System.arraycopy(w, i * k + i, r.data, i * k + i, k - i);
        }
        if (e != 0) {
            for (int i = 0; i < k * k; i++) {
                r.data[i] = Math.scalb(r.data[i], e);
            }
        }
        // Q = H₀·…·H_{k−1}·I(:, 0:k), accumulated from the last reflector (dorg2r).
        DMatrixRMaj q = new DMatrixRMaj(m, k);
        for (int i = 0; i < k; i++) {
            q.data[i * k + i] = 1;
        }
        for (int j = k - 1; j >= 0; j--) {
            if (tau[j] == 0) {
                continue;
            }
            for (int c = j; c < k; c++) {
                double s = q.data[j * k + c];
                for (int i = j + 1; i < m; i++) {
                    s += w[i * k + j] * q.data[i * k + c];
                }
                s *= tau[j];
                q.data[j * k + c] -= s;
                for (int i = j + 1; i < m; i++) {
                    q.data[i * k + c] -= s * w[i * k + j];
                }
            }
        }
        Result result = new Result(q, r);
        applySignRule(result, rule);
        return result;
    }

    /**
     * The checks of {@link #factor}, for every backend's QR: a finite m×k matrix with 1 ≤ k ≤ m and a sign rule.
     *
     * @throws IllegalArgumentException otherwise, saying what was found
     */
    public static void requireFactorable(DMatrixRMaj a, QrSignRule rule) {
        MatrixChecks.requireFinite(a, "matrix");
        if (rule == null) {
            throw new IllegalArgumentException("QR sign rule is null; expected one of "
                    + java.util.Arrays.toString(QrSignRule.values()));
        }
        final int m = a.numRows;
        final int k = a.numCols;
        if (k < 1 || k > m) {
            throw new IllegalArgumentException("matrix is " + MatrixChecks.shape(a) + "; expected m x k with 1 <= k <= m");
        }
    }

    /**
     * Applies a sign rule to a Householder factorization in place: {@link QrSignRule#POSITIVE_DIAGONAL} negates column
     * j of Q and row j of R wherever R(j, j) &lt; 0 (Q·R unchanged); {@link QrSignRule#HOUSEHOLDER} keeps the
     * reflectors' signs. Cost O(mk).
     */
    public static void applySignRule(Result result, QrSignRule rule) {
        final int m = result.q().numRows;
        final int k = result.q().numCols;
        if (rule == QrSignRule.POSITIVE_DIAGONAL) {
            for (int j = 0; j < k; j++) {
                if (result.r().data[j * k + j] < 0) {
                    for (int i = 0; i < m; i++) {
                        result.q().data[i * k + j] = -result.q().data[i * k + j];
                    }
                    for (int c = j; c < k; c++) {
                        result.r().data[j * k + c] = -result.r().data[j * k + c];
                    }
                }
            }
        }
    }
}
