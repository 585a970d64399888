package io.qshampoo.oracle;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.qshampoo.linalg.QrSignRule;
import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.Mapping;
import io.qshampoo.shampoo.AdaGrad;
import io.qshampoo.shampoo.AdamW;
import io.qshampoo.shampoo.BaseOptimizer;
import io.qshampoo.shampoo.Conventions;
import io.qshampoo.shampoo.Grafting;
import io.qshampoo.shampoo.RmsProp;
import io.qshampoo.shampoo.RootMethod;
import io.qshampoo.shampoo.Sgd;
import io.qshampoo.shampoo.ShampooConfig;
import io.qshampoo.shampoo.Variant;

/**
 * The JSON manifest of {@code qshampoo check trace} (format {@value #FORMAT}; worked example in
 * {@code docs/oracle.md}): what optimizer ran, on which parameter, with which gradients, and which of the other
 * side's states to compare at which steps. File references are relative to the manifest's directory; an entry
 * of an npz archive is written {@code archive.npz:key}.
 *
 * <pre>{@code
 * { "format": "qshampoo-trace/1",
 *   "variant": "cq+ef",                                   // fp32, vq, cq, cq+ef, eigen4, eigen4+ef, sketchy, sketchy4
 *   "conventions": "official",                            // or "qshampoo" (default); see docs/conventions.md
 *   "codeTable": "table.npy",                             // optional: the other side's float32 code table
 *   "config": { "beta": 0.95, "t1": 1, "t2": 2, "bits": 4, "minQuantizedElements": 0, ... },
 *   "optimizer": { "name": "sgd", "lr": 0.1, "momentum": 0.9 },
 *   "parameter": { "name": "w", "shape": [8, 6], "initial": "w0.npy" },
 *   "precision": "fp32",
 *   "gradients": ["g1.npy", "g2.npy", "g3.npy"],          // G_k is entry k − 1
 *   "states":  { "2": { "w#0.left.C": "s2/left_C.npy", "w": "s2/w.npy" } },    // keys of inspect(), or the parameter
 *   "records": { "2": { "w#0.left.root.codes": "s2/left_root_codes.npy" } },  // tags of storedRecords()
 *   "tolerance": { "safety": 4 } }
 * }</pre>
 *
 * Unknown fields are refused (a typo must not silently fall back to a default). Missing config fields take
 * {@link ShampooConfig}'s defaults — note {@code minQuantizedElements} defaults to the official 4096, so small
 * test matrices stay fp32 unless it is lowered.
 *
 * @param format     must be {@value #FORMAT}
 * @param variant    the preconditioner variant id
 * @param conventions the named convention set, {@code qshampoo} (default) or {@code official} (the official code of
 *                   the variant: low-bit Shampoo, or tearfree for sketchy); single switches are overridden in config
 * @param codeTable  a float32 file of the 2^bits sorted code-table entries that replaces the built-in table, or null
 * @param config     Shampoo settings (null: all defaults)
 * @param optimizer  the base optimizer and learning rate
 * @param parameter  the one parameter's name, shape and optional initial value
 * @param precision  the other side's arithmetic: fp32 (default), fp64, tf32, bf16
 * @param gradients  gradient files, one per step
 * @param states     step → inspect() key (or the parameter's name) → file
 * @param records    step → storedRecords() tag → file
 * @param tolerance  overrides of the derived tolerances (null: derived)
 */
