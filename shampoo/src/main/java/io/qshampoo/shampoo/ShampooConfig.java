package io.qshampoo.shampoo;

import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.CodeTable;
import io.qshampoo.quant.Mapping;
import io.qshampoo.quant.QuantizationConfig;

/**
 * Immutable settings of a Shampoo-family optimizer: the preconditioner method with its own settings
 * ({@link Preconditioner}: a sealed record per method, so a setting exists only where it means something), the
 * storage of its matrices ({@link StorageConfig}), and Alg. 1's schedule and grafting. Every default is a paper's or
 * the official code's, given where the field is documented. Build with {@link #builder()}, which also speaks the
 * named {@link Variant}s.
 *
 * @param preconditioner             the method and its settings
 * @param storage                    bits and quantization of the stored matrices (a sketch: fp32, or its directions
 *                                   quantized)
 * @param t1                         statistics are updated every T1 steps ({@link Conventions#updatePhase()} says
 *                                   which). Default 100 (Wang et al. code)
 * @param t2                         roots are refreshed at steps k with k mod T2 = 0; a sketch evaluates its root
 *                                   at every application and has no T2. Default 500 (Wang et al. code)
 * @param maxBlockOrder              a dimension larger than this is split into blocks of this order plus a
 *                                   remainder. Default 1200 (Wang et al. code; Li et al. App. C.3)
 * @param grafting                   grafting type. Default {@link Grafting#SGD} (official code: ‖G‖_F)
 * @param startStep                  first step at which the preconditioned direction is used; before it the grafted
 *                                   direction itself is applied. Default 1 (Alg. 1 preconditions from step 1, L̂₀ = I)
 * @param maxConsecutiveRootFailures a factor whose root fails this many times in a row throws. Default 3
 * @param conventions                the choices the papers leave open. Default {@link Conventions#qshampoo()}; the
 *                                   official code's are {@link Conventions#officialLowBitShampoo()} and
 *                                   {@link Conventions#officialSketchy()}
 * @param nonFinitePolicy            what to do with NaN/Inf gradients. Default {@link NonFinitePolicy#THROW}
 */
