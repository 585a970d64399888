package io.qshampoo.oracle;

import java.util.Map;

import io.qshampoo.quant.CodeTable;
import io.qshampoo.shampoo.ShampooConfig;
import io.qshampoo.shampoo.Variant;

/**
 * The tolerance of a free-running replay: how far the other side's state at step k may lie from the reference's
 * (NRE) when both run the same algorithm and differ only by rounding, and how many of its codes may differ.
 *
 * <h2>Derivation</h2>
 * Let u be the other side's unit roundoff and u_eff = u + 2^−24 (the reference rounds every stored state to
 * fp32 as well). One statistic update (G·Gᵀ with inner dimension ≤ d, a Cholesky or eigen solve of order ≤ d,
 * d = the larger side of the parameter block) perturbs the state by a relative c·d·u_eff (Higham, <i>Accuracy and
 * Stability of Numerical Algorithms</i>, Thms. 3.5, 10.3; the symmetric eigenproblem likewise). The EMA with factor
 * β damps older perturbations geometrically, so after n = ⌊k/T1⌋ updates they add up to at most H·c·d·u_eff with
 * H = (1 − βⁿ)/(1 − β) ≤ min(n, 1/(1 − β)) (at least 1). Hence, with κ the condition number of the factor's
 * statistic plus ridge ({@link Conditioning}):
 * <pre>
 *   δ      = c·d·u_eff·H                                   the statistic L (fp32, vq)
 *   κ·δ                                                   C (Cholesky forward error ≤ κ·backward error, Sun
 *                                                         1991), V, S, U, σ, ρ (eigen/SVD forward error, κ as a
 *                                                         conservative stand-in for the gap)
 *   (‖C‖/‖E‖)·(κ·δ + C's flip term)                       E: it accumulates C's rounding and flips, which are
 *                                                         small against C but not against E
 *   (κ/p + 1)·c·d·u_eff·(H + 1)                           the root: the statistic's error through the Fréchet
 *                                                         derivative of x^(−1/p) (≤ κ/p), plus the root's own
 *                                                         computation ({@link RootTolerance})
 *   (tol_root,left + tol_root,right + c·d·u_eff)·‖W_k − W₀‖/‖W_k‖    the parameter: the direction's relative
 *                                                         error, scaled to the part of W_k the steps made
 * </pre>
 * <b>Quantized states.</b> Two sides whose quantizer inputs differ by a relative δ_s near a midpoint pick
 * neighbouring codes. If the normalized inputs spread evenly over [−1, 1], the expected number of such flips in
 * a state of m codes is λ = m·(2^b − 1)·δ_s (the 2^b − 1 midpoints, each hit within ±δ_s); the allowance is the
 * Poisson 3σ bound ⌊λ + 3√λ⌋ (0 for the small λ of small matrices). Each flip moves one element by at most one
 * table gap times the block's absmax, so the state's NRE may grow by √allowed·2·maxHalfGap·max|X|/‖X‖_F; a root
 * also inherits the statistic's flips amplified by κ/p. A code that differs by more than one step is never
 * explained by rounding.
 *
 * <p>c = {@value RootTolerance#DEFAULT_SAFETY} unless the manifest overrides it; the manifest may also fix one NRE
 * tolerance or a code mismatch fraction for all states. The bound is a worst case: real implementations usually
 * agree far more closely, and the report gives the measured values beside it. {@link TraceBand} (the spread of
 * replays in the stated precision) and {@link QuantizedStateBand} (one code step per element) narrow it.
 */
final class TraceTolerance {

    /**
     * One tolerance and where it came from.
     *
     * @param nre          the NRE tolerance (the manifest's fixed value when it gives one)
     * @param base         the relative discrepancy of the state before any flips (what its quantizer input may
     *                     differ by)
     * @param allowedFlips codes allowed to differ by one step (0 for a state kept in fp32)
     * @param ingredients  every number that went in, for the report
     */
    record Value(double nre, double base, int allowedFlips, Map<String, Object> ingredients) {
    }

    private final ShampooConfig config;
    private final double u;
    private final double safety;
    private final Double fixedNre;
    private final Double codeFraction;

    TraceTolerance(ShampooConfig config, Precision precision, TraceManifest.Tolerance overrides) {
        this.config = config;
        this.u = precision.unitRoundoff() + 0x1p-24;
        this.safety = overrides != null && overrides.safety() != null ? overrides.safety() : RootTolerance.DEFAULT_SAFETY;
        this.fixedNre = overrides == null ? null : overrides.nre();
        this.codeFraction = overrides == null ? null : overrides.codeMismatchFraction();
    }

