package io.qshampoo.shampoo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.ejml.data.DMatrixRMaj;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.quant.BlockQuantizer;

/**
 * A Shampoo-family optimizer over a set of named dense parameters: Li et al. 2025 Alg. 1 with the
 * preconditioner of the configured {@link Variant}, grafting per block, and a first-order base optimizer. The
 * algorithm's lines 3–15 for one block are {@link Algorithm1#step}; this class holds the parameters, validates each
 * step and makes it all or nothing.
 *
 * <pre>{@code
 * ShampooOptimizer opt = ShampooOptimizer.builder(ShampooConfig.defaults(), new AdamW(...), 1e-3)
 *         .parameter("fc1.weight", w1).parameter("fc1.bias", b1).build();
 * opt.step(Map.of("fc1.weight", g1, "fc1.bias", gb1));
 * }</pre>
 *
 * <p>Each {@link #step} is all or nothing: it validates every gradient (name, shape, finiteness, and a squared
 * norm ‖G‖²_F within fp32's range, so that no fp32-stored statistic can overflow) before it
 * changes anything, and if a parameter's update then fails — a {@link RootFailureException}, or any other
 * exception or error thrown while the parameters are stepped in turn — every parameter stepped so far, the failing
 * one included, is rolled back, so a rejected or skipped step leaves parameters and state as they were. Not
 * thread-safe.
 */
public final class ShampooOptimizer {

    private final ShampooConfig config;
    private final BaseOptimizer baseOptimizer;
    private final Backend backend;
    private final Map<String, DenseTensor> parameters;
    /** Runs the blocks of a parameter in parallel, or null: one after the other on the caller's thread. */
    private final java.util.concurrent.ExecutorService blockPool;
    private List<ParameterState> states;
    private double learningRate;
    /** Steps taken (the last step's k). */
    private long steps;
    /** Steps skipped (non-finite gradients under SKIP_STEP). */
    private long skipped;

