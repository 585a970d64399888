package io.qshampoo.verify.experiments;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.Mapping;
import io.qshampoo.shampoo.AdamW;
import io.qshampoo.shampoo.BaseOptimizer;
import io.qshampoo.shampoo.DenseTensor;
import io.qshampoo.shampoo.Grafting;
import io.qshampoo.shampoo.StorageConfig;
import io.qshampoo.shampoo.Sgd;
import io.qshampoo.shampoo.ShampooConfig;
import io.qshampoo.shampoo.ShampooOptimizer;
import io.qshampoo.shampoo.StateBytes;
import io.qshampoo.shampoo.StateKind;
import io.qshampoo.shampoo.Variant;

/**
 * Optimizer-state bytes per variant for a list of parameter shapes, as {@link ShampooOptimizer#stateBytes}
 * counts them: the numbers are the optimizer's own, obtained by building an optimizer over the shapes.
 *
 * <p>How: for every variant and every distinct shape, one optimizer with one parameter of that shape is built and
 * asked for {@code stateBytes(name)} and {@code preconditionerBytes(name)}; a shape's bytes are multiplied by its
 * count, and the optimizer's own counters (its {@code stateBytes()} minus the parameter's) are added once. A
 * matrix-shaped parameter with more than {@link Settings#directLimit()} elements (an LLaMA embedding is 65 M) is
 * not allocated whole: its matrix view (d0, d1·…) is cut into the optimizer's blocks (chunks of the maximum order
 * plus a remainder, as {@code Blocking} does) and each distinct block shape is asked instead — the parameter's
 * state is the sum over its blocks because every per-element state (base optimizer, grafting) is linear in the
 * element count and every factor belongs to one block; a test checks the two paths agree.
 */
public final class MemoryAccounting {

    /** Base optimizers the command offers. */
    public enum Base {
        /** Plain SGD: no state. */
        SGD,
        /** SGD with momentum 0.9: one fp32 buffer. */
        SGDM,
        /** AdamW: two fp32 buffers. */
        ADAMW;

        BaseOptimizer create() {
            return switch (this) {
                case SGD -> new Sgd();
                case SGDM -> new Sgd(0.9, false, 0);
                case ADAMW -> new AdamW();
            };
        }
    }

    /**
     * @param variants             variants to count
     * @param bits                 bits of quantized states (3, 4, 8)
     * @param mapping              code table (does not change sizes; recorded in the config)
     * @param layout               block layout
     * @param maxOrder             maximum block order (1200)
     * @param minQuantizedElements matrices below this stay fp32 (4096)
     * @param sketchRank           Sketchy's ℓ
     * @param base                 base optimizer
     * @param grafting             grafting type
     * @param directLimit          larger parameters are counted block by block
     */
    public record Settings(List<Variant> variants, int bits, Mapping mapping, BlockLayout layout, int maxOrder,
            int minQuantizedElements, int sketchRank, Base base, Grafting grafting, long directLimit) {

        public Settings {
            if (variants == null || variants.isEmpty()) {
                throw new IllegalArgumentException("no variant given");
            }
            variants = List.copyOf(variants);
            if (directLimit < 1) {
                throw new IllegalArgumentException("directLimit is " + directLimit + "; expected >= 1");
            }
            new StorageConfig(bits, mapping, layout, minQuantizedElements, null); // validates
            ShampooConfig.builder().variant(Variant.SKETCHY).maxBlockOrder(maxOrder).sketchRank(sketchRank).build();
        }

        /** Every variant, 4-bit linear-2, rows of 64, max order 1200, threshold 4096, ℓ = 256, SGD, SGD grafting. */
        public static Settings defaults() {
            return new Settings(List.of(Variant.values()), 4, Mapping.LINEAR_2, BlockLayout.DEFAULT, 1200, 4096, 256,
                    Base.SGD, Grafting.SGD, 16L << 20);
        }

        ShampooConfig config(Variant v) {
            ShampooConfig.Builder b = ShampooConfig.builder().variant(v).mapping(mapping).layout(layout)
                    .maxBlockOrder(maxOrder).minQuantizedElements(minQuantizedElements).grafting(grafting);
            if (v == Variant.SKETCHY) {
                b.sketchRank(sketchRank); // the sketch is fp32
            } else if (v != Variant.FP32) {
                b.bits(bits); // fp32 is 32 bits by definition
            }
            return b.build();
        }
    }

