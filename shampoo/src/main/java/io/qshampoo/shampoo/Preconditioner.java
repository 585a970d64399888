package io.qshampoo.shampoo;

/**
 * What each Kronecker factor keeps and how it is updated — one record per method, so that a setting exists only
 * where it means something (Meta's distributed_shampoo has one config dataclass per preconditioner in the same
 * spirit). The storage of the kept matrices is a separate {@link StorageConfig}.
 */
public sealed interface Preconditioner permits Preconditioner.Ema, Preconditioner.Cholesky, Preconditioner.Eigen,
        Preconditioner.Sketch {

    /** EMA factor of the statistic: the decay of L ← β·L + (1 − β)·G·Gᵀ, or of the sketch's β₂ (Sketch). */
    double beta();

    /**
     * ε: ridge ε·λmax of the roots (Li Eqs. 6, 12), Cholesky shift ε·I (Eq. 7) and initial state ε·I (Alg. 1); for
     * a sketch, ε relative to its top eigenvalue.
     */
    double epsilon();

    /**
     * Shampoo's EMA statistic, stored whole: 32-bit Shampoo (Li et al. Eq. 2) in fp32, vanilla quantization (Eqs. 5–6)
     * quantized. {@link EmaShampooFactor}.
     *
     * @param beta       EMA factor β, in (0, 1). Default 0.95 (Li et al. Table 8; Wang et al. code)
     * @param epsilon    ε &gt; 0. Default 1e-6 (Wang et al. code)
     * @param rootMethod how the inverse roots are computed. Default {@link RootMethod#EIGEN}
     */
    record Ema(double beta, double epsilon, RootMethod rootMethod) implements Preconditioner {
        public Ema {
            Checks.unit("Ema", "beta", beta);
            Checks.positive("Ema", "epsilon", epsilon);
            Checks.present("Ema", "rootMethod", rootMethod);
        }
    }

    /**
     * Cholesky quantization (Li et al. Eqs. 7, 8, 12), with error feedback (Eqs. 10–11) or without (the same
     * equations with E = 0). {@link CholeskyQuantizedFactor}.
     *
     * @param beta          EMA factor β, in (0, 1). Default 0.95
     * @param epsilon       ε &gt; 0: shift ε·I of the Cholesky factorization, ridge of the root, C̄₀ = √ε·I
     * @param rootMethod    how the inverse roots are computed
     * @param errorFeedback the error state's settings (Eqs. 10–11), or null for plain CQ (Eq. 8: no error state,
     *                      so no βₑ either)
     */
    record Cholesky(double beta, double epsilon, RootMethod rootMethod, ErrorFeedback errorFeedback)
            implements Preconditioner {
        public Cholesky {
            Checks.unit("Cholesky", "beta", beta);
            Checks.positive("Cholesky", "epsilon", epsilon);
            Checks.present("Cholesky", "rootMethod", rootMethod);
        }

        /** Whether the quantization error of C is carried forward (CQ+EF). */
        public boolean hasErrorFeedback() {
            return errorFeedback != null;
        }
    }

    /**
     * Error feedback (Li et al. Eqs. 10–11): the quantization error of the stored factor is kept, itself quantized, and
     * added back before the next quantization, E_k = βₑ·E_{k−1} + (1 − βₑ)·(C_k + E_{k−1} − D(Q(C_k + E_{k−1}))) for a
     * Cholesky factor ({@link Cholesky}); for eigenvectors ({@link Eigen}) the same recurrence on the error's tangent
     * part, in the basis' own coordinates ({@link EigenvectorErrorFeedback}).
     *
     * @param betaE EMA factor βₑ of the error state, in [0, 1). Default 0.95 (Li et al. Table 8); 0 carries the whole
     *              residual, E_k = C_k + E_{k−1} − D(Q(C_k + E_{k−1})) (classical error feedback); 1 would freeze E at 0
     */
    record ErrorFeedback(double betaE) {
        public ErrorFeedback {
            Checks.fraction("ErrorFeedback", "betaE", betaE);
        }
    }

    /**
     * Eigenvector quantization with Björck rectification (Wang et al. 2024), with error feedback on the eigenvectors
     * (Li et al. Eqs. 10–11 carried to an orthonormal basis: {@link EigenvectorErrorFeedback}) or without.
     * {@link EigenQuantizedFactor}.
     *
     * @param beta              EMA factor β, in (0, 1)
     * @param epsilon           ε &gt; 0: ridge ε·max S of the root, S₀ = ε
     * @param bjorckUpdateSteps Björck steps t1 before rebuilding L from the eigenvectors (official: 1)
     * @param bjorckRootSteps   Björck steps t2 before the root (official: 4)
     * @param errorFeedback     the eigenvectors' error state settings (eigen4+ef), or null for Wang et al.'s method
     *                          alone (eigen4: no error state, so no βₑ either)
     */
    record Eigen(double beta, double epsilon, int bjorckUpdateSteps, int bjorckRootSteps, ErrorFeedback errorFeedback)
            implements Preconditioner {
        public Eigen {
            Checks.unit("Eigen", "beta", beta);
            Checks.positive("Eigen", "epsilon", epsilon);
            if (bjorckUpdateSteps < 0 || bjorckRootSteps < 0) {
                throw new IllegalArgumentException("Eigen: Björck steps must be >= 0, got " + bjorckUpdateSteps + " and "
                        + bjorckRootSteps);
            }
        }

        /** Whether the eigenvectors' quantization error is carried forward (eigen4+ef). */
        public boolean hasErrorFeedback() {
            return errorFeedback != null;
        }
    }

    /**
     * Frequent-Directions sketch of the statistic (Feinberg et al. 2023, S-Shampoo with Obs. 6), kept in fp32
     * (storage bits 32, variant sketchy) or with its directions block-quantized (bits 3, 4 or 8, variant sketchy4).
     * {@link SketchyFactor}; for rank ≤ 1 tensors S-AdaGrad ({@link SketchyAdaGrad}, whose sketch stays fp32
     * under sketchy4 too: only the Kronecker factors' sketches are quantized).
     *
     * @param rank    the sketch size ℓ; what it counts is {@link Conventions#sketchRank()}. Default 256 (paper §5.1)
     * @param beta    the sketch's EMA factor β₂, in (0, 1]. Default 0.999
     * @param epsilon ε relative to the top eigenvalue of the compensated sketch, &gt; 0. Default 1e-7
     */
    record Sketch(int rank, double beta, double epsilon) implements Preconditioner {
        public Sketch {
            if (rank < 1) {
                throw new IllegalArgumentException("Sketch: rank is " + rank + "; expected >= 1");
            }
            if (!(beta > 0 && beta <= 1)) {
                throw new IllegalArgumentException("Sketch: beta is " + beta + "; expected a value in (0, 1]");
            }
            Checks.positive("Sketch", "epsilon", epsilon);
        }
    }

    /** Argument checks shared by the records. */
    final class Checks {
        private Checks() {
        }

        static void unit(String who, String name, double x) {
            if (!(x > 0 && x < 1)) {
                throw new IllegalArgumentException(who + ": " + name + " is " + x + "; expected a value in (0, 1)");
            }
        }

        static void fraction(String who, String name, double x) {
            if (!(x >= 0 && x < 1)) {
                throw new IllegalArgumentException(who + ": " + name + " is " + x + "; expected a value in [0, 1)");
            }
        }

        static void positive(String who, String name, double x) {
            if (!(x > 0) || !Double.isFinite(x)) {
                throw new IllegalArgumentException(who + ": " + name + " is " + x + "; expected a finite value > 0");
            }
        }

        static void present(String who, String name, Object x) {
            if (x == null) {
                throw new IllegalArgumentException(who + ": " + name + " is null");
            }
        }
    }
}