public record ShampooConfig(
        Preconditioner preconditioner,
        StorageConfig storage,
        int t1,
        int t2,
        int maxBlockOrder,
        Grafting grafting,
        long startStep,
        int maxConsecutiveRootFailures,
        Conventions conventions,
        NonFinitePolicy nonFinitePolicy) {

    /** The exponent of each Kronecker factor's inverse root for a matrix block: L^(−1/4), R^(−1/4). */
    public static final int ROOT_ORDER = 4;

    public ShampooConfig {
        require(preconditioner != null && storage != null && grafting != null && conventions != null
                && nonFinitePolicy != null, "preconditioner, storage, grafting, conventions and nonFinitePolicy must be non-null");
        require(t1 >= 1, "t1 is " + t1 + "; expected >= 1");
        require(t2 >= 1, "t2 is " + t2 + "; expected >= 1");
        require(maxBlockOrder >= 1, "maxBlockOrder is " + maxBlockOrder + "; expected >= 1");
        require(startStep >= 1, "startStep is " + startStep + "; expected >= 1");
        require(maxConsecutiveRootFailures >= 1, "maxConsecutiveRootFailures is " + maxConsecutiveRootFailures
                + "; expected >= 1");
        require(!(preconditioner instanceof Preconditioner.Sketch) || storage.bits() != 64,
                "a sketch is stored in fp32 (bits 32) or with quantized directions (3, 4 or 8); storage bits is 64");
    }

    /** The named variant this configuration is: the method, and for the EMA whether it is quantized. */
    public Variant variant() {
        if (preconditioner instanceof Preconditioner.Ema) {
            return storage.quantized() ? Variant.VQ : Variant.FP32;
        }
        if (preconditioner instanceof Preconditioner.Cholesky c) {
            return c.hasErrorFeedback() ? Variant.CQ_EF : Variant.CQ;
        }
        if (preconditioner instanceof Preconditioner.Eigen e) {
            return e.hasErrorFeedback() ? Variant.EIGEN4_EF : Variant.EIGEN4;
        }
        return storage.quantized() ? Variant.SKETCHY4 : Variant.SKETCHY;
    }

    /** The statistic's EMA factor ({@link Preconditioner#beta()}). */
    public double beta() {
        return preconditioner.beta();
    }

    /** The preconditioner's ε ({@link Preconditioner#epsilon()}). */
    public double epsilon() {
        return preconditioner.epsilon();
    }

    /** Storage bits: 3, 4, 8, 32 or 64. */
    public int bits() {
        return storage.bits();
    }

    /** Whether the states are quantized (3, 4 or 8 bits) rather than stored in fp32 or float64. */
    public boolean quantized() {
        return storage.quantized();
    }

    /** The quantization of the stored states, or null at 32 and 64 bits. */
    public QuantizationConfig quantization() {
        return storage.quantization();
    }

    /** Defaults throughout (CQ+EF, 4 bits). */
    public static ShampooConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings (every field counts as given). */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.variant = variant();
        b.beta = beta();
        b.epsilon = epsilon();
        if (preconditioner instanceof Preconditioner.Ema e) {
            b.rootMethod = e.rootMethod();
        } else if (preconditioner instanceof Preconditioner.Cholesky c) {
            b.rootMethod = c.rootMethod();
            b.betaE = c.hasErrorFeedback() ? c.errorFeedback().betaE() : null;
        } else if (preconditioner instanceof Preconditioner.Eigen e) {
            b.bjorckUpdateSteps = e.bjorckUpdateSteps();
            b.bjorckRootSteps = e.bjorckRootSteps();
            b.betaE = e.hasErrorFeedback() ? e.errorFeedback().betaE() : null;
        } else if (preconditioner instanceof Preconditioner.Sketch s) {
            b.sketchRank = s.rank();
        }
        b.bits = storage.bits();
        b.mapping = storage.mapping();
        b.layout = storage.layout();
        b.minQuantizedElements = storage.minQuantizedElements();
        b.codeTable = storage.codeTable();
        b.t1 = t1;
        b.t2 = t2;
        b.maxBlockOrder = maxBlockOrder;
        b.grafting = grafting;
        b.startStep = startStep;
        b.maxConsecutiveRootFailures = maxConsecutiveRootFailures;
        b.conventions = conventions;
        b.nonFinitePolicy = nonFinitePolicy;
        return b;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * Mutable builder in terms of the named variants; {@link #build()} makes the typed configuration and refuses a
     * setting that does not apply to the variant (e.g. βₑ for VQ, Björck steps for CQ, bits 4 for fp32 or sketchy,
     * bits 32 for sketchy4)
     * rather than ignoring it. Unset fields take the defaults documented on {@link Preconditioner}'s records,
     * {@link StorageConfig} and {@link ShampooConfig}; bits default to 4, or 32 for fp32 and sketchy.
     */
    public static final class Builder {
        private Variant variant = Variant.CQ_EF;
        private Double beta;
        private Double epsilon;
        private Double betaE;
        private RootMethod rootMethod;
        private Integer bjorckUpdateSteps;
        private Integer bjorckRootSteps;
        private Integer sketchRank;
        private Integer bits;
        private Mapping mapping = Mapping.LINEAR_2;
        private BlockLayout layout = BlockLayout.rowSegments(64);
        private int minQuantizedElements = QuantizationConfig.DEFAULT_MIN_ELEMENTS;
        private CodeTable codeTable;
        private int t1 = 100;
        private int t2 = 500;
        private int maxBlockOrder = 1200;
        private Grafting grafting = Grafting.SGD;
        private long startStep = 1;
        private int maxConsecutiveRootFailures = 3;
        private Conventions conventions = Conventions.qshampoo();
        private NonFinitePolicy nonFinitePolicy = NonFinitePolicy.THROW;

        private Builder() {
        }

        public Builder variant(Variant v) { variant = v; return this; }
        /** β of the statistic's EMA (every variant; for sketchy and sketchy4 the sketch's β₂, default 0.999). */
        public Builder beta(double v) { beta = v; return this; }
        /** ε (every variant; for sketchy and sketchy4 relative to the top eigenvalue, default 1e-7). */
        public Builder epsilon(double v) { epsilon = v; return this; }
        /** βₑ of the error state: cq+ef and eigen4+ef only. */
        public Builder betaE(double v) { betaE = v; return this; }
        /** Sets T1 and T2. */
        public Builder intervals(int updateEvery, int rootEvery) { t1 = updateEvery; t2 = rootEvery; return this; }
        public Builder maxBlockOrder(int v) { maxBlockOrder = v; return this; }
        /**
         * Storage bits: 3, 4, 8 (quantized variants, sketchy4's directions), 32 or 64 (fp32, sketchy; 64 also for
         * cq, cq+ef, eigen4, eigen4+ef: exact).
         */
        public Builder bits(int v) { bits = v; return this; }
        public Builder mapping(Mapping v) { mapping = v; return this; }
        public Builder layout(BlockLayout v) { layout = v; return this; }
        public Builder minQuantizedElements(int v) { minQuantizedElements = v; return this; }
        /** A code table given as data (null: the mapping's built-in table). */
        public Builder codeTable(CodeTable v) { codeTable = v; return this; }
        /** How roots are computed: fp32, vq, cq, cq+ef. */
        public Builder rootMethod(RootMethod v) { rootMethod = v; return this; }
        public Builder grafting(Grafting v) { grafting = v; return this; }
        public Builder startStep(long v) { startStep = v; return this; }
        /** Björck steps t1 (before the update) and t2 (before the root): eigen4 and eigen4+ef only. */
        public Builder bjorckSteps(int update, int root) { bjorckUpdateSteps = update; bjorckRootSteps = root; return this; }
        /** The sketch size ℓ: sketchy and sketchy4 only. */
        public Builder sketchRank(int v) { sketchRank = v; return this; }
        public Builder maxConsecutiveRootFailures(int v) { maxConsecutiveRootFailures = v; return this; }
        public Builder conventions(Conventions v) { conventions = v; return this; }
        public Builder nonFinitePolicy(NonFinitePolicy v) { nonFinitePolicy = v; return this; }

        /**
         * @throws IllegalArgumentException for an invalid value, or a setting that does not apply to the variant
         */
        public ShampooConfig build() {
            require(variant != null, "variant is null; expected one of " + java.util.Arrays.toString(Variant.values()));
            boolean ema = variant == Variant.FP32 || variant == Variant.VQ;
            boolean cholesky = variant == Variant.CQ || variant == Variant.CQ_EF;
            boolean eigen = variant == Variant.EIGEN4 || variant == Variant.EIGEN4_EF;
            only(betaE, variant == Variant.CQ_EF || variant == Variant.EIGEN4_EF, "betaE", "cq+ef and eigen4+ef");
            only(rootMethod, ema || cholesky, "rootMethod", "fp32, vq, cq and cq+ef");
            only(bjorckUpdateSteps, eigen, "Björck steps", "eigen4 and eigen4+ef");
            only(sketchRank, variant.sketched(), "sketchRank", "sketchy and sketchy4");
            int b = bits != null ? bits : variant == Variant.FP32 || variant == Variant.SKETCHY ? 32 : 4;
            require(variant != Variant.FP32 || b == 32 || b == 64, "fp32 stores in fp32 (bits 32) or exactly (64); bits is "
                    + b + " (use vq for a quantized EMA)");
            require(variant != Variant.VQ || b <= 8, "vq quantizes (bits 3, 4 or 8); bits is " + b + " (use fp32)");
            require(variant != Variant.SKETCHY || b == 32, "sketchy keeps its sketch in fp32; bits is " + b
                    + " (use sketchy4 for quantized directions)");
            require(variant != Variant.SKETCHY4 || b <= 8, "sketchy4 quantizes its sketch's directions (bits 3, 4 or 8); "
                    + "bits is " + b + " (use sketchy for an fp32 sketch)");
            StorageConfig storage = new StorageConfig(b, mapping, layout, minQuantizedElements, codeTable);
            double eps = epsilon != null ? epsilon : variant.sketched() ? 1e-7 : 1e-6;
            double bt = beta != null ? beta : variant.sketched() ? 0.999 : 0.95;
            RootMethod rm = rootMethod != null ? rootMethod : RootMethod.EIGEN;
            Preconditioner.ErrorFeedback errorFeedback = new Preconditioner.ErrorFeedback(betaE != null ? betaE : 0.95);
            Preconditioner p = switch (variant) {
                case FP32, VQ -> new Preconditioner.Ema(bt, eps, rm);
                case CQ -> new Preconditioner.Cholesky(bt, eps, rm, null);
                case CQ_EF -> new Preconditioner.Cholesky(bt, eps, rm, errorFeedback);
                case EIGEN4 -> new Preconditioner.Eigen(bt, eps, bjorckUpdateSteps != null ? bjorckUpdateSteps : 1,
                        bjorckRootSteps != null ? bjorckRootSteps : 4, null);
                case EIGEN4_EF -> new Preconditioner.Eigen(bt, eps, bjorckUpdateSteps != null ? bjorckUpdateSteps : 1,
                        bjorckRootSteps != null ? bjorckRootSteps : 4, errorFeedback);
                case SKETCHY, SKETCHY4 -> new Preconditioner.Sketch(sketchRank != null ? sketchRank : 256, bt, eps);
            };
            return new ShampooConfig(p, storage, t1, t2, maxBlockOrder, grafting, startStep, maxConsecutiveRootFailures,
                    conventions, nonFinitePolicy);
        }

        private void only(Object given, boolean applies, String name, String variants) {
            require(given == null || applies, name + " applies to " + variants + " only; the variant is " + variant.id());
        }
    }
}