    /** The bytes of one shape (all its instances) for one variant. */
    public record Line(Variant variant, LayerShape shape, StateBytes state, StateBytes preconditioner) {
    }

    /** A variant's total: every line plus the optimizer's counters. */
    public record Total(Variant variant, StateBytes state, StateBytes preconditioner, long parameters) {
    }

    /** Lines and totals. */
    public record Result(List<Line> lines, List<Total> totals) {
    }

    private final Settings settings;
    private final Map<String, StateBytes[]> cache = new HashMap<>();

    public MemoryAccounting(Settings settings) {
        this.settings = settings;
    }

    /** Counts every variant over the shapes. */
    public Result count(List<LayerShape> shapes) {
        List<Line> lines = new ArrayList<>();
        List<Total> totals = new ArrayList<>();
        long params = ModelPresets.parameters(shapes);
        for (Variant v : settings.variants()) {
            StateBytes state = counters(v);
            StateBytes pre = StateBytes.NONE;
            for (LayerShape s : shapes) {
                StateBytes[] one = perParameter(v, s.shape());
                StateBytes st = times(one[0], s.count());
                StateBytes pr = times(one[1], s.count());
                lines.add(new Line(v, s, st, pr));
                state = state.plus(st);
                pre = pre.plus(pr);
            }
            totals.add(new Total(v, state, pre, params));
        }
        return new Result(lines, totals);
    }

    /** {stateBytes(name), preconditionerBytes(name)} of one parameter of this shape. */
    StateBytes[] perParameter(Variant v, int[] shape) {
        long elements = 1;
        for (int d : shape) {
            elements *= d;
        }
        if (shape.length < 2 || elements <= settings.directLimit()) {
            return direct(v, shape);
        }
        long rest = elements / shape[0];
        if (rest > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + java.util.Arrays.toString(shape) + " has a matrix view wider than "
                    + Integer.MAX_VALUE);
        }
        int rows = shape[0];
        int cols = (int) rest;
        int m = settings.maxOrder();
        StateBytes state = StateBytes.NONE;
        StateBytes pre = StateBytes.NONE;
        for (int r = 0; r < rows; r += m) {
            for (int c = 0; c < cols; c += m) {
                StateBytes[] b = direct(v, new int[] {Math.min(m, rows - r), Math.min(m, cols - c)});
                state = state.plus(b[0]);
                pre = pre.plus(b[1]);
            }
        }
        return new StateBytes[] {state, pre};
    }

    /** Builds a one-parameter optimizer (memoized per variant and shape). */
    StateBytes[] direct(Variant v, int[] shape) {
        String key = v + java.util.Arrays.toString(shape);
        return cache.computeIfAbsent(key, k -> {
            ShampooOptimizer opt = ShampooOptimizer.builder(settings.config(v), settings.base().create(), 0.1)
                    .parameter("p", DenseTensor.float32(shape)).build();
            return new StateBytes[] {opt.stateBytes("p"), opt.preconditionerBytes("p")};
        });
    }

    /** The optimizer-level state (step and skip counters): its stateBytes() minus its one parameter's. */
    StateBytes counters(Variant v) {
        ShampooOptimizer opt = ShampooOptimizer.builder(settings.config(v), settings.base().create(), 0.1)
                .parameter("p", DenseTensor.float32(1)).build();
        StateBytes all = opt.stateBytes();
        StateBytes param = opt.stateBytes("p");
        StateBytes diff = StateBytes.NONE;
        for (StateKind k : StateKind.values()) {
            diff = diff.plus(k, all.get(k) - param.get(k));
        }
        return diff;
    }

    static StateBytes times(StateBytes b, long count) {
        StateBytes out = StateBytes.NONE;
        for (StateKind k : StateKind.values()) {
            out = out.plus(k, b.get(k) * count);
        }
        return out;
    }
}
