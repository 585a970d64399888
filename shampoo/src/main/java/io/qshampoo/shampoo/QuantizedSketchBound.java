package io.qshampoo.shampoo;

import org.ejml.data.DMatrixRMaj;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.quant.CodeTable;
import io.qshampoo.quant.QuantizedMatrix;

/**
 * What remains of the Frequent-Directions bound (Feinberg et al. 2023, Lemma 1 and Obs. 6) when the sketch's
 * directions are stored block-quantized ({@link QuantizedSketch}): the error gains one term per update, computed
 * from the codes and block absmax values the quantizer stored.
 *
 * <h2>Setting</h2>
 * Update t takes the sketch the stored state represents, Ĝₜ₋₁, forms Sₜ = β·Ĝₜ₋₁ + GₜGₜᵀ and, through FD, keeps
 * Ḡₜ = Uₜ·Σₜ²·Uₜᵀ with Δₜ = Sₜ − Ḡₜ and 0 ⪯ Δₜ ⪯ ρₜ·I (Lemma 1's step). It stores Q(Uₜᵀ) and Σ̃ₜ = fl₃₂(Σₜ).
 * With Ū = D(Q(Uᵀ))ᵀ = U + D and its polar decomposition Ū = P·H (P n×w orthonormal, H = (ŪᵀŪ)^(1/2)), the
 * stored state represents Ĝₜ = P·Σ̃²·Pᵀ: the eigenvalues are the stored ones, the directions the orthonormal basis
 * nearest to the dequantized one. Call Qₜ = Ĝₜ − Ḡₜ what storing changed.
 *
 * <h2>The bound</h2>
 * With G_T = Σₜ β^(T−t)·GₜGₜᵀ, the error Eₜ = Gₜ − Ĝₜ obeys Eₜ = β·Eₜ₋₁ + Δₜ − Qₜ, E₀ = 0, so
 * E_T = Σₜ β^(T−t)·(Δₜ − Qₜ). From 0 ⪯ Δₜ ⪯ ρₜ·I and −‖Qₜ‖₂·I ⪯ Qₜ ⪯ ‖Qₜ‖₂·I:
 * <pre>
 *   −κ₁:T·I ⪯ G_T − Ĝ_T ⪯ (ρ₁:T + κ₁:T)·I,   so   ‖G_T − Ĝ_T‖₂ ≤ ρ₁:T + κ₁:T,
 *   κ₁:T = Σₜ β^(T−t)·κₜ,   κₜ ≥ ‖Qₜ‖₂
 * </pre>
 * (ρ₁:T decayed by β, or by any γ ≥ β, e.g. the official √β). FD's other half, Ḡ ⪯ G, is lost: a quantized sketch
 * may exceed the statistic, by at most κ₁:T.
 *
 * <h2>The quantization term κₜ ({@link #term})</h2>
 * Drop t and split Qₜ = [P·Σ̃²·Pᵀ − Ū·Σ̃²·Ūᵀ] + [Ū·Σ̃²·Ūᵀ − U·Σ̃²·Uᵀ] + [U·(Σ̃² − Σ²)·Uᵀ]:
 * <ul>
 *   <li>the polar step: Ū·Σ̃²·Ūᵀ = P·H·Σ̃²·H·Pᵀ, so the first norm is π = ‖Σ̃² − H·Σ̃²·H‖₂, computed exactly
 *       from the w×w Gram ŪᵀŪ ({@link #polarTerm});</li>
 *   <li>the quantization: with F = D·Σ̃ and ‖U·Σ̃‖₂ = σ̃₁, the second is D·Σ̃²·Uᵀ + U·Σ̃²·Dᵀ + D·Σ̃²·Dᵀ, of norm
 *       ≤ 2·σ̃₁·η + η², η = ‖F‖_F = (Σⱼ σ̃ⱼ²·‖dⱼ‖²)^(1/2), dⱼ the error of direction j;</li>
 *   <li>the fp32 eigenvalues: maxⱼ |σ̃ⱼ² − σⱼ²|.</li>
 * </ul>
 * The first two together are also at most σ̃₁² (P·Σ̃²·Pᵀ and U·Σ̃²·Uᵀ are both PSD of norm σ̃₁²), so
 * <pre>
 *   κₜ = maxⱼ |σ̃ⱼ² − σⱼ²| + min(σ̃₁², π + 2·σ̃₁·η + η²)
 * </pre>
 * The quantizer contract (design.md) bounds every component of dⱼ by its code's interval: an element with code c
 * in a block with absmax N (the stored scale) had x/N in [lo(c), hi(c)], the decision midpoints around the entry
 * M(c) (−1 and +1 at the ends), so
 * <pre>
 *   |u − D(Q(u))| ≤ N·(h(c) + 2⁻²¹) + 2⁻¹⁴⁹,   h(c) = max(M(c) − lo(c), hi(c) − M(c))   ({@link #codeReach})
 * </pre>
 * where 2⁻²¹ covers the fp32 arithmetic of the contract (quant's {@code errorIsAtMostNTimesTheRoundingDistance}
 * derives N·(r + 2⁻²²) + 2⁻¹⁴⁹ for an fp32 input with r = max_c h(c); rounding the float64 u to fp32 first adds
 * ≤ 2⁻²⁴·|u| ≤ 2⁻²⁴·N·(1 + 2⁻²⁴)). h(c) is half the code step where the step is even; for 4-bit linear-2 it runs
 * from 4/225 ≈ 0.018 next to 0 to 28/225 ≈ 0.124 next to ±1, so small components, the many in a spread-out
 * direction, get small bounds. Uᵀ is stored one direction per row, so ‖dⱼ‖² ≤ Σ over row j of these bounds squared. A matrix
 * kept in fp32 (below the quantization threshold) has |u − fl₃₂(u)| ≤ 2⁻²⁴·|u| + 2⁻¹⁵⁰ instead.
 *
 * <p>What the bound cannot do: the per-element bounds are worst cases summed in quadrature, and κ₁:T adds the
 * per-update terms over the horizon 1/(1 − β) as if every error pointed the same way; docs/experiments.md
 * measures the resulting slack.
 *
 * <p>Cost: {@link #directionErrors} O(n·w) for a w×n stored Uᵀ; {@link #polarTerm} O(w³).
 */
