package io.qshampoo.oracle;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;

import io.qshampoo.linalg.MatrixDiscrepancy;
import io.qshampoo.quant.PackedCodes;
import io.qshampoo.quant.CodeTable;
import io.qshampoo.shampoo.DenseTensor;
import io.qshampoo.shampoo.ShampooConfig;
import io.qshampoo.shampoo.ShampooOptimizer;
import io.qshampoo.oracle.npy.NpyArray;
import io.qshampoo.oracle.npy.NpyDtype;
import io.qshampoo.oracle.npy.NpyLoader;

/**
 * Replays a {@link TraceManifest} with {@link ShampooOptimizer} and compares the other side's states at the
 * steps it names: dequantized matrices by NRE/AE (Li et al. Eq. 9), packed codes code by code, float records by
 * NRE, integer records exactly, each against the tolerance of {@link TraceTolerance}. The replay is free-running:
 * the reference evolves from the gradients alone, never from the other side's states, so a divergence shows at
 * the first step whose states were dumped after it happened.
 *
 * <p>Eigenvector matrices (V, and the sketch basis U) are determined only up to the sign of each column; the
 * other side's columns are flipped to match before the comparison (the report says how many). Codes of V are
 * compared as stored, and so is eigen4+ef's error state A (skew, in the basis' own coordinates, whose signs it
 * carries: compare A only with a side that keeps the same eigenvector signs).
 *
 * <p>Everything the manifest names — state keys, record tags, files — is checked before the first step, so a
 * typo fails at once with exit code 2 rather than after a long replay.
 */
public final class TraceReplay {

    /** Differing codes or values listed per comparison. */
    static final int LISTED = 20;

    private final TraceManifest manifest;
    private final NpyLoader loader;
    private final String name;
    /** The calibrated float band's replays (null for quantized traces or a fixed NRE tolerance). */
    private TraceBand band;
    /** Runs the blocks of the parameter in parallel, or null: one after the other. */
    private java.util.concurrent.ExecutorService pool;
    private int workers = 1;
    private java.util.function.Consumer<String> progress = line -> { };
    private String throughput = "";
    /** Shared progress of several traces, or null: this replay counts its own. */
    private WorkProgress sharedWork;
    private io.qshampoo.linalg.DenseKernels kernels = io.qshampoo.linalg.DenseKernels.reference();

    /**
     * @param manifest the manifest
     * @param loader   resolves its file references (relative to the manifest's directory)
     * @param name     the manifest's file name, for messages
     */
    public TraceReplay(TraceManifest manifest, NpyLoader loader, String name) {
        this.manifest = manifest;
        this.loader = loader;
        this.name = name;
    }

    /**
     * Replays the parameter's blocks in parallel on {@code pool} ({@link ShampooOptimizer.Builder#blockPool}): the
     * same states, bit for bit, and so the same report, on any number of workers.
     *
     * @param workers the pool's threads, for the throughput line
     * @return this
     */
    public TraceReplay withBlockPool(java.util.concurrent.ExecutorService pool, int workers) {
        if (pool == null || workers < 1) {
            throw new IllegalArgumentException("a block pool and at least one worker are needed; found " + pool + ", "
                    + workers);
        }
        this.pool = pool;
        this.workers = workers;
        return this;
    }

    /** Receives one {@link WorkProgress} line per replayed step. */
    public TraceReplay withProgress(java.util.function.Consumer<String> sink) {
        this.progress = java.util.Objects.requireNonNull(sink, "sink");
        return this;
    }

    /**
     * Counts the replayed block-steps on {@code work}, shared with other traces, instead of on a progress of its own;
     * each line names the parameter. {@link #throughput()} is then empty (the owner of {@code work} summarizes it).
     */
    public TraceReplay withWork(WorkProgress work) {
        this.sharedWork = java.util.Objects.requireNonNull(work, "work");
        return this;
    }

    /**
     * The dense kernels of the reference replay (default {@link io.qshampoo.linalg.DenseKernels#reference()}, EJML,
     * bit-stable); another backend differs by rounding in float64 (about 1e-13), far inside every trace tolerance.
     * The calibrated band's replays keep their emulated precision whatever is set here.
     */
    public TraceReplay withKernels(io.qshampoo.linalg.DenseKernels kernels) {
        this.kernels = java.util.Objects.requireNonNull(kernels, "kernels");
        return this;
    }