    /** H = (1 − βⁿ)/(1 − β), n = ⌊k/T1⌋ statistic updates, at least 1. */
    double horizon(long step) {
        double beta = config.beta(); // the sketch's β₂ for sketchy
        long n = step / config.t1();
        double h = beta == 1 ? n : (1 - Math.pow(beta, n)) / (1 - beta);
        return Math.max(1, h);
    }

    /** δ = c·d·u_eff·H. */
    double delta(long step, int d) {
        return safety * d * u * horizon(step);
    }

    /**
     * The tolerance of state {@code state} (L, C, E, V, S, U, sigma, rho, root) of a factor.
     *
     * @param d         larger side of the parameter block
     * @param kappa     κ of the factor's statistic
     * @param quantized whether the state is stored quantized (then codes may flip)
     * @param codes     number of codes of the state (for the flip allowance)
     * @param spread    max|X|/‖X‖_F of the reference state (for the flip term)
     * @param ratio     for E: ‖C‖_F/‖E‖_F (E is fed by C's rounding and flips, so its relative error is C's scaled
     *                  by this ratio); 1 otherwise
     * @param upstream  the flip term of the state feeding this one (the statistic for a root, C for E), or 0
     */
    Value state(String state, long step, int d, double kappa, boolean quantized, long codes, double spread,
                double ratio, double upstream) {
        double h = horizon(step);
        double delta = delta(step, d);
        int p = ShampooConfig.ROOT_ORDER;
        double base = switch (state) {
            case "L" -> delta;
            case "root" -> (kappa / p + 1) * safety * d * u * (h + 1);
            case "E", "A" -> ratio * kappa * delta;
            default -> kappa * delta;
        };
        int allowed = quantized ? allowedFlips(codes, base) : 0;
        double flips = quantized ? flipTerm(allowed, spread) : 0;
        double inherited = switch (state) {
            case "root" -> kappa / p * upstream;
            case "E", "A" -> ratio * upstream;
            default -> 0;
        };
        double total = base + flips + inherited;
        Map<String, Object> why = JsonReport.object("formula", formula(state), "c", safety, "d", d, "uEff", u,
                "H", h, "kappa", kappa, "p", p, "ratio", ratio, "allowedFlips", allowed, "flipTerm", flips,
                "inheritedFlips", inherited, "derived", total);
        return new Value(fixedNre != null ? fixedNre : total, base, allowed, why);
    }

    /** ⌊λ + 3√λ⌋ with λ = m·(2^b − 1)·δ_s, or the manifest's fraction of m. */
    int allowedFlips(long codes, double deltaState) {
        if (codeFraction != null) {
            return (int) Math.floor(codeFraction * codes);
        }
        double lambda = codes * ((1 << config.bits()) - 1) * deltaState;
        return (int) Math.min(Integer.MAX_VALUE, Math.floor(lambda + 3 * Math.sqrt(lambda)));
    }

    /** √allowed·2·maxHalfGap·max|X|/‖X‖_F. */
    double flipTerm(int allowed, double spread) {
        if (allowed == 0) {
            return 0;
        }
        CodeTable t = config.quantization().table(); // the custom table, where the manifest names one
        return Math.sqrt(allowed) * 2 * t.maxHalfGap() * spread;
    }

    /** The parameter's tolerance from the roots' tolerances and how much the steps moved it. */
    Value parameter(long step, int d, double rootTolerances, double movedFraction) {
        double total = (rootTolerances + safety * d * u) * movedFraction;
        Map<String, Object> why = JsonReport.object("formula", "(tol_root,left + tol_root,right + c·d·u_eff)·‖W_k − W0‖/‖W_k‖",
                "c", safety, "d", d, "uEff", u, "rootTolerances", rootTolerances, "movedFraction", movedFraction,
                "derived", total);
        return new Value(fixedNre != null ? fixedNre : total, total, 0, why);
    }

    private static String formula(String state) {
        return switch (state) {
            case "L" -> "c·d·u_eff·H";
            case "root" -> "(κ/p + 1)·c·d·u_eff·(H + 1) + flips + (κ/p)·statistic flips";
            case "E" -> "(‖C‖/‖E‖)·(κ·c·d·u_eff·H + C flips) + flips";
            case "A" -> "(‖V‖/‖A‖)·(κ·c·d·u_eff·H + V flips) + flips";
            default -> "κ·c·d·u_eff·H + flips";
        };
    }
}
