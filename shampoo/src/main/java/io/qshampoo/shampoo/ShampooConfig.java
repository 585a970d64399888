package io.qshampoo.shampoo;

import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.CodeTable;
import io.qshampoo.quant.Mapping;
import io.qshampoo.quant.QuantizationConfig;

/**
 * Immutable settings of a Shampoo-family optimizer. Every default is a paper's or the official code's;
 * the source is given field by field. Build with {@link #builder()}.
 *
 * @param variant                 preconditioner variant. Default {@link Variant#CQ_EF} (Li et al. 2025, Alg. 1).
 * @param beta                    EMA factor of the statistics L, R. Default 0.95 (Li et al. Table 8; Wang et al. code).
 * @param betaE                   EMA factor of the error state (Li Eq. 11). Default 0.95 (Li et al. Table 8).
 * @param epsilon                 ε: ridge factor ε·λmax of the roots (Li Eqs. 6, 12), Cholesky shift ε·I (Eq. 7),
 *                                initial state C̄₀ = √ε·I (Alg. 1). Default 1e-6 (Wang et al. code).
 * @param t1                      statistics are updated at steps k with k mod T1 = 0. Default 100 (Wang et al. code).
 * @param t2                      roots are refreshed at steps k with k mod T2 = 0. Default 500 (Wang et al. code).
 * @param maxBlockOrder           a dimension larger than this is split into blocks of this order plus a remainder.
 *                                Default 1200 (Wang et al. code; Li et al. App. C.3).
 * @param bits                    bits of the quantized states: 3, 4, 8; or 32 (fp32 storage, no quantization); or 64
 *                                (exact float64 storage: the experiments' unquantized reference). Default 4.
 * @param mapping                 quantization code table. Default linear-2 (Li Eq. 4).
 * @param layout                  quantization block layout. Default row segments of 64 (official kernels).
 * @param minQuantizedElements    matrices with fewer elements stay in fp32. Default 4096 (official code).
 * @param rootMethod              how inverse roots are computed. Default {@link RootMethod#EIGEN} (exact).
 * @param grafting                grafting type. Default {@link Grafting#SGD} (official code: ‖G‖_F).
 * @param startStep               first step at which the preconditioned direction is used; before it the
 *                                grafted direction itself is applied. Default 1 (Alg. 1 preconditions from step 1,
 *                                with L̂₀ = I).
 * @param bjorckUpdateSteps       Björck steps before rebuilding L from eigenvectors (Wang et al.: t1 = 1).
 * @param bjorckRootSteps         Björck steps before the root (Wang et al.: t2 = 4).
 * @param sketchRank              Sketchy rank setting; what it counts is {@link Conventions#sketchRank()}: the FD
 *                                buffer ℓ (qshampoo's conventions; ℓ − 1 directions kept, Feinberg et al. Alg. 1), or
 *                                the kept directions with a buffer of rank + 1 (the official tearfree code's
 *                                {@code rank}). Default 256 (Feinberg et al. §5.1).
 * @param sketchBeta              Sketchy EMA factor β₂ of Obs. 6. Default 0.999 (Feinberg et al.).
 * @param sketchEpsilon           Sketchy ridge ε relative to the top eigenvalue of the sketch. Default 1e-7.
 * @param maxConsecutiveRootFailures a factor whose root fails this many times in a row throws. Default 3.
 * @param conventions             the choices the papers leave open (QR signs, VQ symmetrization, unconverged roots,
 *                                Sketchy rank/tail/phase). Default {@link Conventions#qshampoo()}; the official
 *                                code's are {@link Conventions#officialLowBitShampoo()} and
 *                                {@link Conventions#officialSketchy()}.
 * @param codeTable               a code table given as data that replaces the mapping's built-in one (the other
 *                                side's fp32 table, for replays), or null. Default null.
 * @param nonFinitePolicy         what to do with NaN/Inf gradients. Default {@link NonFinitePolicy#THROW}.
 */