    /** After {@link #run()}: the blocks replayed per second against the workers and the cores. */
    public String throughput() {
        return throughput;
    }

    /**
     * Runs the replay and all comparisons.
     *
     * @throws IllegalArgumentException for a missing or malformed file, a key the optimizer does not have, or a
     *                                  replay the reference itself cannot carry out
     */
    public TraceReport run() {
        TraceBounds.check(manifest, loader, name, Runtime.getRuntime().maxMemory());
        ShampooConfig cfg = withCodeTable(manifest.shampooConfig());
        TraceManifest.Parameter param = manifest.parameter();
        DenseTensor w = initial(param);
        DenseTensor w0 = w.copy();
        ShampooOptimizer.Builder builder = ShampooOptimizer.builder(cfg, manifest.baseOptimizer(),
                manifest.optimizer().lr()).parameter(param.name(), w).kernels(kernels);
        ShampooOptimizer opt = (pool == null ? builder : builder.blockPool(pool)).build();
        TreeMap<Integer, Map<String, String>> states = manifest.stateSteps();
        TreeMap<Integer, Map<String, String>> records = manifest.recordSteps();
        checkNames(opt, states, records, param.name());
        TraceTolerance tolerance = new TraceTolerance(cfg, manifest.precisionValue(), manifest.tolerance());
        boolean quantized = opt.storedRecords().keySet().stream().anyMatch(t -> t.endsWith(".codes"));
        band = fixedNre() || quantized ? null
                : TraceBand.start(cfg, manifest::baseOptimizer, manifest.optimizer().lr(), param.name(), w0,
                        manifest.precisionValue(), pool);
        int blocks = Math.max(1, opt.blockCount(param.name()));
        WorkProgress work = sharedWork != null ? sharedWork
                : new WorkProgress("check trace", "block-steps", manifest.steps() * blocks, workers, progress);
        String item = sharedWork != null ? param.name() + " step " : "step ";

        List<StateComparison> results = new ArrayList<>();
        StateComparison first = null;
        EigenbasisIndeterminacy basis = new EigenbasisIndeterminacy(cfg, manifest.precisionValue());
        for (int k = 1; k <= manifest.steps(); k++) {
            DenseTensor g = gradient(k, param);
            try {
                opt.step(Map.of(param.name(), g));
                band = band == null ? null : band.step(g);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(name + ": the reference cannot replay step " + k + " ("
                        + manifest.gradients().get(k - 1) + "): " + e.getMessage(), e);
            }
            work.done(blocks, item + k);
            boolean compared = states.containsKey(k) || records.containsKey(k);
            if (!compared && (first != null || !basis.applies())) {
                continue;
            }
            Map<String, DMatrixRMaj> ours = opt.inspect();
            if (first == null) {
                basis.observe(k, ours);
            }
            if (!compared) {
                continue;
            }
            Step step = new Step(k, ours, opt.storedRecords(), cfg, tolerance);
            for (Map.Entry<String, String> e : states.getOrDefault(k, Map.of()).entrySet()) {
                StateComparison c = e.getKey().equals(param.name())
                        ? step.parameter(e.getKey(), e.getValue(), w, w0)
                        : step.matrix(e.getKey(), e.getValue());
                results.add(c);
                first = first == null && !c.ok() ? c : first;
            }
            for (Map.Entry<String, String> e : records.getOrDefault(k, Map.of()).entrySet()) {
                StateComparison c = step.record(e.getKey(), e.getValue());
                results.add(c);
                first = first == null && !c.ok() ? c : first;
            }
        }
        throughput = sharedWork != null ? "" : work.summary();
        return new TraceReport(name, cfg.variant().id(), manifest.steps(), manifest.precisionValue().id(), results, first,
                basis.explain(first));
    }

