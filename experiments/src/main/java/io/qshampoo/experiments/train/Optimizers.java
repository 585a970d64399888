package io.qshampoo.experiments.train;

import java.util.List;
import java.util.Map;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.shampoo.AdamW;
import io.qshampoo.shampoo.BaseOptimizer;
import io.qshampoo.shampoo.DenseTensor;
import io.qshampoo.shampoo.Sgd;
import io.qshampoo.shampoo.ShampooConfig;
import io.qshampoo.shampoo.ShampooOptimizer;
import io.qshampoo.shampoo.StateBytes;
import io.qshampoo.shampoo.Variant;

/**
 * The optimizers {@code qshampoo train} compares, by id: the first-order baselines {@code sgdm} (SGD with
 * heavy-ball momentum) and {@code adamw}, and the Shampoo variants {@code fp32, vq, cq, cq+ef, eigen4,
 * eigen4+ef, sketchy, sketchy4} ({@link Variant#id()}).
 *
 * <p>Every Shampoo variant runs on the same base optimizer — one of the two baselines, with exactly the
 * baseline's hyper-parameters ({@link Settings#shampooBase()}) — and with the library's defaults
 * otherwise (β = 0.95, ε = 1e-6, 4-bit linear-2 codes in blocks of 64, exact eigen roots, SGD grafting
 * per block), except T1/T2 and the Sketchy rank, which {@code train} sets for the data-set size, and βₑ. Rank-1
 * parameters (biases) are not preconditioned: with SGD grafting their direction is the gradient, so
 * they follow the base optimizer exactly (Sketchy: S-AdaGrad, Feinberg et al. Alg. 2).
 */
public final class Optimizers {

    /** Every id, in the order results are reported. */
    public static final List<String> ALL = List.of("sgdm", "adamw", "fp32", "vq", "cq", "cq+ef", "eigen4", "eigen4+ef",
            "sketchy", "sketchy4");

    /** The two first-order baselines. */
    public static final List<String> BASELINES = List.of("sgdm", "adamw");

    /** Default learning rate of SGD with momentum (and of Shampoo on an SGD-M base). */
    public static final double DEFAULT_LR_SGDM = 0.05;
    /** Default learning rate of AdamW (and of Shampoo on an AdamW base). */
    public static final double DEFAULT_LR_ADAMW = 1e-3;

    /**
     * Hyper-parameters shared by all optimizers of a run.
     *
     * @param momentum    SGD momentum μ (heavy ball)
     * @param weightDecay weight decay λ: coupled L2 for SGD-M, decoupled for AdamW (β1 0.9, β2 0.999, ε 1e-8)
     * @param shampooBase the base optimizer of every Shampoo variant: "sgdm" or "adamw"
     * @param t1          Shampoo statistics interval T1
     * @param t2          Shampoo root interval T2
     * @param sketchRank  Sketchy FD buffer size ℓ (qshampoo's conventions: ℓ − 1 directions kept)
     * @param maxRootFailures a Shampoo factor whose inverse root fails this many times in a row stops the run
     *                    ({@link ShampooConfig#maxConsecutiveRootFailures()}; library default 3); until then
     *                    the previous root is kept
     * @param betaE       βₑ of the error state of cq+ef and eigen4+ef (Li Eq. 11), in [0, 1); the library
     *                    default is 0.95
     */
    public record Settings(double momentum, double weightDecay, String shampooBase, int t1, int t2, int sketchRank,
            int maxRootFailures, double betaE) {
        public Settings {
            if (!(betaE >= 0 && betaE < 1)) {
                throw new IllegalArgumentException("beta_e is " + betaE + "; expected a value in [0, 1)");
            }
            if (!BASELINES.contains(shampooBase)) {
                throw new IllegalArgumentException("Shampoo base optimizer '" + shampooBase + "'; expected sgdm or adamw");
            }
            if (t1 < 1 || t2 < 1 || sketchRank < 1 || maxRootFailures < 1) {
                throw new IllegalArgumentException("t1 = " + t1 + ", t2 = " + t2 + ", sketch rank = " + sketchRank
                        + ", max root failures = " + maxRootFailures + "; expected each >= 1");
            }
        }

        /** These settings with βₑ at the library default, 0.95. */
        public Settings(double momentum, double weightDecay, String shampooBase, int t1, int t2, int sketchRank,
                int maxRootFailures) {
            this(momentum, weightDecay, shampooBase, t1, t2, sketchRank, maxRootFailures, 0.95);
        }
    }

