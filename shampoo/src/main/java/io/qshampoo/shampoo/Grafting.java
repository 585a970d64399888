package io.qshampoo.shampoo;

import java.util.Objects;

/**
 * Layer-wise grafting (Agarwal, Anil, Hazan, Koren &amp; Zhang 2020, "Disentangling adaptive gradient
 * methods from learning rates"), applied per block: Shampoo supplies the direction P, a diagonal method
 * supplies the magnitude, and P is rescaled to the Frobenius norm of that method's direction D:
 * <pre>
 *   P ← P · ‖D‖_F / ‖P‖_F
 * </pre>
 * Li et al. 2025 (after Eq. 13) scale by ‖G‖_F/‖Ĝ‖_F, i.e. grafting to SGD ({@link #SGD}), which is also
 * what the official low-bit Shampoo code does ({@code optimizers/shampoo1.py}, {@code step}: per whole
 * parameter, as {@code P·‖G‖/(‖P‖ + 1e-12)}); the exact rule here differs from that by a relative
 * 1e-12/‖P‖. The caller chooses the granularity (docs/design.md: per block).
 *
 * <p>Each constant maps to its {@link DiagonalMethod} with default hyper-parameters; build a method
 * directly for other settings.
 */
public enum Grafting {
    /** D = G: ‖G‖_F. */
    SGD(new IdentityDirection()),
    /** D = AdaGrad's direction, ε = 1e-10. */
    ADAGRAD(new DiagonalAdaGrad()),
    /** D = Adam's bias-corrected direction, β1 = 0.9, β2 = 0.999, ε = 1e-8. */
    ADAM(new DiagonalAdam());

    private final DiagonalMethod method;

    Grafting(DiagonalMethod method) {
        this.method = method;
    }

    /** The diagonal method whose direction gives the norm. */
    public DiagonalMethod method() {
        return method;
    }

    /**
     * Rescales {@code preconditioned} in place to the Frobenius norm of {@code grafted}: P ← P·‖D‖_F/‖P‖_F, one
     * multiplication per element by f = ‖D‖_F/‖P‖_F. Where f or the result could leave the double range (‖D‖_F above
     * 2¹⁰⁰⁰, or f itself not finite or below the normal range) it is evaluated as {@code ((P_k/max|P|)/√Σ(P_j/max|P|)²)·‖D‖_F}, so that no
     * factor exceeds the double range for finite input.
     *
     * <p>When ‖P‖ = 0, P is left as it is (all zeros): it has no direction to rescale, and the block
     * takes no step; the result is never NaN. When ‖D‖ = 0, P becomes zero. Cost O(size): one pass over P and D
     * together for both norms and one over P to rescale in the usual case (no division per element), no allocation.
     *
     * @param preconditioned P, finite; rescaled in place
     * @param grafted        D, finite, same length; not modified
     * @throws IllegalArgumentException if the lengths differ, a value is not finite, or ‖D‖_F exceeds
     *                                  the double range
     */
    public static void rescaleToNorm(double[] preconditioned, double[] grafted) {
        Objects.requireNonNull(preconditioned, "preconditioned");
        Objects.requireNonNull(grafted, "grafted");
        if (preconditioned.length != grafted.length) {
            throw new IllegalArgumentException("Grafting: preconditioned direction has " + preconditioned.length
                    + " elements and grafted direction " + grafted.length + "; expected equal lengths (one block)");
        }
        // Both sums of squares in one pass: two independent chains of additions, each in index order as norm() adds,
        // so each norm is the one norm() returns, bit for bit, in about the time of one (the loop waits on the adds).
        double pSum = 0;
        double pMax = 0;
        double dSum = 0;
        double dMax = 0;
        for (int k = 0; k < preconditioned.length; k++) {
            double p = preconditioned[k];
            double d = grafted[k];
            pSum += p * p;
            dSum += d * d;
            double pa = Math.abs(p);
            if (pa > pMax) {
                pMax = pa;
            }
            double da = Math.abs(d);
            if (da > dMax) {
                dMax = da;
            }
        }
        double pNorm = norm(pSum, pMax, preconditioned, "preconditioned direction");
        double dNorm = norm(dSum, dMax, grafted, "grafted direction");
        if (dNorm == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("Grafting: the grafted direction's Frobenius norm exceeds " + Double.MAX_VALUE
                    + " (" + grafted.length + " elements); expected a norm in the double range");
        }
        if (pNorm == 0) {
            return;
        }
        double f = dNorm / pNorm;
        // |P_k·f| ≤ ‖P‖·f·(1 + u) ≤ ‖D‖·(1 + 2u): in range; f normal (or exactly 0) carries full precision.
        if (Double.isFinite(f) && (f >= Double.MIN_NORMAL || dNorm == 0) && dNorm <= 0x1p1000) {
            for (int k = 0; k < preconditioned.length; k++) {
                preconditioned[k] *= f;
            }
            return;
        }
        double pRoot = rootSumOfScaledSquares(preconditioned, pMax); // ‖P‖ = pMax·pRoot, 1 ≤ pRoot ≤ √n
        for (int k = 0; k < preconditioned.length; k++) {
            preconditioned[k] = preconditioned[k] / pMax / pRoot * dNorm;
        }
    }

    /**
     * ‖x‖_F = √Σ x_k². Infinite only when the true norm exceeds the double range. Cost O(size): one pass where the
     * plain sum of squares is safe, else a second one.
     *
     * @throws IllegalArgumentException if a value is not finite
     */
    public static double frobeniusNorm(double[] x) {
        Objects.requireNonNull(x, "x");
        return norm(x, "vector");
    }

    /**
     * One pass sums x_k² and takes max|x_k|. The plain sum is kept when it is finite and max|x| ≥ 2⁻³⁰⁰: then no
     * square overflowed, and the squares that underflow (|x_k| &lt; 2⁻⁵³⁷) add less than 2⁻⁴⁷⁴·max² each, far below
     * rounding. Otherwise (a non-finite value, an overflow, or tiny values) the norm is recomputed as
     * max|x|·√Σ(x_k/max|x|)², as LAPACK's dnrm2 guards it, which also names a non-finite value.
     */
    private static double norm(double[] x, String what) {
        double sum = 0;
        double max = 0;
        for (double v : x) {
            sum += v * v;
            double a = Math.abs(v);
            if (a > max) {
                max = a;
            }
        }
        return norm(sum, max, x, what);
    }

    /**
     * The norm from one pass's Σx² (in index order) and max|x|, with the guarded second pass of
     * {@link #norm(double[], String)} where the plain sum is not safe.
     */
    private static double norm(double sum, double max, double[] x, String what) {
        if (Double.isFinite(sum) && (max >= 0x1p-300 || max == 0)) {
            return Math.sqrt(sum);
        }
        double m = maxAbs(x, what);
        return m == 0 ? 0 : m * rootSumOfScaledSquares(x, m);
    }

    private static double maxAbs(double[] x, String what) {
        double max = 0;
        for (int k = 0; k < x.length; k++) {
            if (!Double.isFinite(x[k])) {
                throw new IllegalArgumentException("Grafting: " + what + " holds " + x[k] + " at index " + k + "; expected finite values");
            }
            max = Math.max(max, Math.abs(x[k]));
        }
        return max;
    }

    private static double rootSumOfScaledSquares(double[] x, double max) {
        double sum = 0;
        for (double v : x) {
            double r = v / max;
            sum += r * r;
        }
        return Math.sqrt(sum);
    }
}
