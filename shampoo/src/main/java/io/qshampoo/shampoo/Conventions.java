package io.qshampoo.shampoo;

import java.util.Locale;

import io.qshampoo.linalg.QrSignRule;

/**
 * The choices the papers leave open and implementations settle differently, as named switches. Two sets are
 * provided: {@link #qshampoo()} (this project's defaults, chosen for their mathematics) and the official code of
 * each method ({@link #officialLowBitShampoo()}, {@link #officialSketchy()}), so that the oracle can replay an
 * official trajectory step for step. {@code docs/conventions.md} tabulates every switch: paper, official code
 * (file:line), qshampoo default, and why they differ.
 *
 * @param qrSigns                 the sign of each column of Q in the subspace-iteration step of eigenvector
 *                                quantization (Wang et al.); matters at 4 bits because linear-2 is not symmetric
 *                                (Q(−v) ≠ −Q(v)); see {@link QrSignRule}
 * @param symmetrizeStatistic     whether VQ averages D(L̄) with its transpose before the EMA and the root
 *                                (mirror entries of L fall in different blocks, so D(Q(L)) is not symmetric)
 * @param unconvergedRoots        whether a root that missed its tolerance is rejected (the previous root stays)
 *                                or used as it is
 * @param sketchRank              what the Sketchy rank setting counts
 * @param tailDecay               how the escaped mass ρ of a Sketchy sketch decays per update
 * @param zeroTail                what the complement term of the Sketchy root does when ρ = 0
 * @param updatePhase             at which steps the statistics are updated, given T1
 * @param sketchyVectors          how the Sketchy variant treats rank ≤ 1 tensors (S-AdaGrad, or the grafted
 *                                direction alone)
 */