    /** The config with the manifest's {@code codeTable} file, if any: float32, 2^bits strictly increasing entries. */
    private ShampooConfig withCodeTable(ShampooConfig cfg) {
        if (manifest.codeTable() == null) {
            return cfg;
        }
        NpyArray a = loader.read(manifest.codeTable());
        int entries = 1 << cfg.bits();
        if (a.dtype() != NpyDtype.FLOAT32 || a.size() != entries) {
            throw new IllegalArgumentException(a.source() + " holds " + a.describe() + "; the code table must be float32 with "
                    + entries + " entries (2^bits, bits = " + cfg.bits() + ")");
        }
        try {
            return cfg.toBuilder().codeTable(CodeTable.custom(cfg.storage().mapping(), a.float32Data())).build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(a.source() + ": " + e.getMessage(), e);
        }
    }

    private DenseTensor initial(TraceManifest.Parameter p) {
        if (p.initial() == null) {
            return DenseTensor.float32(p.shape());
        }
        return tensor(loader.read(p.initial()), p.shape(), "initial value of '" + p.name() + "'");
    }

    private DenseTensor gradient(int k, TraceManifest.Parameter p) {
        return tensor(loader.read(manifest.gradients().get(k - 1)), p.shape(), "gradient of step " + k);
    }

    /** A float32 or float64 file of the parameter's shape as a tensor of the same precision. */
    private static DenseTensor tensor(NpyArray a, int[] shape, String what) {
        if (!java.util.Arrays.equals(a.shape(), shape)) {
            throw new IllegalArgumentException(a.source() + " holds " + a.describe() + "; the " + what + " must have shape "
                    + java.util.Arrays.toString(shape));
        }
        if (a.dtype() == NpyDtype.FLOAT32) {
            return DenseTensor.wrap(a.float32Data(), shape);
        }
        if (a.dtype() == NpyDtype.FLOAT64) {
            return DenseTensor.wrap(a.toDoubles(), shape);
        }
        throw new IllegalArgumentException(a.source() + " holds " + a.describe() + "; the " + what
                + " must be float32 or float64");
    }