public final class QuantizedSketchBound {

    /** u₃₂ = 2⁻²⁴: fp32 unit roundoff. */
    private static final double U32 = 0x1p-24;

    private QuantizedSketchBound() {
    }

    /**
     * h(c) for every code c of the table: the distance from the entry M(c) to the farther end of the interval of
     * normalized values that the contract's midpoint search maps to c ([−1, 1] overall).
     */
    public static double[] codeReach(CodeTable table) {
        float[] m = table.values();
        double[] h = new double[m.length];
        for (int c = 0; c < m.length; c++) {
            double lo = c == 0 ? -1.0 : ((double) m[c - 1] + m[c]) / 2;
            double hi = c == m.length - 1 ? 1.0 : ((double) m[c] + m[c + 1]) / 2;
            h[c] = Math.max(Math.max(m[c] - lo, hi - m[c]), 0.0);
        }
        return h;
    }

    /**
     * The bound on ‖dⱼ‖₂ for every stored direction: the square root of the sum over its components of the
     * per-element bound above.
     *
     * @param stored Q(Uᵀ), w×n, one direction per row (quantized, or kept in fp32)
     * @param exact  Uᵀ as it was quantized, w×n (only its magnitudes are read, for the fp32-kept case)
     * @return w bounds
     */
    public static double[] directionErrors(QuantizedMatrix stored, DMatrixRMaj exact) {
        int w = stored.rows();
        int n = stored.cols();
        if (exact.numRows != w || exact.numCols != n) {
            throw new IllegalArgumentException("exact is " + exact.numRows + "x" + exact.numCols + "; expected " + w
                    + "x" + n + " like the stored directions");
        }
        double[] reach = stored.isQuantized() ? codeReach(stored.config().table()) : null;
        double[] d = new double[w];
        for (int j = 0; j < w; j++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double e = reach != null ? stored.scaleOf(j, i) * (reach[stored.code(j, i)] + 0x1p-21) + 0x1p-149
                        : U32 * Math.abs(exact.data[j * n + i]) + 0x1p-150;
                sum += e * e;
            }
            d[j] = Math.sqrt(sum);
        }
        return d;
    }

    /**
     * π = ‖Σ̃² − H·Σ̃²·H‖₂, what replacing Ū by its polar factor changes, exactly (up to float64 rounding).
     *
     * @param h           H = (ŪᵀŪ)^(1/2), w×w symmetric
     * @param storedSigma σ̃
     */
    public static double polarTerm(DMatrixRMaj h, double[] storedSigma, DenseKernels kernels) {
        int w = storedSigma.length;
        DMatrixRMaj m = new DMatrixRMaj(w, w);
        for (int i = 0; i < w; i++) {
            for (int j = 0; j < w; j++) {
                double sum = 0;
                for (int k = 0; k < w; k++) {
                    sum += h.get(i, k) * storedSigma[k] * storedSigma[k] * h.get(k, j);
                }
                m.set(i, j, (i == j ? storedSigma[i] * storedSigma[i] : 0) - sum);
            }
        }
        for (int i = 0; i < w; i++) {
            for (int j = i + 1; j < w; j++) {
                double avg = 0.5 * (m.get(i, j) + m.get(j, i));
                m.set(i, j, avg);
                m.set(j, i, avg);
            }
        }
        var e = kernels.symmetricEigen(m);
        return Math.max(e.max(), -e.min());
    }

    /**
     * κₜ = maxⱼ |σ̃ⱼ² − σⱼ²| + min(σ̃₁², π + 2·σ̃₁·η + η²), η² = Σⱼ σ̃ⱼ²·dⱼ², in float64 (its rounding, relative
     * ~2⁻⁵², is covered where the caller stores κ rounded up to fp32).
     *
     * @param sigma           σ as FD computed it, descending
     * @param storedSigma     σ̃ as stored
     * @param directionErrors dⱼ from {@link #directionErrors}
     * @param polar           π from {@link #polarTerm}
     */
    public static double term(double[] sigma, double[] storedSigma, double[] directionErrors, double polar) {
        if (sigma.length != storedSigma.length || sigma.length != directionErrors.length) {
            throw new IllegalArgumentException("sigma, storedSigma and directionErrors have lengths " + sigma.length
                    + ", " + storedSigma.length + ", " + directionErrors.length + "; expected one length w");
        }
        double rounding = 0;
        double top = 0;
        double eta2 = 0;
        for (int j = 0; j < sigma.length; j++) {
            rounding = Math.max(rounding, Math.abs(storedSigma[j] * storedSigma[j] - sigma[j] * sigma[j]));
            top = Math.max(top, storedSigma[j]);
            eta2 += storedSigma[j] * storedSigma[j] * directionErrors[j] * directionErrors[j];
        }
        double eta = Math.sqrt(eta2);
        return rounding + Math.min(top * top, polar + 2 * top * eta + eta2);
    }

    /** fl₃₂ rounded up: the smallest float ≥ x (x ≥ 0 finite), so a stored bound never shrinks. */
    static float roundUp(double x) {
        float f = (float) x;
        return f < x ? Math.nextUp(f) : f;
    }
}