    private ShampooOptimizer(Builder b) {
        this.config = b.config;
        this.baseOptimizer = b.base;
        this.backend = new Backend(b.kernels, b.quantizer);
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(b.parameters));
        this.learningRate = b.learningRate;
        this.blockPool = b.blockPool;
        this.states = freshStates();
    }

    public static Builder builder(ShampooConfig config, BaseOptimizer base, double learningRate) {
        return new Builder(config, base, learningRate);
    }

    private List<ParameterState> freshStates() {
        List<ParameterState> list = new ArrayList<>();
        parameters.forEach((name, t) -> list.add(new ParameterState(name, t.shape(), t.size(), config, baseOptimizer,
                backend)));
        return list;
    }

    /**
     * One optimizer step with a gradient for every parameter; all or nothing (see the class Javadoc).
     *
     * <p>Cost of the all-or-nothing guarantee: before a parameter is stepped, its state and value are serialized
     * as a checkpoint would hold them (O(state bytes + parameter bytes) time, and a transient buffer of that size
     * per parameter until the step ends); a failure rebuilds the stepped parameters' states from those buffers.
     * Next to the step itself — a statistic G·Gᵀ of a block of order n costs n²·m flops and the stored factor is
     * at most 4·n² bytes — the copy is a fraction of order 1/m of the step's work.
     *
     * @return true if the step was taken, false if it was skipped ({@link NonFinitePolicy#SKIP_STEP})
     * @throws IllegalArgumentException if a gradient is missing, unknown, mis-shaped, or (with
     *                                  {@link NonFinitePolicy#THROW}) not finite or with ‖G‖²_F beyond
     *                                  {@link Float#MAX_VALUE}
     * @throws RootFailureException     if a factor's root failed too many times in a row; the step is rolled back
     *                                  (the failure counters too, so the same step fails again until the cause is
     *                                  fixed)
     */
    public boolean step(Map<String, DenseTensor> gradients) {
        if (gradients == null || gradients.size() != parameters.size() || !gradients.keySet().containsAll(parameters.keySet())) {
            throw new IllegalArgumentException("gradients are given for " + (gradients == null ? "nothing" : gradients.keySet())
                    + "; expected exactly the parameters " + parameters.keySet());
        }
        long k = steps + 1;
        for (Map.Entry<String, DenseTensor> e : parameters.entrySet()) {
            DenseTensor g = gradients.get(e.getKey());
            if (g == null || !Arrays.equals(g.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("gradient of '" + e.getKey() + "' has shape "
                        + (g == null ? "null" : g.shapeString()) + "; expected " + e.getValue().shapeString());
            }
            // ‖G‖²_F bounds every entry of G·Gᵀ, Gᵀ·G and g² (|Σ_j g_ij·g_kj| ≤ ‖g_i‖·‖g_k‖ ≤ ‖G‖²_F), and so every
            // statistic an EMA of them can reach. One pass: it is not finite iff an element is not (or, in float64, it
            // overflows), and only then is the first bad element looked for.
            double squares = g.squaredNorm();
            int bad = Double.isFinite(squares) ? -1 : g.firstNonFinite();
            if (bad >= 0) {
                if (config.nonFinitePolicy() == NonFinitePolicy.SKIP_STEP) {
                    skipped++;
                    return false;
                }
                throw new IllegalArgumentException("gradient of '" + e.getKey() + "' at step " + k + " has "
                        + g.get(bad) + " at index " + g.indexString(bad) + "; expected finite values (set NonFinitePolicy.SKIP_STEP to skip such steps)");
            }
            if (squares > Float.MAX_VALUE) {
                if (config.nonFinitePolicy() == NonFinitePolicy.SKIP_STEP) {
                    skipped++;
                    return false;
                }
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "gradient of '%s' at step %d "
                        + "has ‖G‖²_F = %.3g; its statistics (G·Gᵀ, Gᵀ·G, g²) are stored in fp32 and would overflow "
                        + "beyond %.3g: expected ‖G‖²_F <= %.3g (set NonFinitePolicy.SKIP_STEP to skip such steps)",
                        e.getKey(), k, squares, (double) Float.MAX_VALUE, (double) Float.MAX_VALUE));
            }
        }
        byte[][] undo = new byte[states.size()][];
        boolean[] withFactors = new boolean[states.size()];
        int i = 0;
        try {
            for (; i < states.size(); i++) {
                ParameterState s = states.get(i);
                withFactors[i] = s.changesFactors(k);
                undo[i] = snapshot(s, withFactors[i]);
                s.step(parameters.get(s.name()), gradients.get(s.name()), k, learningRate, blockPool);
            }
        } catch (RuntimeException | Error e) {
            try {
                rollBack(undo, withFactors, i);
            } catch (RuntimeException | Error again) { // e.g. the heap ran out while rebuilding: say so with e
                e.addSuppressed(again);
            }
            throw e;
        }
        steps = k;
        return true;
    }

    /**
     * What step k may change of a parameter, to undo it: its value, grafting, vector-method and base-optimizer state,
     * and its factors when the step updates statistics or refreshes roots ({@link ParameterState#changesFactors}); a
     * steady step reads the factors only, so its snapshot leaves them out.
     */
    private byte[] snapshot(ParameterState s, boolean withFactors) {
        StateOutput out = StateOutput.bytesOnly(s.snapshotBytesHint(withFactors));
        writeValue(out, s.name());
        s.saveStep(out, withFactors);
        byte[] bytes = out.toByteArray();
        s.snapshotBytesWere(withFactors, bytes.length);
        return bytes;
    }

    /**
     * Restores parameters 0…last from their snapshots: values copied; states with factors in the snapshot rebuilt
     * fresh and restored as from a checkpoint, the others restored in place (their factors were only read).
     */
    private void rollBack(byte[][] undo, boolean[] withFactors, int last) {
        for (int j = 0; j <= Math.min(last, states.size() - 1); j++) {
            ParameterState old = states.get(j);
            DenseTensor p = parameters.get(old.name());
            StateInput in = new StateInput(undo[j], "the snapshot of '" + old.name() + "' taken before step "
                    + (steps + 1));
            if (p.precision() == DenseTensor.Precision.FLOAT32) {
                in.readFloats(old.name() + ".value", p.float32Data());
            } else {
                in.readDoubles(old.name() + ".value", p.float64Data());
            }
            ParameterState restored = withFactors[j]
                    ? new ParameterState(old.name(), p.shape(), p.size(), config, baseOptimizer, backend) : old;
            restored.restoreStep(in, withFactors[j]);
            in.requireEnd();
            states.set(j, restored);
        }
    }

    private void writeValue(StateOutput out, String name) {
        DenseTensor p = parameters.get(name);
        if (p.precision() == DenseTensor.Precision.FLOAT32) {
            out.writeFloats(name + ".value", p.float32Data());
        } else {
            out.writeDoubles(name + ".value", p.float64Data());
        }
    }

    /** Steps taken (skipped steps not counted). */
    public long stepCount() {
        return steps;
    }

    /** Steps skipped because a gradient was not finite. */
    public long skippedSteps() {
        return skipped;
    }

    /**
     * Every preconditioner state, dequantized to float64, in a map ordered as the parameters: keys are
     * {@code "<parameter>#<block>.<left|right>.<state>"} with state one of L, C, E, V, S, U, sigma, rho, root
     * (which ones depend on the variant; see {@link Variant}). Blocks are numbered in row-major order of the
     * blocking (maximum order {@link ShampooConfig#maxBlockOrder()}). For inspection and oracle traces: copies.
     */
    public Map<String, org.ejml.data.DMatrixRMaj> inspect() {
        Map<String, org.ejml.data.DMatrixRMaj> out = new LinkedHashMap<>();
        for (ParameterState s : states) {
            s.inspect(out);
        }
        return out;
    }

    /**
     * The preconditioner factors' stored records exactly as a checkpoint holds them (packed codes as
     * byte[], scales and fp32 arrays as float[], counters as int[]), keyed by their unique record tags
     * ("w#0.left.root.codes", …), in checkpoint order. For bit-level comparison with another
     * implementation's storage. Grafting and base-optimizer states are not included.
     */
    public Map<String, Object> storedRecords() {
        StateOutput out = new StateOutput();
        for (ParameterState s : states) {
            s.saveFactors(out);
        }
        return out.records();
    }

    /** Matrix blocks of a parameter (0 for a rank ≤ 1 parameter, which the diagonal method preconditions). */
    public int blockCount(String parameter) {
        return stateOf(parameter).blockCount();
    }

    /**
     * The matrix blocks a parameter of this shape is cut into at this maximum order, without building anything: 0
     * for rank ≤ 1 (the diagonal method), else ⌈rows/order⌉·⌈cols/order⌉ of the matrix view (saturating at {@code Integer.MAX_VALUE}). Cost O(rank).
     *
     * @throws IllegalArgumentException for a dimension or an order below 1
     */
    public static int blockCount(int[] shape, int maxBlockOrder) {
        if (maxBlockOrder < 1 || java.util.Arrays.stream(shape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException("shape " + java.util.Arrays.toString(shape) + " at maximum order "
                    + maxBlockOrder + "; expected dimensions and order >= 1");
        }
        if (!Blocking.isMatrix(shape)) {
            return 0;
        }
        return (int) Math.min(Blocking.count(shape, maxBlockOrder), Integer.MAX_VALUE);
    }

    /** Failed root refreshes over all factors. */
    public int rootFailures() {
        return states.stream().mapToInt(ParameterState::rootFailures).sum();
    }

    public double learningRate() {
        return learningRate;
    }

    /** Sets the learning rate for the following steps (schedules live outside the optimizer). */
    public void setLearningRate(double lr) {
        if (!(lr >= 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("learning rate is " + lr + "; expected a finite value >= 0");
        }
        this.learningRate = lr;
    }

    public ShampooConfig config() {
        return config;
    }

    /** The parameters, in registration order. */
    public Map<String, DenseTensor> parameters() {
        return parameters;
    }

    /** Exact bytes of all optimizer state (preconditioners, grafting, base optimizer, counters), by kind. */
    public StateBytes stateBytes() {
        StateBytes total = StateBytes.of(StateKind.SCALARS, 8L * 2);
        for (ParameterState s : states) {
            total = total.plus(s.stateBytes());
        }
        return total;
    }

    /** Exact state bytes of one parameter (its preconditioners, grafting and base-optimizer state). */
    public StateBytes stateBytes(String parameter) {
        return stateOf(parameter).stateBytes();
    }

    /** Bytes of the Shampoo preconditioner states of one parameter (factors only). */
    public StateBytes preconditionerBytes(String parameter) {
        return stateOf(parameter).preconditionerBytes();
    }

    private ParameterState stateOf(String parameter) {
        return states.stream().filter(s -> s.name().equals(parameter)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("unknown parameter '" + parameter + "'; expected one of "
                        + parameters.keySet()));
    }

    /** Writes the whole optimizer state and the parameter values to a checkpoint file ({@link Checkpoint}). */
    public void saveCheckpoint(Path file) throws IOException {
        StateOutput out = new StateOutput();
        out.writeLong("steps", steps);
        out.writeLong("skipped", skipped);
        out.writeDouble("learningRate", learningRate);
        for (ParameterState s : states) {
            writeValue(out, s.name());
            s.save(out);
        }
        Checkpoint.write(file, fingerprint(), out.toByteArray());
    }

    /**
     * Restores state and parameter values from a checkpoint written by an optimizer with the same
     * configuration and parameters. The file is read and checked completely (header, version, checksum,
     * fingerprint, every record) before anything live changes: on any error the optimizer and its
     * parameters are untouched.
     *
     * @throws CheckpointException if the file is corrupt, truncated, of another version, or for another optimizer
     */
    public void restoreCheckpoint(Path file) throws IOException {
        byte[] payload = Checkpoint.read(file, fingerprint());
        StateInput in = new StateInput(payload, file.toString());
        long freshSteps = in.readLong("steps");
        long freshSkipped = in.readLong("skipped");
        double lr = in.readDouble("learningRate");
        List<ParameterState> fresh = freshStates();
        Map<String, Object> values = new LinkedHashMap<>();
        for (ParameterState s : fresh) {
            DenseTensor p = parameters.get(s.name());
            if (p.precision() == DenseTensor.Precision.FLOAT32) {
                float[] v = new float[p.size()];
                in.readFloats(s.name() + ".value", v);
                values.put(s.name(), v);
            } else {
                double[] v = new double[p.size()];
                in.readDoubles(s.name() + ".value", v);
                values.put(s.name(), v);
            }
            s.restore(in);
            requireFinite(s, values.get(s.name()), file);
        }
        in.requireEnd();
        // Everything read and checked: commit.
        values.forEach((name, v) -> {
            DenseTensor p = parameters.get(name);
            if (v instanceof float[] f) {
                System.arraycopy(f, 0, p.float32Data(), 0, f.length);
            } else {
                double[] d = (double[]) v;
                System.arraycopy(d, 0, p.float64Data(), 0, d.length);
            }
        });
        this.states = fresh;
        this.steps = freshSteps;
        this.skipped = freshSkipped;
        this.learningRate = lr;
    }

    /**
     * A checkpoint whose checksum is right can still hold a NaN or an infinity (written by a run that had already
     * gone wrong, or crafted): it is refused, naming the state, rather than restored into an optimizer that would
     * carry it on.
     */
    private static void requireFinite(ParameterState s, Object value, Path file) {
        if (value instanceof float[] f) {
            for (int i = 0; i < f.length; i++) {
                if (!Float.isFinite(f[i])) {
                    throw new CheckpointException(file + ": parameter '" + s.name() + "' element " + i + " is " + f[i]
                            + "; expected finite values");
                }
            }
        } else if (value instanceof double[] d) {
            for (int i = 0; i < d.length; i++) {
                if (!Double.isFinite(d[i])) {
                    throw new CheckpointException(file + ": parameter '" + s.name() + "' element " + i + " is " + d[i]
                            + "; expected finite values");
                }
            }
        }
        Map<String, DMatrixRMaj> states = new LinkedHashMap<>();
        s.inspect(states);
        states.forEach((key, m) -> {
            for (int i = 0; i < m.data.length; i++) {
                if (!Double.isFinite(m.data[i])) {
                    throw new CheckpointException(file + ": state " + key + " element " + i + " is " + m.data[i]
                            + "; expected finite values");
                }
            }
        });
    }

    /** What a checkpoint must match: the configuration, the base optimizer, and every parameter's name, shape and precision. */
    String fingerprint() {
        StringBuilder sb = new StringBuilder();
        sb.append(config).append('\n').append(baseOptimizer).append('\n');
        parameters.forEach((name, t) -> sb.append(name).append(' ').append(t.shapeString()).append(' ')
                .append(t.precision()).append('\n'));
        return sb.toString();
    }

    /** Builder: parameters in registration order. */
    public static final class Builder {
        private final ShampooConfig config;
        private final BaseOptimizer base;
        private final double learningRate;
        private final Map<String, DenseTensor> parameters = new LinkedHashMap<>();
        private DenseKernels kernels = DenseKernels.reference();
        private BlockQuantizer quantizer;
        private java.util.concurrent.ExecutorService blockPool;

        private Builder(ShampooConfig config, BaseOptimizer base, double learningRate) {
            if (config == null || base == null) {
                throw new IllegalArgumentException("config and base optimizer must be non-null");
            }
            if (!(learningRate >= 0) || !Double.isFinite(learningRate)) {
                throw new IllegalArgumentException("learning rate is " + learningRate + "; expected a finite value >= 0");
            }
            this.config = config;
            this.base = base;
            this.learningRate = learningRate;
        }

        /** Registers a parameter; its tensor is updated in place by {@link #step}. */
        public Builder parameter(String name, DenseTensor value) {
            if (name == null || name.isEmpty() || value == null) {
                throw new IllegalArgumentException("parameter name and value must be non-empty");
            }
            if (parameters.putIfAbsent(name, value) != null) {
                throw new IllegalArgumentException("parameter '" + name + "' is registered twice; expected unique names");
            }
            return this;
        }

        /** The dense-kernel backend (default: the EJML float64 reference). */
        public Builder kernels(DenseKernels k) {
            if (k == null) {
                throw new IllegalArgumentException("kernels is null; expected a DenseKernels backend");
            }
            this.kernels = k;
            return this;
        }

        /**
         * The block quantizer of every stored matrix (default: the configuration's sequential CPU reference), e.g. a
         * parallel {@code CpuBlockQuantizer} or a GPU one. It must use the configuration's code table and layout.
         */
        public Builder quantizer(BlockQuantizer q) {
            if (q == null) {
                throw new IllegalArgumentException("quantizer is null; expected a BlockQuantizer");
            }
            this.quantizer = q;
            return this;
        }

        /**
         * Runs the matrix blocks of each parameter in parallel on {@code pool} (default: one after the other on the
         * calling thread). Blocks are independent and write disjoint parts of the direction, so every result is the
         * same, bit for bit, with or without a pool; with OpenBLAS, give each worker one BLAS thread (the default).
         * The caller owns the pool and shuts it down. Parameters still run one after the other.
         */
        public Builder blockPool(java.util.concurrent.ExecutorService pool) {
            if (pool == null) {
                throw new IllegalArgumentException("block pool is null; expected an ExecutorService");
            }
            this.blockPool = pool;
            return this;
        }

        /** @throws IllegalArgumentException with no parameters, or a quantizer of another table or layout */
        public ShampooOptimizer build() {
            if (parameters.isEmpty()) {
                throw new IllegalArgumentException("no parameters registered; expected at least one");
            }
            new Backend(kernels, quantizer).requireCompatible(config);
            return new ShampooOptimizer(this);
        }
    }
}