public record TraceManifest(String format, String variant, String conventions, String codeTable, Config config,
                            Optimizer optimizer, Parameter parameter,
                            String precision, List<String> gradients, Map<String, Map<String, String>> states,
                            Map<String, Map<String, String>> records, Tolerance tolerance) {

    /** The format tag this reader understands. */
    public static final String FORMAT = "qshampoo-trace/1";

    /**
     * Shampoo settings; null fields keep {@link ShampooConfig}'s defaults. {@code block} and {@code layout}
     * ("rows" or "tiles") make the quantization block layout; {@code rootMethod} is "eigen", "newton-official" or
     * "newton-converging"; {@code grafting} is "sgd", "adagrad" or "adam". The convention switches override the
     * named set's: {@code qrSigns} "positive-diagonal" or "householder", {@code symmetrizeStatistic} true or false,
     * {@code unconvergedRoots} "reject" or "accept", {@code sketchRankCounts} "buffer" or "kept-directions",
     * {@code tailDecay} "beta" or "sqrt-beta", {@code zeroTail} "scale" or "drop", {@code updatePhase}
     * "multiples" or "first-step", {@code sketchyVectors} "s-adagrad" or "grafted".
     */
    public record Config(Double beta, Double betaE, Double epsilon, Integer t1, Integer t2, Integer bits, String mapping,
                         Integer block, String layout, Integer minQuantizedElements, Integer maxBlockOrder,
                         String rootMethod, String grafting, Long startStep, Integer bjorckUpdateSteps,
                         Integer bjorckRootSteps, Integer sketchRank, Double sketchBeta, Double sketchEpsilon,
                         String qrSigns, Boolean symmetrizeStatistic, String unconvergedRoots, String sketchRankCounts,
                         String tailDecay, String zeroTail, String updatePhase, String sketchyVectors) {
    }

    /**
     * The base optimizer: {@code name} sgd (momentum, nesterov, weightDecay), adamw (beta1, beta2, eps,
     * weightDecay), rmsprop (alpha, eps, momentum, weightDecay) or adagrad (eps, initialAccumulatorValue,
     * weightDecay), with PyTorch's defaults for absent fields, and the learning rate {@code lr}.
     */
    public record Optimizer(String name, Double lr, Double momentum, Boolean nesterov, Double weightDecay, Double beta1,
                            Double beta2, Double eps, Double alpha, Double initialAccumulatorValue) {
    }

    /** The parameter: name, shape, and an optional file with its initial value (default zeros). */
    public record Parameter(String name, int[] shape, String initial) {
    }

    /**
     * Overrides: {@code safety} the constant c of every derived tolerance; {@code nre} one NRE tolerance for every
     * matrix and vector; {@code codeMismatchFraction} the fraction of codes allowed to differ (by one step).
     */
    public record Tolerance(Double safety, Double nre, Double codeMismatchFraction) {
    }

    private static final ObjectMapper READER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /**
     * Reads and validates a manifest.
     *
     * @throws IllegalArgumentException naming the file and the field that is missing, unknown or invalid
     */
    public static TraceManifest read(Path file) {
        TraceManifest m;
        try {
            m = READER.readValue(file.toFile(), TraceManifest.class);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")";
            throw new IllegalArgumentException(file + ": not a valid trace manifest" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            if (!file.toFile().exists()) {
                throw new IllegalArgumentException(file + ": no such file");
            }
            throw new IllegalArgumentException(file + ": cannot read (" + e + ")");
        }
        if (m == null) {
            throw new IllegalArgumentException(file + ": empty manifest; expected a JSON object");
        }
        try {
            m.validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        return m;
    }

    private void validate() {
        require(FORMAT.equals(format), "\"format\" is " + quote(format) + "; expected \"" + FORMAT + "\"");
        require(variant != null, "\"variant\" is missing; expected one of fp32, vq, cq, cq+ef, eigen4, eigen4+ef, sketchy, "
                + "sketchy4");
        Variant.fromId(variant);
        require(optimizer != null && optimizer.name() != null && optimizer.lr() != null,
                "\"optimizer\" needs at least \"name\" and \"lr\"");
        require(parameter != null && parameter.name() != null && !parameter.name().isEmpty() && parameter.shape() != null
                && parameter.shape().length >= 1 && Arrays.stream(parameter.shape()).allMatch(d -> d >= 1),
                "\"parameter\" needs a \"name\" and a \"shape\" of dimensions >= 1");
        require(gradients != null && !gradients.isEmpty(), "\"gradients\" is missing or empty; expected one file per step");
        precisionValue();
        ShampooConfig cfg = shampooConfig();
        require(codeTable == null || cfg.bits() != 32, "\"codeTable\" is given but \"config.bits\" is 32; a code table "
                + "applies to quantized states only");
        require(codeTable == null || !codeTable.isEmpty(), "\"codeTable\" is empty; expected a float32 .npy file");
        baseOptimizer();
        stepMap(states, "states");
        stepMap(records, "records");
        if (tolerance != null) {
            require(tolerance.safety() == null || tolerance.safety() > 0, "\"tolerance.safety\" must be > 0");
            require(tolerance.nre() == null || tolerance.nre() >= 0, "\"tolerance.nre\" must be >= 0");
            require(tolerance.codeMismatchFraction() == null
                    || (tolerance.codeMismatchFraction() >= 0 && tolerance.codeMismatchFraction() <= 1),
                    "\"tolerance.codeMismatchFraction\" must lie in [0, 1]");
        }
    }

    /** The other side's precision (default fp32). */
    public Precision precisionValue() {
        return precision == null ? Precision.FP32 : Precision.fromId(precision);
    }

    /** Number of steps T (one gradient each). */
    public int steps() {
        return gradients.size();
    }

    /** The step → key → file maps with numeric, ordered steps. */
    public TreeMap<Integer, Map<String, String>> stateSteps() {
        return stepMap(states, "states");
    }

    /** As {@link #stateSteps()} for the raw records. */
    public TreeMap<Integer, Map<String, String>> recordSteps() {
        return stepMap(records, "records");
    }

    private TreeMap<Integer, Map<String, String>> stepMap(Map<String, Map<String, String>> m, String field) {
        TreeMap<Integer, Map<String, String>> out = new TreeMap<>();
        if (m == null) {
            return out;
        }
        for (Map.Entry<String, Map<String, String>> e : m.entrySet()) {
            int step;
            try {
                step = Integer.parseInt(e.getKey().trim());
            } catch (NumberFormatException x) {
                throw new IllegalArgumentException("\"" + field + "\" has key " + quote(e.getKey())
                        + "; expected step numbers 1 … " + steps());
            }
            require(step >= 1 && step <= steps(), "\"" + field + "\" names step " + step + "; the trace has steps 1 … "
                    + steps() + " (one per gradient)");
            require(e.getValue() != null && !e.getValue().isEmpty(), "\"" + field + "\" step " + step + " is empty");
            out.put(step, new LinkedHashMap<>(e.getValue()));
        }
        return out;
    }

    /** The convention set the manifest names, with the config's switch overrides applied. */
    public Conventions conventionsValue() {
        Variant v = Variant.fromId(variant);
        Conventions k;
        try {
            k = Conventions.named(conventions == null ? "qshampoo" : conventions, v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"conventions\" is " + quote(conventions) + "; expected qshampoo or official");
        }
        Config c = config;
        if (c == null) {
            return k;
        }
        if (c.qrSigns() != null) {
            k = k.withQrSigns(choice("qrSigns", c.qrSigns(), QrSignRule.class, "positive-diagonal", "householder"));
        }
        if (c.symmetrizeStatistic() != null) {
            k = k.withSymmetrizeStatistic(c.symmetrizeStatistic());
        }
        if (c.unconvergedRoots() != null) {
            k = k.withUnconvergedRoots(choice("unconvergedRoots", c.unconvergedRoots(), Conventions.UnconvergedRoots.class,
                    "reject", "accept"));
        }
        if (c.sketchRankCounts() != null) {
            k = k.withSketchRank(choice("sketchRankCounts", c.sketchRankCounts(), Conventions.SketchRank.class,
                    "buffer", "kept-directions"));
        }
        if (c.tailDecay() != null) {
            k = k.withTailDecay(choice("tailDecay", c.tailDecay(), Conventions.TailDecay.class, "beta", "sqrt-beta"));
        }
        if (c.zeroTail() != null) {
            k = k.withZeroTail(choice("zeroTail", c.zeroTail(), Conventions.ZeroTail.class, "scale", "drop"));
        }
        if (c.updatePhase() != null) {
            k = k.withUpdatePhase(choice("updatePhase", c.updatePhase(), Conventions.UpdatePhase.class,
                    "multiples", "first-step"));
        }
        if (c.sketchyVectors() != null) {
            k = k.withSketchyVectors(choice("sketchyVectors", c.sketchyVectors(), Conventions.SketchyVectors.class,
                    "s-adagrad", "grafted"));
        }
        return k;
    }

    /** The enum constant whose id (in constant order) is {@code value}. */
    private static <E extends Enum<E>> E choice(String field, String value, Class<E> type, String... ids) {
        int i = Arrays.asList(ids).indexOf(value);
        if (i < 0) {
            throw new IllegalArgumentException("\"config." + field + "\" is " + quote(value) + "; expected "
                    + String.join(" or ", ids));
        }
        return type.getEnumConstants()[i];
    }

    /** The ShampooConfig the manifest describes (without the code table file, which {@link TraceReplay} loads). */
    public ShampooConfig shampooConfig() {
        ShampooConfig.Builder b = ShampooConfig.builder().variant(Variant.fromId(variant)).conventions(conventionsValue());
        Config c = config;
        if (c == null) {
            return b.build();
        }
        boolean sketchy = Variant.fromId(variant).sketched();
        if (c.beta() != null) {
            require(!sketchy, "\"config.beta\" does not apply to " + variant + "; its decay is \"sketchBeta\"");
            b.beta(c.beta());
        }
        if (c.epsilon() != null) {
            require(!sketchy, "\"config.epsilon\" does not apply to " + variant + "; its relative ε is \"sketchEpsilon\"");
            b.epsilon(c.epsilon());
        }
        if (c.sketchBeta() != null) {
            require(sketchy, "\"config.sketchBeta\" applies to sketchy and sketchy4 only; the variant is " + variant);
            b.beta(c.sketchBeta());
        }
        if (c.sketchEpsilon() != null) {
            require(sketchy, "\"config.sketchEpsilon\" applies to sketchy and sketchy4 only; the variant is " + variant);
            b.epsilon(c.sketchEpsilon());
        }
        if (c.betaE() != null) {
            Variant v = Variant.fromId(variant);
            require(v == Variant.CQ_EF || v == Variant.EIGEN4_EF, "\"config.betaE\" applies to cq+ef and eigen4+ef only "
                    + "(error feedback); the variant is " + variant);
            b.betaE(c.betaE());
        }
        ShampooConfig d = ShampooConfig.defaults();
        b.intervals(c.t1() != null ? c.t1() : d.t1(), c.t2() != null ? c.t2() : d.t2());
        if (c.bits() != null) {
            b.bits(c.bits());
        }
        if (c.mapping() != null) {
            b.mapping(Mapping.fromId(c.mapping()));
        }
        int block = c.block() != null ? c.block() : d.storage().layout().blockSize();
        String layout = c.layout() != null ? c.layout() : "rows";
        b.layout(switch (layout) {
            case "rows" -> BlockLayout.rowSegments(block);
            case "tiles" -> BlockLayout.tiles(block);
            default -> throw new IllegalArgumentException("\"config.layout\" is " + quote(layout) + "; expected rows or tiles");
        });
        if (c.minQuantizedElements() != null) {
            b.minQuantizedElements(c.minQuantizedElements());
        }
        if (c.maxBlockOrder() != null) {
            b.maxBlockOrder(c.maxBlockOrder());
        }
        if (c.rootMethod() != null) {
            b.rootMethod(switch (c.rootMethod()) {
                case "eigen" -> RootMethod.EIGEN;
                case "newton-official" -> RootMethod.NEWTON_OFFICIAL;
                case "newton-converging" -> RootMethod.NEWTON_CONVERGING;
                default -> throw new IllegalArgumentException("\"config.rootMethod\" is " + quote(c.rootMethod())
                        + "; expected eigen, newton-official or newton-converging");
            });
        }
        if (c.grafting() != null) {
            b.grafting(switch (c.grafting()) {
                case "sgd" -> Grafting.SGD;
                case "adagrad" -> Grafting.ADAGRAD;
                case "adam" -> Grafting.ADAM;
                default -> throw new IllegalArgumentException("\"config.grafting\" is " + quote(c.grafting())
                        + "; expected sgd, adagrad or adam");
            });
        }
        if (c.startStep() != null) {
            b.startStep(c.startStep());
        }
        if (c.bjorckUpdateSteps() != null || c.bjorckRootSteps() != null) {
            Variant v = Variant.fromId(variant);
            require(v == Variant.EIGEN4 || v == Variant.EIGEN4_EF, "\"config.bjorckUpdateSteps\" and \"bjorckRootSteps\" "
                    + "apply to eigen4 and eigen4+ef only; the variant is " + variant);
            b.bjorckSteps(c.bjorckUpdateSteps() != null ? c.bjorckUpdateSteps() : 1,
                    c.bjorckRootSteps() != null ? c.bjorckRootSteps() : 4);
        }
        if (c.sketchRank() != null) {
            b.sketchRank(c.sketchRank());
        }
        return b.build();
    }

    /** The base optimizer the manifest describes (PyTorch defaults for absent fields). */
    public BaseOptimizer baseOptimizer() {
        Optimizer o = optimizer;
        switch (o.name()) {
            case "sgd" -> {
                only(o, "momentum", "nesterov", "weightDecay");
                return new Sgd(or(o.momentum(), 0), o.nesterov() != null && o.nesterov(), or(o.weightDecay(), 0));
            }
            case "adamw" -> {
                only(o, "beta1", "beta2", "eps", "weightDecay");
                AdamW d = new AdamW();
                return new AdamW(or(o.beta1(), d.beta1()), or(o.beta2(), d.beta2()), or(o.eps(), d.eps()),
                        or(o.weightDecay(), d.weightDecay()));
            }
            case "rmsprop" -> {
                only(o, "alpha", "eps", "momentum", "weightDecay");
                RmsProp d = new RmsProp();
                return new RmsProp(or(o.alpha(), d.alpha()), or(o.eps(), d.eps()), or(o.momentum(), d.momentum()),
                        or(o.weightDecay(), d.weightDecay()));
            }
            case "adagrad" -> {
                only(o, "eps", "initialAccumulatorValue", "weightDecay");
                AdaGrad d = new AdaGrad();
                return new AdaGrad(or(o.eps(), d.eps()), or(o.initialAccumulatorValue(), d.initialAccumulatorValue()),
                        or(o.weightDecay(), d.weightDecay()));
            }
            default -> throw new IllegalArgumentException("\"optimizer.name\" is " + quote(o.name())
                    + "; expected sgd, adamw, rmsprop or adagrad");
        }
    }

    /** Refuses fields that the named optimizer does not have. */
    private static void only(Optimizer o, String... allowed) {
        List<String> ok = Arrays.asList(allowed);
        Map<String, Object> given = new LinkedHashMap<>();
        given.put("momentum", o.momentum());
        given.put("nesterov", o.nesterov());
        given.put("weightDecay", o.weightDecay());
        given.put("beta1", o.beta1());
        given.put("beta2", o.beta2());
        given.put("eps", o.eps());
        given.put("alpha", o.alpha());
        given.put("initialAccumulatorValue", o.initialAccumulatorValue());
        for (Map.Entry<String, Object> e : given.entrySet()) {
            if (e.getValue() != null && !ok.contains(e.getKey())) {
                throw new IllegalArgumentException("\"optimizer." + e.getKey() + "\" does not apply to " + o.name()
                        + "; its fields are lr, " + String.join(", ", allowed));
            }
        }
    }

    private static double or(Double v, double d) {
        return v != null ? v : d;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private static String quote(String s) {
        return s == null ? "missing" : "\"" + s + "\"";
    }

    @Override
    public String toString() {
        return "TraceManifest[" + variant + ", " + parameter.name() + Arrays.toString(parameter.shape()) + ", "
                + steps() + " steps]";
    }
}
