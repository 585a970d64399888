package io.qshampoo.experiments;

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
 * plus a remainder, as {@code Blocking} does), which come in at most four distinct shapes — (m, m), (m, c mod m),
 * (r mod m, m), (r mod m, c mod m) — each asked once and multiplied by its count, in closed form: the
 * parameter's state is the sum over its blocks because every per-element state (base optimizer, grafting) is
 * linear in the element count and every factor belongs to one block; a test checks the two paths agree. A vector
 * longer than {@link #VECTOR_LIMIT} is counted from two shorter ones ({@link #affine}).
 *
 * <p>Cost: at most four (matrix) or two (vector) one-block optimizers per distinct shape and variant, whatever
 * the parameter's size; each is checked to fit half the heap before it is built.
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
            if (v.sketched()) {
                b.sketchRank(sketchRank);
            }
            if (v != Variant.FP32 && v != Variant.SKETCHY) {
                b.bits(bits); // fp32 and sketchy (an fp32 sketch) are 32 bits by definition
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
            elements = multiplyExact(elements, d, shape);
        }
        if (shape.length < 2) {
            return elements <= VECTOR_LIMIT ? direct(v, shape) : affine(v, elements);
        }
        if (elements <= settings.directLimit()) {
            return direct(v, shape);
        }
        long rows = shape[0];
        long cols = elements / shape[0];
        long m = settings.maxOrder();
        long fullRows = rows / m;
        long fullCols = cols / m;
        int restRows = (int) (rows % m);
        int restCols = (int) (cols % m);
        StateBytes[] sum = {StateBytes.NONE, StateBytes.NONE};
        add(sum, v, (int) m, (int) m, fullRows * fullCols, shape);
        add(sum, v, (int) m, restCols, fullRows, shape);
        add(sum, v, restRows, (int) m, fullCols, shape);
        add(sum, v, restRows, restCols, 1, shape);
        return sum;
    }

    /** Rank ≤ 1 tensors longer than this are counted by {@link #affine}. */
    static final int VECTOR_LIMIT = 1 << 15;

    /**
     * A rank-1 state is affine in its length n once n ≥ ℓ (every vector state — diagonal grafting, the base
     * optimizer's moments, Sketchy's ℓ × n basis — is per element, plus a fixed part): f(n) = f(a) + (n − a)·
     * (f(2a) − f(a))/a with a = {@link #VECTOR_LIMIT}/2, exact when f is affine on [a, n]; a test compares it with
     * the direct count above the limit.
     */
    private StateBytes[] affine(Variant v, long n) {
        int a = VECTOR_LIMIT / 2;
        StateBytes[] fa = direct(v, new int[] {a});
        StateBytes[] f2a = direct(v, new int[] {2 * a});
        StateBytes[] out = {StateBytes.NONE, StateBytes.NONE};
        for (int i = 0; i < 2; i++) {
            for (StateKind k : StateKind.values()) {
                long slope = f2a[i].get(k) - fa[i].get(k);
                if (slope % a != 0) {
                    throw new IllegalStateException(v + " vector state " + k + " grows by " + slope + " bytes over " + a
                            + " elements, not a whole number per element; the affine count does not apply");
                }
                long value = plusExact(fa[i], StateBytes.of(k, multiplyExact(n - a, slope / a, new int[] {(int) n})),
                        new int[] {(int) n}).get(k);
                out[i] = out[i].plus(k, value);
            }
        }
        return out;
    }

    /** Adds {@code count} blocks of rows × cols (nothing when a side or the count is 0). */
    private void add(StateBytes[] sum, Variant v, int rows, int cols, long count, int[] shape) {
        if (rows == 0 || cols == 0 || count == 0) {
            return;
        }
        StateBytes[] b = direct(v, new int[] {rows, cols});
        sum[0] = plusExact(sum[0], times(b[0], count), shape);
        sum[1] = plusExact(sum[1], times(b[1], count), shape);
    }

    /** Builds a one-parameter optimizer (memoized per variant and shape), after checking it fits the heap. */
    StateBytes[] direct(Variant v, int[] shape) {
        String key = v + java.util.Arrays.toString(shape);
        StateBytes[] known = cache.get(key);
        if (known != null) {
            return known;
        }
        requireBuildable(v, shape);
        ShampooOptimizer opt = ShampooOptimizer.builder(settings.config(v), settings.base().create(), 0.1)
                .parameter("p", DenseTensor.float32(shape)).build();
        StateBytes[] b = {opt.stateBytes("p"), opt.preconditionerBytes("p")};
        cache.put(key, b);
        return b;
    }

    /**
     * Refuses a one-parameter optimizer whose construction would not fit in half the heap, estimated as the
     * parameter (4 bytes an element), the optimizer's per-element buffers (at most 24 bytes: float64 direction,
     * two fp32 moments, fp32 grafting), and per block two order-n factors of at most 8·n² bytes (fp32 statistic
     * and root) each side — or for Sketchy (either variant) on a vector, its ℓ × n float64 basis.
     */
    private void requireBuildable(Variant v, int[] shape) {
        double elements = 1;
        for (int d : shape) {
            elements *= d;
        }
        double bytes = 28 * elements;
        if (shape.length >= 2) {
            double rows = shape[0];
            double cols = elements / rows;
            double m = settings.maxOrder();
            double r = Math.min(rows, m);
            double c = Math.min(cols, m);
            double blocks = Math.ceil(rows / m) * Math.ceil(cols / m);
            bytes += blocks * 8 * (r * r + c * c);
        } else if (v.sketched()) {
            bytes += 8.0 * settings.sketchRank() * elements;
        }
        long limit = Runtime.getRuntime().maxMemory() / 2;
        if (bytes > limit) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "counting %s for shape %s builds "
                    + "an optimizer over a %s block that needs about %,.0f MiB; the limit is %,d MiB (half the heap): "
                    + "lower --max-order (%d), or raise the heap with QSHAMPOO_JAVA_OPTS=-Xmx…", v.id(),
                    java.util.Arrays.toString(shape), java.util.Arrays.toString(shape), bytes / (1 << 20), limit >> 20,
                    settings.maxOrder()));
        }
    }

    private static long multiplyExact(long a, long b, int[] shape) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("shape " + java.util.Arrays.toString(shape) + " overflows a 64-bit count");
        }
    }

    private static StateBytes plusExact(StateBytes a, StateBytes b, int[] shape) {
        StateBytes out = StateBytes.NONE;
        for (StateKind k : StateKind.values()) {
            try {
                out = out.plus(k, Math.addExact(a.get(k), b.get(k)));
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("the state bytes of shape " + java.util.Arrays.toString(shape)
                        + " exceed 2^63; expected a countable shape");
            }
        }
        return out;
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
            try {
                out = out.plus(k, Math.multiplyExact(b.get(k), count));
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(count + " instances of " + b.total()
                        + " state bytes exceed 2^63; expected a countable model");
            }
        }
        return out;
    }
}