    /** Every named state and record exists in the optimizer, every file exists. */
    private void checkNames(ShampooOptimizer opt, TreeMap<Integer, Map<String, String>> states,
                            TreeMap<Integer, Map<String, String>> records, String parameter) {
        TreeSet<String> keys = new TreeSet<>(opt.inspect().keySet());
        TreeSet<String> tags = new TreeSet<>(opt.storedRecords().keySet());
        states.forEach((k, m) -> m.keySet().forEach(key -> {
            if (!key.equals(parameter) && !keys.contains(key)) {
                throw new IllegalArgumentException(name + ": step " + k + " names state '" + key + "'; the "
                        + manifest.variant() + " optimizer has " + keys + " and the parameter '" + parameter + "'");
            }
        }));
        records.forEach((k, m) -> m.keySet().forEach(tag -> {
            if (!tags.contains(tag)) {
                throw new IllegalArgumentException(name + ": step " + k + " names record '" + tag + "'; the "
                        + manifest.variant() + " optimizer stores " + tags);
            }
        }));
        List<String> refs = new ArrayList<>(manifest.gradients());
        if (manifest.parameter().initial() != null) {
            refs.add(manifest.parameter().initial());
        }
        if (manifest.codeTable() != null) {
            refs.add(manifest.codeTable());
        }
        states.values().forEach(m -> refs.addAll(m.values()));
        records.values().forEach(m -> refs.addAll(m.values()));
        for (String r : refs) {
            Path f = loader.resolve(r);
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException(f + ": no such file (named in " + name + ")");
            }
        }
    }

    /** The comparisons of one step, with the per-factor quantities (κ, orders, flip terms) computed once. */
    private final class Step {
        private final int k;
        private final Map<String, DMatrixRMaj> ours;
        private final Map<String, Object> records;
        private final ShampooConfig cfg;
        private final TraceTolerance tolerance;
        private final Map<String, Double> kappas = new HashMap<>();

        Step(int k, Map<String, DMatrixRMaj> ours, Map<String, Object> records, ShampooConfig cfg,
             TraceTolerance tolerance) {
            this.k = k;
            this.ours = ours;
            this.records = records;
            this.cfg = cfg;
            this.tolerance = tolerance;
        }

        double kappa(String sidePrefix) {
            return kappas.computeIfAbsent(sidePrefix, p -> Conditioning.of(ours, p, cfg, kernels));
        }

        int order(String sidePrefix) {
            for (String s : new String[] {"root", "L", "C", "V", "U"}) {
                DMatrixRMaj m = ours.get(sidePrefix + "." + s);
                if (m != null) {
                    return m.numRows;
                }
            }
            throw new IllegalStateException("no states under " + sidePrefix);
        }

        int blockSize(FactorKey f) {
            return Math.max(order(f.sidePrefix()), order(f.otherSidePrefix()));
        }

        boolean quantized(String sidePrefix, String state) {
            String stored = switch (state) {
                case "E" -> "CE";
                case "C" -> records.containsKey(sidePrefix + ".CE.codes") ? "CE" : "C";
                case "U" -> records.containsKey(sidePrefix + ".sketch.Ut.codes") ? "sketch.Ut" : "U"; // sketchy4
                default -> state;
            };
            return records.containsKey(sidePrefix + "." + stored + ".codes");
        }

        /** The statistic feeding a factor's root: L, C or V, or null (sketchy). */
        String statistic() {
            return switch (cfg.variant()) {
                case FP32, VQ -> "L";
                case CQ, CQ_EF -> "C";
                case EIGEN4, EIGEN4_EF -> "V";
                case SKETCHY, SKETCHY4 -> null;
            };
        }

        /** The tolerance of a state of a factor, its flip term included. */
        TraceTolerance.Value tolerance(FactorKey f, String state) {
            String side = f.sidePrefix();
            int n = order(side);
            int d = blockSize(f);
            double kappa = kappa(side);
            boolean triangle = "C".equals(state) || "E".equals(state) || "A".equals(state);
            long codes = triangle ? (long) n * (n - 1) / 2
                    : "U".equals(state) ? (long) n * ours.get(side + ".U").numCols : (long) n * n;
            DMatrixRMaj x = ours.get(side + "." + state);
            // A (eigen4+ef) is compared as the skew n×n matrix but stored as its strictly lower triangle, whose
            // Frobenius norm is ‖A‖_F/√2: the spread of the stored values is √2 times that of A.
            double spread = "A".equals(state) ? Math.sqrt(2) * spread(x) : spread(x);
            double ratio = 1;
            double upstream = 0;
            if ("E".equals(state) || "A".equals(state)) {
                // An error state is a small difference of the factor it belongs to (C, or the eigenvectors V): its
                // relative tolerance is the factor's, scaled by ‖factor‖/‖error‖.
                String factor = "E".equals(state) ? "C" : "V";
                TraceTolerance.Value c = tolerance(f, factor);
                double e = x == null ? 0 : NormOps_DDRM.normF(x);
                double cn = NormOps_DDRM.normF(ours.get(side + "." + factor));
                ratio = e > 0 ? Math.max(1, cn / e) : 1;
                upstream = ((Number) c.ingredients().get("flipTerm")).doubleValue();
            } else if ("root".equals(state) && statistic() != null) {
                upstream = ((Number) tolerance(f, statistic()).ingredients().get("flipTerm")).doubleValue();
            }
            return tolerance.state(state, k, d, kappa, quantized(side, state), codes, spread, ratio, upstream);
        }

        StateComparison matrix(String key, String file) {
            FactorKey f = FactorKey.parse(key);
            DMatrixRMaj mine = ours.get(key);
            NpyArray a = loader.read(file);
            double[] theirs = values(a, mine.getNumElements(), mine.numRows, mine.numCols, "state " + key);
            DMatrixRMaj t = DMatrixRMaj.wrap(mine.numRows, mine.numCols, theirs);
            String note = null;
            if ("V".equals(f.state()) || "U".equals(f.state())) {
                int flipped = alignSigns(mine, t);
                note = flipped == 0 ? null : flipped + " column(s) sign-flipped to match (eigenvectors have no sign)";
            }
            TraceTolerance.Value tol = tolerance(f, f.state());
            QuantizedStateBand codes = fixedNre() ? null
                    : QuantizedStateBand.of(records, f.sidePrefix(), f.state(), mine, cfg.quantization());
            return StateBands.apply(compareMatrices(key, file, "matrix", mine, t, tol, note),
                    band == null ? Double.NaN : band.spread(key, mine), codes, t, tol.base());
        }

        StateComparison parameter(String key, String file, DenseTensor w, DenseTensor w0) {
            int size = w.size();
            double[] mine = new double[size];
            double moved = 0;
            for (int i = 0; i < size; i++) {
                mine[i] = w.get(i);
                double dlt = w.get(i) - w0.get(i);
                moved += dlt * dlt;
            }
            NpyArray a = loader.read(file);
            double[] theirs = values(a, size, size, 1, "parameter " + key);
            double norm = Math.sqrt(dot(mine, mine));
            double fraction = norm == 0 ? 1 : Math.sqrt(moved) / norm;
            double roots = 0;
            int d = 1;
            java.util.Set<Integer> blocks = new java.util.TreeSet<>();
            for (String s : ours.keySet()) {
                FactorKey f = FactorKey.parse(s);
                if (f != null && f.parameter().equals(key) && blocks.add(f.block())) {
                    // Every variant's direction goes through both sides' (explicit or factored) inverse roots.
                    FactorKey left = new FactorKey(f.parameter(), f.block(), "left", "root", "");
                    FactorKey right = new FactorKey(f.parameter(), f.block(), "right", "root", "");
                    roots = Math.max(roots, tolerance(left, "root").nre() + tolerance(right, "root").nre());
                    d = Math.max(d, blockSize(f));
                }
            }
            if (d == 1) {
                d = size;
            }
            TraceTolerance.Value tol = tolerance.parameter(k, d, roots, fraction);
            DMatrixRMaj m = DMatrixRMaj.wrap(size, 1, mine);
            DMatrixRMaj t = DMatrixRMaj.wrap(size, 1, theirs);
            return StateBands.apply(compareMatrices(key, file, "parameter", m, t, tol, null),
                    band == null ? Double.NaN : band.spread(key, m), null, t, tol.base());
        }

        private StateComparison compareMatrices(String key, String file, String kind, DMatrixRMaj mine,
                                                DMatrixRMaj theirs, TraceTolerance.Value tol, String note) {
            for (double v : theirs.data) {
                if (!Double.isFinite(v)) {
                    return new StateComparison(k, key, kind, file, Double.POSITIVE_INFINITY, null, null, null, null,
                            null, tol.nre(), false, join(note, "their values are not all finite"), null,
                            tol.ingredients());
                }
            }
            boolean mineZero = CommonOps_DDRM.elementMaxAbs(mine) == 0;
            boolean theirsZero = CommonOps_DDRM.elementMaxAbs(theirs) == 0;
            double nre;
            Double ae;
            if (mineZero || theirsZero) {
                nre = mineZero && theirsZero ? 0 : mineZero ? Double.POSITIVE_INFINITY : 1;
                ae = null;
                note = join(note, mineZero && theirsZero ? "both are zero" : (mineZero ? "the reference" : "theirs")
                        + " is zero");
            } else {
                MatrixDiscrepancy d = MatrixDiscrepancy.between(mine, theirs);
                nre = d.nre();
                ae = d.aeDegrees();
            }
            return new StateComparison(k, key, kind, file, nre, ae, null, null, null, null, tol.nre(),
                    nre <= tol.nre(), note, null, tol.ingredients());
        }

        StateComparison record(String tag, String file) {
            FactorKey f = FactorKey.parse(tag);
            Object mine = records.get(tag);
            NpyArray a = loader.read(file);
            if (mine instanceof byte[] codes) {
                return codes(tag, file, f, codes, a);
            }
            if (mine instanceof float[] || mine instanceof double[]) {
                double[] m = mine instanceof float[] fl ? widen(fl) : (double[]) mine;
                double[] t = values(a, m.length, m.length, 1, "record " + tag);
                String note = null;
                if ("sketch".equals(f.state()) && "U".equals(f.rest())) {
                    // The fp32 sketch's basis, n × ℓ row-major: its columns have no sign, as the U state's.
                    int n = order(f.sidePrefix());
                    if (m.length % n == 0) {
                        int flipped = alignSigns(DMatrixRMaj.wrap(n, m.length / n, m), DMatrixRMaj.wrap(n, m.length / n, t));
                        note = flipped == 0 ? null : flipped + " column(s) sign-flipped to match (eigenvectors have no sign)";
                    }
                }
                int differ = 0;
                List<Map<String, Object>> listed = new ArrayList<>();
                for (int i = 0; i < m.length; i++) {
                    boolean same = mine instanceof float[] fl
                            ? Float.floatToRawIntBits(fl[i]) == Float.floatToRawIntBits((float) t[i])
                                    && (float) t[i] == t[i]
                            : Double.doubleToRawLongBits(m[i]) == Double.doubleToRawLongBits(t[i]);
                    if (!same) {
                        differ++;
                        if (listed.size() < LISTED) {
                            listed.add(JsonReport.object("index", i, "ours", m[i], "theirs", t[i]));
                        }
                    }
                }
                TraceTolerance.Value tol = tolerance(f, owner(f));
                StateComparison c = compareMatrices(tag, file, "vector", DMatrixRMaj.wrap(m.length, 1, m),
                        DMatrixRMaj.wrap(t.length, 1, t), tol, note);
                return new StateComparison(k, tag, "vector", file, c.nre(), null, m.length, differ, null, null,
                        c.tolerance(), c.ok(), c.note(), listed, c.derivation());
            }
            long[] m = longs(mine);
            if (!a.dtype().isInteger() || a.size() != m.length) {
                throw new IllegalArgumentException(a.source() + " holds " + a.describe() + "; record " + tag + " has "
                        + m.length + " integer value(s)");
            }
            long[] t = a.toLongs();
            int differ = 0;
            List<Map<String, Object>> listed = new ArrayList<>();
            for (int i = 0; i < m.length; i++) {
                if (m[i] != t[i] && ++differ <= LISTED) {
                    listed.add(JsonReport.object("index", i, "ours", m[i], "theirs", t[i]));
                }
            }
            return new StateComparison(k, tag, "exact", file, null, null, m.length, differ, null, null, null,
                    differ == 0, null, listed, null);
        }

        /** The state a record's tolerance comes from: E for the error half of a CE pair, C for the rest of it. */
        private String owner(FactorKey f) {
            if ("CE".equals(f.state())) {
                return f.rest().startsWith("error") ? "E" : "C";
            }
            return switch (f.state()) {
                case "L", "C", "E", "A", "V", "S", "U", "sigma", "rho", "root" -> f.state();
                case "sketch" -> f.rest().isEmpty() || f.rest().startsWith("Ut.") ? "U" : f.rest();
                default -> "C";
            };
        }

        private StateComparison codes(String tag, String file, FactorKey f, byte[] mine, NpyArray a) {
            if (a.dtype() != NpyDtype.UINT8 || a.size() != mine.length) {
                throw new IllegalArgumentException(a.source() + " holds " + a.describe() + "; record " + tag + " is "
                        + mine.length + " packed code bytes (uint8)");
            }
            int bits = cfg.bits();
            int n = order(f.sidePrefix());
            boolean lower = "C".equals(f.state()) || "A".equals(f.state());
            int count = lower ? n * (n - 1) / 2 : n * n;
            if (PackedCodes.byteLength(bits, count) != mine.length) {
                count = mine.length * 8 / bits;
            }
            PackedCodes ourCodes = PackedCodes.of(bits, count, mine);
            PackedCodes theirCodes = PackedCodes.of(bits, count, a.uint8Data());
            int differ = 0;
            int far = 0;
            List<Map<String, Object>> listed = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int o = ourCodes.get(i);
                int t = theirCodes.get(i);
                if (o != t) {
                    differ++;
                    far += Math.abs(o - t) > 1 ? 1 : 0;
                    if (listed.size() < LISTED) {
                        int[] ij = BlockIndex.element(lower ? io.qshampoo.quant.StorageMode.STRICTLY_LOWER
                                : io.qshampoo.quant.StorageMode.FULL, n, i);
                        Map<String, Object> m = JsonReport.object("index", i, "row", ij[0], "col", ij[1], "ours", o,
                                "theirs", t);
                        if ("CE".equals(f.state())) {
                            m.put("part", ij[0] > ij[1] ? "C" : ij[0] < ij[1] ? "E (transposed)" : "diagonal slot");
                        }
                        listed.add(m);
                    }
                }
            }
            TraceTolerance.Value tol = tolerance(f, "CE".equals(f.state()) ? "C" : owner(f));
            int allowed = tolerance.allowedFlips(count, tol.base());
            boolean ok = far == 0 && differ <= allowed;
            String note = "sketch".equals(f.state()) && !ok ? oppositeDirections(ourCodes, theirCodes, count, n) : null;
            return new StateComparison(k, tag, "codes", file, null, null, count, differ, far, allowed, null, ok,
                    note, listed, tol.ingredients());
        }

        /**
         * sketchy4 stores each direction (a row of Uᵀ, n codes) with its largest component positive: a row whose
         * decoded values point against ours is the same direction with the other sign, which the convention rules
         * out. Names those rows, or null.
         */
        private String oppositeDirections(PackedCodes ourCodes, PackedCodes theirCodes, int count, int n) {
            if (count % n != 0) {
                return null;
            }
            io.qshampoo.quant.CodeTable table = cfg.quantization().table();
            List<Integer> rows = new ArrayList<>();
            for (int r = 0; r < count / n; r++) {
                double dot = 0;
                for (int i = r * n; i < (r + 1) * n; i++) {
                    dot += (double) table.value(ourCodes.get(i)) * table.value(theirCodes.get(i));
                }
                if (dot < 0) {
                    rows.add(r);
                }
            }
            return rows.isEmpty() ? null : "their direction(s) " + rows + " point the other way: sketchy4 stores each"
                    + " direction with its largest component positive (docs/conventions.md), a convention their side"
                    + " does not follow";
        }
    }

    /** Their values as doubles, checking type and element count (any shape with that count is accepted). */
    private static double[] values(NpyArray a, int count, int rows, int cols, String what) {
        if (!a.dtype().isFloat()) {
            throw new IllegalArgumentException(a.source() + " holds " + a.describe() + "; the " + what
                    + " must be float32 or float64");
        }
        if (a.size() != count || (a.rank() == 2 && rows > 1 && cols > 1 && (a.dim(0) != rows || a.dim(1) != cols))) {
            throw new IllegalArgumentException(a.source() + " holds " + a.describe() + "; the " + what + " is "
                    + rows + " × " + cols);
        }
        return a.toDoubles();
    }

    private boolean fixedNre() {
        return manifest.tolerance() != null && manifest.tolerance().nre() != null;
    }

    /** Flips the columns of theirs whose dot product with ours is negative; returns how many. */
    static int alignSigns(DMatrixRMaj ours, DMatrixRMaj theirs) {
        int flipped = 0;
        for (int j = 0; j < ours.numCols; j++) {
            double dot = 0;
            for (int i = 0; i < ours.numRows; i++) {
                dot += ours.get(i, j) * theirs.get(i, j);
            }
            if (dot < 0) {
                flipped++;
                for (int i = 0; i < ours.numRows; i++) {
                    theirs.set(i, j, -theirs.get(i, j));
                }
            }
        }
        return flipped;
    }

    /** max|X| / ‖X‖_F (0 for a zero or missing matrix). */
    private static double spread(DMatrixRMaj x) {
        if (x == null) {
            return 0;
        }
        double norm = NormOps_DDRM.normF(x);
        return norm == 0 ? 0 : CommonOps_DDRM.elementMaxAbs(x) / norm;
    }

    private static double[] widen(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static long[] longs(Object v) {
        if (v instanceof int[] ints) {
            long[] l = new long[ints.length];
            for (int i = 0; i < ints.length; i++) {
                l[i] = ints[i];
            }
            return l;
        }
        if (v instanceof Long l) {
            return new long[] {l};
        }
        if (v instanceof Double d) {
            throw new IllegalArgumentException("record holds a double scalar " + d + "; compare it as a file of one value");
        }
        throw new IllegalStateException("unexpected record type " + v.getClass().getSimpleName());
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static String join(String a, String b) {
        return a == null ? b : a + "; " + b;
    }
}