public record ShampooConfig(
        Variant variant,
        double beta,
        double betaE,
        double epsilon,
        int t1,
        int t2,
        int maxBlockOrder,
        int bits,
        Mapping mapping,
        BlockLayout layout,
        int minQuantizedElements,
        RootMethod rootMethod,
        Grafting grafting,
        long startStep,
        int bjorckUpdateSteps,
        int bjorckRootSteps,
        int sketchRank,
        double sketchBeta,
        double sketchEpsilon,
        int maxConsecutiveRootFailures,
        Conventions conventions,
        NonFinitePolicy nonFinitePolicy,
        CodeTable codeTable) {

    /** The exponent of each Kronecker factor's inverse root for a matrix block: L^(−1/4), R^(−1/4). */
    public static final int ROOT_ORDER = 4;

    public ShampooConfig {
        require(variant != null, "variant is null; expected one of " + java.util.Arrays.toString(Variant.values()));
        requireOpenUnit(beta, "beta");
        requireOpenUnit(betaE, "betaE");
        require(epsilon > 0 && Double.isFinite(epsilon), "epsilon is " + epsilon + "; expected a finite value > 0");
        require(t1 >= 1, "t1 is " + t1 + "; expected >= 1");
        require(t2 >= 1, "t2 is " + t2 + "; expected >= 1");
        require(maxBlockOrder >= 1, "maxBlockOrder is " + maxBlockOrder + "; expected >= 1");
        require(bits == 3 || bits == 4 || bits == 8 || bits == 32 || bits == 64, "bits is " + bits
                + "; expected 3, 4, 8, 32 (fp32) or 64 (exact)");
        require(mapping != null && layout != null, "mapping and layout must be non-null");
        require(minQuantizedElements >= 0, "minQuantizedElements is " + minQuantizedElements + "; expected >= 0");
        require(rootMethod != null && grafting != null && nonFinitePolicy != null && conventions != null,
                "rootMethod, grafting, conventions and nonFinitePolicy must be non-null");
        require(startStep >= 1, "startStep is " + startStep + "; expected >= 1");
        require(bjorckUpdateSteps >= 0 && bjorckRootSteps >= 0, "Björck steps must be >= 0, got " + bjorckUpdateSteps
                + " and " + bjorckRootSteps);
        require(sketchRank >= 1, "sketchRank is " + sketchRank + "; expected >= 1");
        require(sketchBeta > 0 && sketchBeta <= 1, "sketchBeta is " + sketchBeta + "; expected a value in (0, 1]");
        require(sketchEpsilon > 0 && Double.isFinite(sketchEpsilon), "sketchEpsilon is " + sketchEpsilon
                + "; expected a finite value > 0");
        require(maxConsecutiveRootFailures >= 1, "maxConsecutiveRootFailures is " + maxConsecutiveRootFailures
                + "; expected >= 1");
        if (bits <= 8) { // the accessors are not set yet inside the compact constructor
            new QuantizationConfig(mapping, bits, layout, minQuantizedElements, codeTable); // validates the combination
        }
    }

    /** Whether the states are quantized (3, 4 or 8 bits) rather than stored in fp32 or float64. */
    public boolean quantized() {
        return bits <= 8;
    }

    /** The quantization of the stored states, or null at 32 and 64 bits. */
    public QuantizationConfig quantization() {
        return !quantized() ? null : new QuantizationConfig(mapping, bits, layout, minQuantizedElements, codeTable);
    }

    /** Defaults throughout. */
    public static ShampooConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.variant = variant;
        b.beta = beta;
        b.betaE = betaE;
        b.epsilon = epsilon;
        b.t1 = t1;
        b.t2 = t2;
        b.maxBlockOrder = maxBlockOrder;
        b.bits = bits;
        b.mapping = mapping;
        b.layout = layout;
        b.minQuantizedElements = minQuantizedElements;
        b.rootMethod = rootMethod;
        b.grafting = grafting;
        b.startStep = startStep;
        b.bjorckUpdateSteps = bjorckUpdateSteps;
        b.bjorckRootSteps = bjorckRootSteps;
        b.sketchRank = sketchRank;
        b.sketchBeta = sketchBeta;
        b.sketchEpsilon = sketchEpsilon;
        b.maxConsecutiveRootFailures = maxConsecutiveRootFailures;
        b.conventions = conventions;
        b.nonFinitePolicy = nonFinitePolicy;
        b.codeTable = codeTable;
        return b;
    }

    private static void requireOpenUnit(double x, String name) {
        require(x > 0 && x < 1, name + " is " + x + "; expected a value in (0, 1)");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Mutable builder; {@link #build()} validates. Field defaults are documented on {@link ShampooConfig}. */
    public static final class Builder {
        private Variant variant = Variant.CQ_EF;
        private double beta = 0.95;
        private double betaE = 0.95;
        private double epsilon = 1e-6;
        private int t1 = 100;
        private int t2 = 500;
        private int maxBlockOrder = 1200;
        private int bits = 4;
        private Mapping mapping = Mapping.LINEAR_2;
        private BlockLayout layout = BlockLayout.rowSegments(64);
        private int minQuantizedElements = QuantizationConfig.DEFAULT_MIN_ELEMENTS;
        private RootMethod rootMethod = RootMethod.EIGEN;
        private Grafting grafting = Grafting.SGD;
        private long startStep = 1;
        private int bjorckUpdateSteps = 1;
        private int bjorckRootSteps = 4;
        private int sketchRank = 256;
        private double sketchBeta = 0.999;
        private double sketchEpsilon = 1e-7;
        private int maxConsecutiveRootFailures = 3;
        private Conventions conventions = Conventions.qshampoo();
        private NonFinitePolicy nonFinitePolicy = NonFinitePolicy.THROW;
        private CodeTable codeTable;

        private Builder() {
        }

        public Builder variant(Variant v) { variant = v; return this; }
        public Builder beta(double v) { beta = v; return this; }
        public Builder betaE(double v) { betaE = v; return this; }
        public Builder epsilon(double v) { epsilon = v; return this; }
        /** Sets T1 and T2. */
        public Builder intervals(int updateEvery, int rootEvery) { t1 = updateEvery; t2 = rootEvery; return this; }
        public Builder maxBlockOrder(int v) { maxBlockOrder = v; return this; }
        public Builder bits(int v) { bits = v; return this; }
        public Builder mapping(Mapping v) { mapping = v; return this; }
        public Builder layout(BlockLayout v) { layout = v; return this; }
        public Builder minQuantizedElements(int v) { minQuantizedElements = v; return this; }
        public Builder rootMethod(RootMethod v) { rootMethod = v; return this; }
        public Builder grafting(Grafting v) { grafting = v; return this; }
        public Builder startStep(long v) { startStep = v; return this; }
        public Builder bjorckSteps(int update, int root) { bjorckUpdateSteps = update; bjorckRootSteps = root; return this; }
        public Builder sketchRank(int v) { sketchRank = v; return this; }
        public Builder sketchBeta(double v) { sketchBeta = v; return this; }
        public Builder sketchEpsilon(double v) { sketchEpsilon = v; return this; }
        public Builder maxConsecutiveRootFailures(int v) { maxConsecutiveRootFailures = v; return this; }
        public Builder conventions(Conventions v) { conventions = v; return this; }
        public Builder nonFinitePolicy(NonFinitePolicy v) { nonFinitePolicy = v; return this; }
        /** A code table given as data (null: the mapping's built-in table). */
        public Builder codeTable(CodeTable v) { codeTable = v; return this; }

        public ShampooConfig build() {
            return new ShampooConfig(variant, beta, betaE, epsilon, t1, t2, maxBlockOrder, bits, mapping, layout,
                    minQuantizedElements, rootMethod, grafting, startStep, bjorckUpdateSteps, bjorckRootSteps,
                    sketchRank, sketchBeta, sketchEpsilon, maxConsecutiveRootFailures, conventions,
                    nonFinitePolicy, codeTable);
        }
    }
}