    private Optimizers() {
    }

    /** Checks an id; throws with the list of valid ids. */
    public static String check(String id) {
        if (!ALL.contains(id)) {
            throw new IllegalArgumentException("unknown optimizer '" + id + "'; expected some of " + String.join(", ", ALL));
        }
        return id;
    }

    /** Whether the id keeps an error state, so βₑ applies to it: cq+ef and eigen4+ef. */
    public static boolean hasErrorFeedback(String id) {
        return check(id).equals("cq+ef") || id.equals("eigen4+ef");
    }

    public static boolean isShampoo(String id) {
        return !BASELINES.contains(check(id));
    }

    /** The base optimizer id an optimizer runs on: itself for a baseline, {@code shampooBase} for Shampoo. */
    public static String baseOf(String id, Settings s) {
        return isShampoo(id) ? s.shampooBase() : id;
    }

    /** The default learning rate: that of the base optimizer's family. */
    public static double defaultLearningRate(String id, Settings s) {
        return baseOf(id, s).equals("sgdm") ? DEFAULT_LR_SGDM : DEFAULT_LR_ADAMW;
    }

    /**
     * A readable name, e.g. "SGD-M", "AdamW", "Shampoo cq+ef (4-bit) / SGD-M", "Shampoo cq+ef (4-bit, βₑ=0.6) / SGD-M"
     * (βₑ named when it is not the default).
     */
    public static String label(String id, Settings s) {
        String base = baseOf(id, s).equals("sgdm") ? "SGD-M" : "AdamW";
        if (!isShampoo(id)) {
            return base;
        }
        String bits = switch (id) {
            case "fp32" -> " (32-bit)";
            case "sketchy" -> " (FD ℓ=" + s.sketchRank() + ")";
            case "sketchy4" -> " (FD ℓ=" + s.sketchRank() + ", 4-bit)";
            case "cq+ef", "eigen4+ef" -> s.betaE() == 0.95 ? " (4-bit)" : " (4-bit, βₑ=" + s.betaE() + ")";
            default -> " (4-bit)";
        };
        return "Shampoo " + id + bits + " / " + base;
    }

    static BaseOptimizer base(String baseId, Settings s) {
        return baseId.equals("sgdm") ? new Sgd(s.momentum(), false, s.weightDecay())
                : new AdamW(0.9, 0.999, 1e-8, s.weightDecay());
    }

    /** The Shampoo configuration of a variant id under these settings. */
    public static ShampooConfig shampooConfig(String id, Settings s) {
        Variant v = Variant.fromId(id);
        ShampooConfig.Builder b = ShampooConfig.builder().variant(v).intervals(s.t1(), s.t2())
                .maxConsecutiveRootFailures(s.maxRootFailures());
        if (v.sketched()) {
            b.sketchRank(s.sketchRank());
        } else if (v == Variant.CQ_EF || v == Variant.EIGEN4_EF) {
            b.betaE(s.betaE());
        }
        return b.build();
    }

    /** A fresh optimizer over these parameters. */
    public static TrainOptimizer create(String id, double learningRate, Settings s, Map<String, DenseTensor> parameters) {
        BaseOptimizer base = base(baseOf(id, s), s);
        if (!isShampoo(id)) {
            return new FirstOrderOptimizer(base, learningRate, parameters);
        }
        ShampooOptimizer.Builder b = ShampooOptimizer.builder(shampooConfig(id, s), base, learningRate)
                .kernels(DenseKernels.fromProperty());
        parameters.forEach(b::parameter);
        ShampooOptimizer opt = b.build();
        return new TrainOptimizer() {
            @Override
            public void step(Map<String, DenseTensor> gradients) {
                opt.step(gradients);
            }

            @Override
            public StateBytes stateBytes() {
                return opt.stateBytes();
            }

            @Override
            public int rootFailures() {
                return opt.rootFailures();
            }
        };
    }
}
