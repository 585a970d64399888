package io.qshampoo.linalg;

import org.ejml.data.DMatrixRMaj;

/**
 * How far an approximation is from a reference matrix, by the two measures of Li et al. 2025, Eq. (9):
 * <ul>
 *   <li>normalized relative error NRE = ‖ref − approx‖_F / ‖ref‖_F;</li>
 *   <li>angle error AE = arccos(⟨ref, approx⟩ / (‖ref‖_F·‖approx‖_F)), with ⟨A, B⟩ = Σᵢⱼ aᵢⱼbᵢⱼ,
 *       in [0, π] radians, also given in degrees.</li>
 * </ul>
 * In the paper ref = A^(−1/4) and approx = g(A)^(−1/4) for a quantize–dequantize map g; this record only
 * compares two matrices, whatever they hold.
 *
 * <p>Always NRE ≥ sin(AE): approx is a multiple of itself, and the distance from ref to the nearest
 * multiple of approx is ‖ref‖_F·sin(AE).
 *
 * @param nre        ‖ref − approx‖_F / ‖ref‖_F, ≥ 0
 * @param aeRadians  the angle between ref and approx as vectors of ℝ^(mn), in [0, π]
 * @param aeDegrees  the same angle in degrees, in [0, 180]
 */
public record MatrixDiscrepancy(double nre, double aeRadians, double aeDegrees) {

    /**
     * NRE and AE of {@code approx} against {@code ref}. Cost O(mn), one pass over each matrix after
     * the max-magnitude scan.
     *
     * <p>The sums run on copies scaled by powers of two (exact, no rounding) that bring the largest
     * magnitude near 1, so the squares in the norms neither overflow nor underflow; NRE and AE are
     * unchanged by that scaling.
     *
     * <p>The cosine is clamped to [−1, 1] before arccos: for approx a positive multiple of ref it is 1
     * in exact arithmetic, but the rounded dot product and norms can give 1 + a few ulps, where arccos
     * would return NaN. Near 0 (and π) arccos amplifies a cosine error δ into an angle error of about
     * √(2δ), so angles below ~1e-7 rad (~6e-6°) are at the rounding floor for matrices of modest size.
     *
     * @throws IllegalArgumentException if either is null, the shapes differ, an element is not finite,
     *         ref = 0 (NRE has a zero denominator), or approx = 0 (the angle to a zero matrix is undefined)
     */
    public static MatrixDiscrepancy between(DMatrixRMaj ref, DMatrixRMaj approx) {
        MatrixChecks.requireNonNull(ref, "ref");
        MatrixChecks.requireShape(approx, ref.numRows, ref.numCols, "approx");
        MatrixChecks.requireFinite(ref, "ref");
        MatrixChecks.requireFinite(approx, "approx");
        final int size = ref.getNumElements();
        final double[] r = ref.data;
        final double[] a = approx.data;
        double maxRef = 0;
        double maxApprox = 0;
        for (int k = 0; k < size; k++) {
            maxRef = Math.max(maxRef, Math.abs(r[k]));
            maxApprox = Math.max(maxApprox, Math.abs(a[k]));
        }
        if (maxRef == 0) {
            throw new IllegalArgumentException("ref is the zero " + MatrixChecks.shape(ref)
                    + " matrix; expected a nonzero reference (NRE divides by ‖ref‖_F)");
        }
        if (maxApprox == 0) {
            throw new IllegalArgumentException("approx is the zero " + MatrixChecks.shape(approx)
                    + " matrix; expected a nonzero approximation (the angle to a zero matrix is undefined)");
        }
        // Powers of two: scaling by them is exact (unless an entry falls ~2^1000 below the largest,
        // where it cannot matter to the sums). Each matrix gets its own scale for the angle; the
        // difference needs a common one, that of the larger matrix.
        final double refScale = powerOfTwoScale(maxRef);
        final double approxScale = powerOfTwoScale(maxApprox);
        final double common = Math.min(refScale, approxScale);
        double refSq = 0;
        double approxSq = 0;
        double diffSq = 0;
        double dot = 0;
        for (int k = 0; k < size; k++) {
            final double rk = r[k] * refScale;
            final double ak = a[k] * approxScale;
            final double dk = r[k] * common - a[k] * common;
            refSq += rk * rk;
            approxSq += ak * ak;
            diffSq += dk * dk;
            dot += rk * ak;
        }
        final double refNorm = Math.sqrt(refSq);
        // ‖ref − approx‖·common / (‖ref‖·refScale), the two scales put back exactly.
        final double nre = Math.sqrt(diffSq) / refNorm * (refScale / common);
        // √(‖r‖²·‖a‖²) rather than ‖r‖·‖a‖: for approx == ref (or a power-of-two multiple) it is exactly
        // the dot product (√(x²) = x in IEEE arithmetic), so the cosine is exactly 1 and AE exactly 0.
        final double cos = Math.max(-1.0, Math.min(1.0, dot / Math.sqrt(refSq * approxSq)));
        final double ae = Math.acos(cos);
        return new MatrixDiscrepancy(nre, ae, Math.toDegrees(ae));
    }

    /** 2^−(e+1) for max in [2^e, 2^(e+1)): brings the largest magnitude into [1/2, 1). */
    private static double powerOfTwoScale(double max) {
        return Math.scalb(1.0, -Math.getExponent(max) - 1);
    }
}