public record Conventions(
        QrSignRule qrSigns,
        boolean symmetrizeStatistic,
        UnconvergedRoots unconvergedRoots,
        SketchRank sketchRank,
        TailDecay tailDecay,
        ZeroTail zeroTail,
        UpdatePhase updatePhase,
        SketchyVectors sketchyVectors) {

    /** What happens to an inverse root whose iteration did not meet its tolerance. */
    public enum UnconvergedRoots {
        /** Rejected like a failed root: the previous root stays in use and the failure is counted. */
        REJECT,
        /** Used as it is (a finite result is always accepted). */
        ACCEPT
    }

    /** What the Sketchy rank setting ℓ counts. */
    public enum SketchRank {
        /**
         * ℓ is the size of the FD buffer (Liberty's sketch of ℓ rows, Feinberg et al. Alg. 1): after the shrink by
         * the ℓ-th squared singular value, ℓ − 1 directions remain.
         */
        BUFFER,
        /** ℓ directions are kept, with a buffer of ℓ + 1 (tearfree's {@code rank}). */
        KEPT_DIRECTIONS;

        /** The FD buffer size for a rank setting. */
        public int bufferSize(int rank) {
            return this == BUFFER ? rank : rank + 1;
        }
    }

    /** How the escaped mass ρ decays between Sketchy updates, given the covariance decay β. */
    public enum TailDecay {
        /** ρ decays like the covariance it stands for: ρ ← β·ρ + ρₜ (Feinberg et al. Obs. 6). */
        BETA,
        /** ρ ← √β·ρ + ρₜ, as tearfree's sketchy.py does. */
        SQRT_BETA;

        /** The factor γ of ρ ← γ·ρ + ρₜ for the covariance decay β. */
        public double factor(double beta) {
            return this == BETA ? beta : Math.sqrt(beta);
        }
    }

    /** The complement term (ρ + ε)^(−1/4)·(G − U·UᵀG) of the Sketchy root when ρ = 0. */
    public enum ZeroTail {
        /** Always scaled by (ρ + ε)^(−1/4), as the formula reads. */
        SCALE,
        /**
         * Dropped (multiplied by 0) when ρ = 0, as tearfree does; a sketch that holds nothing then gives a zero
         * direction instead of the identity.
         */
        DROP
    }

    /** The steps k at which statistics are updated with interval T1. */
    public enum UpdatePhase {
        /** k mod T1 = 0: steps T1, 2·T1, … (Wang et al.'s code, Li et al. Alg. 1). */
        MULTIPLES,
        /** (k − 1) mod T1 = 0: steps 1, 1 + T1, … (tearfree counts steps from 0). */
        FIRST_STEP;

        /** Whether step k (1-based) updates the statistics. */
        public boolean updates(long k, int t1) {
            return this == MULTIPLES ? k % t1 == 0 : (k - 1) % t1 == 0;
        }
    }

    /** What the Sketchy variant does with a rank ≤ 1 tensor (a bias, a norm's scale). */
    public enum SketchyVectors {
        /** Preconditioned by S-AdaGrad (Feinberg et al. Alg. 2) on its own sketch. */
        S_ADAGRAD,
        /**
         * Not preconditioned: the grafting method's direction is used, as tearfree's grafting wrapper does with
         * {@code skip_preconditioning_rank1} (its default).
         */
        GRAFTED
    }

    /** Validates that no switch is null. */
    public Conventions {
        if (qrSigns == null || unconvergedRoots == null || sketchRank == null || tailDecay == null || zeroTail == null
                || updatePhase == null || sketchyVectors == null) {
            throw new IllegalArgumentException("Conventions: every switch must be set; got " + this);
        }
    }

    /** qshampoo's defaults: the mathematically canonical choice wherever the papers leave one open. */
    public static Conventions qshampoo() {
        return new Conventions(QrSignRule.POSITIVE_DIAGONAL, true, UnconvergedRoots.REJECT, SketchRank.BUFFER,
                TailDecay.BETA, ZeroTail.SCALE, UpdatePhase.MULTIPLES, SketchyVectors.S_ADAGRAD);
    }

    /**
     * Wang et al.'s official low-bit Shampoo code (github Sike-Wang/low-bit-Shampoo, {@code optimizers/shampoo1.py}
     * and {@code shampoo2.py}): Householder QR signs, no symmetrization of the dequantized statistic,
     * unconverged Newton roots used as they are, statistics at k mod T1 = 0. The Sketchy switches keep qshampoo's
     * values (that code has no Sketchy).
     */
    public static Conventions officialLowBitShampoo() {
        return qshampoo().withQrSigns(QrSignRule.HOUSEHOLDER).withSymmetrizeStatistic(false)
                .withUnconvergedRoots(UnconvergedRoots.ACCEPT);
    }

    /**
     * google-research/precondition's {@code tearfree/sketchy.py}: the rank counts kept directions, the tail decays
     * by √β, a zero tail drops the complement term, statistics from the first step; rank ≤ 1 tensors take the
     * grafted direction ({@code tearfree/grafting.py}).
     */
    public static Conventions officialSketchy() {
        return qshampoo().withSketchRank(SketchRank.KEPT_DIRECTIONS).withTailDecay(TailDecay.SQRT_BETA)
                .withZeroTail(ZeroTail.DROP).withUpdatePhase(UpdatePhase.FIRST_STEP)
                .withSketchyVectors(SketchyVectors.GRAFTED);
    }

    /**
     * The named set: {@code qshampoo}, or {@code official} for the official code of the given variant
     * (sketchy and sketchy4 → tearfree's Sketchy switches, every other variant → low-bit Shampoo).
     *
     * @throws IllegalArgumentException for any other name
     */
    public static Conventions named(String name, Variant variant) {
        switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
            case "qshampoo":
                return qshampoo();
            case "official":
                return variant.sketched() ? officialSketchy() : officialLowBitShampoo();
            default:
                throw new IllegalArgumentException("conventions \"" + name + "\" is unknown; expected qshampoo or official");
        }
    }

    public Conventions withQrSigns(QrSignRule v) {
        return new Conventions(v, symmetrizeStatistic, unconvergedRoots, sketchRank, tailDecay,
                zeroTail, updatePhase, sketchyVectors);
    }

    public Conventions withSymmetrizeStatistic(boolean v) {
        return new Conventions(qrSigns, v, unconvergedRoots, sketchRank, tailDecay,
                zeroTail, updatePhase, sketchyVectors);
    }

    public Conventions withUnconvergedRoots(UnconvergedRoots v) {
        return new Conventions(qrSigns, symmetrizeStatistic, v, sketchRank, tailDecay,
                zeroTail, updatePhase, sketchyVectors);
    }

    public Conventions withSketchRank(SketchRank v) {
        return new Conventions(qrSigns, symmetrizeStatistic, unconvergedRoots, v, tailDecay,
                zeroTail, updatePhase, sketchyVectors);
    }

    public Conventions withTailDecay(TailDecay v) {
        return new Conventions(qrSigns, symmetrizeStatistic, unconvergedRoots, sketchRank, v,
                zeroTail, updatePhase, sketchyVectors);
    }

    public Conventions withZeroTail(ZeroTail v) {
        return new Conventions(qrSigns, symmetrizeStatistic, unconvergedRoots, sketchRank, tailDecay,
                v, updatePhase, sketchyVectors);
    }

    public Conventions withUpdatePhase(UpdatePhase v) {
        return new Conventions(qrSigns, symmetrizeStatistic, unconvergedRoots, sketchRank, tailDecay,
                zeroTail, v, sketchyVectors);
    }

    public Conventions withSketchyVectors(SketchyVectors v) {
        return new Conventions(qrSigns, symmetrizeStatistic, unconvergedRoots, sketchRank, tailDecay, zeroTail,
                updatePhase, v);
    }
}
