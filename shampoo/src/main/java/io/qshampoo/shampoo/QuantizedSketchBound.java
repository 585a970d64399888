package io.qshampoo.shampoo;

import org.ejml.data.DMatrixRMaj;

import io.qshampoo.quant.QuantizedMatrix;

/**
 * What remains of the Frequent-Directions bound (Feinberg et al. 2023, Lemma 1 and Obs. 6) when the sketch's
 * directions are stored block-quantized ({@link QuantizedSketch}): the error gains one term per update, computed
 * from the block absmax values the quantizer stored.
 *
 * <h2>Setting</h2>
 * Update t takes the sketch the stored state represents, Ĝₜ₋₁, forms Sₜ = β·Ĝₜ₋₁ + GₜGₜᵀ and, through FD, keeps
 * Ḡₜ = Uₜ·Σₜ²·Uₜᵀ with Δₜ = Sₜ − Ḡₜ and 0 ⪯ Δₜ ⪯ ρₜ·I (Lemma 1's step). It stores Ūₜ = D(Q(Uₜ)) and Σ̃ₜ = fl₃₂(Σₜ),
 * which represent Ĝₜ = Ūₜ·Σ̃ₜ²·Ūₜᵀ; call Qₜ = Ĝₜ − Ḡₜ what storing changed.
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
 * Drop t; write Ū = U + D, B = U·Σ̃ (‖B‖₂ = σ̃₁, U orthonormal) and F = D·Σ̃. Then
 * Ĝ − Ḡ = U·(Σ̃² − Σ²)·Uᵀ + B·Fᵀ + F·Bᵀ + F·Fᵀ, and with η = ‖F‖_F ≥ ‖F‖₂:
 * <pre>
 *   ‖Qₜ‖₂ ≤ κₜ = maxⱼ |σ̃ⱼ² − σⱼ²| + 2·σ̃₁·η + η²,   η² = Σⱼ σ̃ⱼ²·‖dⱼ‖²
 * </pre>
 * where dⱼ is the error of direction j. Uᵀ is stored one direction per row (as eigen4 stores Vᵀ), so each block
 * holds components of one direction, and the quantizer contract (design.md; quant's property
 * {@code errorIsAtMostNTimesTheRoundingDistance}) bounds every component of a block with absmax N (its stored
 * scale) by
 * <pre>
 *   |u − D(Q(u))| ≤ N·(r + 2⁻²¹) + 2⁻¹⁴⁹,   r = {@link io.qshampoo.quant.CodeTable#maxRoundingDistance()}
 * </pre>
 * (quant proves N·(r + 2⁻²²) + 2⁻¹⁴⁹ for an fp32 input; rounding the float64 u to fp32 first adds ≤ 2⁻²⁴·|u| ≤
 * 2⁻²⁴·N·(1 + 2⁻²⁴), inside the extra 2⁻²²). r is half the table's widest gap: 28/225 ≈ 0.124 for 4-bit linear-2,
 * whose codes are coarsest next to ±1. So ‖dⱼ‖² ≤ Σ_blocks |b|·(N_b·(r + 2⁻²¹) + 2⁻¹⁴⁹)². A matrix kept in fp32
 * (fewer elements than the quantization threshold) has |u − fl₃₂(u)| ≤ 2⁻²⁴·|u| + 2⁻¹⁵⁰ instead.
 *
 * <p>A priori, N_b ≤ ‖u_b‖ gives Σ_b |b|·N_b² ≤ B·‖uⱼ‖² = B for blocks of B elements, so ‖dⱼ‖ ≤ r·√B whatever n
 * is (≈ 1 at B = 64, 4 bits): the worst case certifies nothing by itself, and κₜ is computed from the stored
 * absmax values instead. docs/experiments.md measures how far below κ₁:T the actual quantization error stays.
 *
 * <p>Cost of {@link #term}: O(n·w) for a w×n stored Uᵀ.
 */
public final class QuantizedSketchBound {

    /** u₃₂ = 2⁻²⁴: fp32 unit roundoff. */
    private static final double U32 = 0x1p-24;

    private QuantizedSketchBound() {
    }

    /**
     * The bound on ‖dⱼ‖₂ for every stored direction: the square root of the sum over its components of the
     * per-element bound above.
     *
     * @param stored Q(Uᵀ), w×n, one direction per row (quantized, or kept in fp32)
     * @param exact  Uᵀ as quantized, w×n (only its magnitudes are read, for the fp32-kept case)
     * @param r      the code table's {@link io.qshampoo.quant.CodeTable#maxRoundingDistance()}
     * @return w bounds
     */
    public static double[] directionErrors(QuantizedMatrix stored, DMatrixRMaj exact, double r) {
        int w = stored.rows();
        int n = stored.cols();
        if (exact.numRows != w || exact.numCols != n) {
            throw new IllegalArgumentException("exact is " + exact.numRows + "x" + exact.numCols + "; expected " + w
                    + "x" + n + " like the stored directions");
        }
        double[] d = new double[w];
        for (int j = 0; j < w; j++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double e = stored.isQuantized() ? stored.scaleOf(j, i) * (r + 0x1p-21) + 0x1p-149
                        : U32 * Math.abs(exact.data[j * n + i]) + 0x1p-150;
                sum += e * e;
            }
            d[j] = Math.sqrt(sum);
        }
        return d;
    }

    /**
     * κₜ = maxⱼ |σ̃ⱼ² − σⱼ²| + 2·σ̃₁·η + η², η² = Σⱼ σ̃ⱼ²·dⱼ², in float64 (its rounding, relative ~2⁻⁵², is
     * covered where the caller stores κ rounded up to fp32).
     *
     * @param sigma           σ as FD computed it, descending
     * @param storedSigma     σ̃ as stored
     * @param directionErrors dⱼ from {@link #directionErrors}
     */
    public static double term(double[] sigma, double[] storedSigma, double[] directionErrors) {
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
        return rounding + 2 * top * eta + eta2;
    }

    /** fl₃₂ rounded up: the smallest float ≥ x (x ≥ 0 finite), so a stored bound never shrinks. */
    static float roundUp(double x) {
        float f = (float) x;
        return f < x ? Math.nextUp(f) : f;
    }
}
