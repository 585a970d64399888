package io.qshampoo.gpu;

/**
 * Tolerances of the one-step cross-check ({@link ShampooStepCase}) between dense-kernel backends that both compute in
 * float64, and the comparison itself.
 *
 * <p>Derivation: the two paths differ only in rounding (GEMM summation order, cuSOLVER's vs EJML's eigensolver). The
 * eigen root of a statistic with condition number κ (after the ridge ε·λmax, κ ≲ 1/ε = 1e6) moves by at most about
 * κ·n·u/4 relative for a relative perturbation n·u of its input (n ≤ 4096, u = 2⁻⁵³: 1.1e-6 at worst, typically far
 * less as the perturbation is not aligned with the smallest eigenvalue); the fp32 storage of the states turns such a
 * difference into at most one ulp (6e-8) of a stored value, and the 4-bit codes of C flip only for an x̄ within that
 * difference of a threshold (expected count ≪ 1 per step at these sizes). Both factors enter P = L̂·G·R̂: so 1e-5
 * relative in ‖·‖_F, and for the sketch, whose maximum over 32 Gaussian forms and 256 entries overestimates the
 * Frobenius deviation by a factor of about 3, 5e-5.
 */
final class ShampooStepCrossCheck {

    static final double RELATIVE_TOLERANCE = 1e-5;
    static final double SKETCH_TOLERANCE = 5e-5;

    private ShampooStepCrossCheck() {
    }

    /** ‖b − a‖_F / ‖a‖_F. */
    static double relative(double[] a, double[] b) {
        double num = 0;
        double den = 0;
        for (int k = 0; k < a.length; k++) {
            double d = b[k] - a[k];
            num += d * d;
            den += a[k] * a[k];
        }
        return Math.sqrt(num / den);
    }

    static boolean finite(double[] a) {
        for (double v : a) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
