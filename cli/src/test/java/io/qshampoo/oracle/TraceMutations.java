package io.qshampoo.oracle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.qshampoo.linalg.EigenInverseRoot;
import io.qshampoo.linalg.Ridge;
import io.qshampoo.quant.QuantizationConfig;
import io.qshampoo.quant.QuantizedMatrix;
import io.qshampoo.quant.StorageMode;
import io.qshampoo.shampoo.DenseTensor;
import io.qshampoo.shampoo.ShampooOptimizer;
import io.qshampoo.oracle.npy.NpyArray;
import io.qshampoo.oracle.npy.NpyLoader;
import io.qshampoo.oracle.npy.NpyWriter;

/**
 * The trace half of the oracle's mutation suite. A legitimate other side is qshampoo itself with its dense
 * kernels computing in float32 with pairwise sums (an order the band replays do not use); its states are dumped
 * after steps 2, 4 and 6 of a square parameter (so left and right states have one shape), and faults are planted
 * in them: left and right swapped, a stale root (the one of the previous refresh, T2 = 2), a dropped β (the
 * statistic summed without decay, and its root), an element pair of a statistic off by δ, and for 4-bit VQ a
 * wrong trajectory (β = 0.9 instead of 0.95, all states) with only the dequantized states dumped, so the codes
 * cannot catch it. Each trace is judged by {@link TraceReplay}.
 */
final class TraceMutations {

    private static final int STEPS = 6;
    private static final int[] DUMPS = {2, 4, 6};
    private static final String[] SIDES = {"left", "right"};

    private final Path dir;
    private final MutationTable table;
    private final List<String> missed;
    /** 4-bit roots of a wrong trajectory within the worst-case NRE tolerance yet flagged by their code band. */
    final List<String> rootsCaughtByCodesAlone = new ArrayList<>();

    TraceMutations(Path dir, MutationTable table, List<String> missed) {
        this.dir = dir;
        this.table = table;
        this.missed = missed;
    }

    /** The manifest of a variant without gradients and states. */
    private static Map<String, Object> manifest(String variant, int bits, int n, double beta) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("beta", beta);
        config.put("epsilon", 1e-6);
        config.put("t1", 1);
        config.put("t2", 2);
        config.put("bits", bits);
        config.put("minQuantizedElements", 0);
        config.put("rootMethod", "eigen");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", TraceManifest.FORMAT);
        m.put("variant", variant);
        m.put("config", config);
        m.put("optimizer", Map.of("name", "sgd", "lr", 0.1, "momentum", 0.9));
        m.put("parameter", Map.of("name", "w", "shape", List.of(n, n)));
        m.put("precision", "fp32");
        return m;
    }

    /** States after each dumped step, by key, from qshampoo run with the given manifest and kernels. */
    private Map<Integer, Map<String, DMatrixRMaj>> run(Map<String, Object> manifest, List<float[]> gradients, int n,
                                                       RoundedKernels.Summation order) throws IOException {
        Path f = Files.createTempFile(dir, "m", ".json");
        new ObjectMapper().writeValue(f.toFile(), withGradients(manifest, gradients.size()));
        TraceManifest parsed = TraceManifest.read(f);
        DenseTensor w = DenseTensor.float32(n, n);
        ShampooOptimizer opt = ShampooOptimizer.builder(parsed.shampooConfig(), parsed.baseOptimizer(),
                parsed.optimizer().lr()).parameter("w", w).kernels(new RoundedKernels(Precision.FP32, order)).build();
        Map<Integer, Map<String, DMatrixRMaj>> out = new TreeMap<>();
        for (int k = 1; k <= gradients.size(); k++) {
            opt.step(Map.of("w", DenseTensor.wrap(gradients.get(k - 1).clone(), n, n)));
            Map<String, DMatrixRMaj> s = new LinkedHashMap<>();
            opt.inspect().forEach((key, v) -> s.put(key, v.copy()));
            DMatrixRMaj wm = new DMatrixRMaj(n * n, 1);
            for (int i = 0; i < n * n; i++) {
                wm.data[i] = w.get(i);
            }
            s.put("w", wm);
            out.put(k, s);
        }
        return out;
    }

    private static Map<String, Object> withGradients(Map<String, Object> manifest, int steps) {
        Map<String, Object> m = new LinkedHashMap<>(manifest);
        List<String> g = new ArrayList<>();
        for (int k = 1; k <= steps; k++) {
            g.add("g" + k + ".npy");
        }
        m.put("gradients", g);
        return m;
    }

    /** Writes their states (keys → matrices at the dumped steps) and the manifest; returns the replay's report. */
    private TraceReport judge(String name, Map<String, Object> manifest, List<float[]> gradients, int n,
                              Map<Integer, Map<String, DMatrixRMaj>> theirs) throws IOException {
        Path d = Files.createDirectories(dir.resolve(name));
        for (int k = 1; k <= gradients.size(); k++) {
            NpyWriter.write(d.resolve("g" + k + ".npy"), NpyArray.ofFloat32(gradients.get(k - 1), n, n));
        }
        Map<String, Object> m = withGradients(manifest, gradients.size());
        Map<String, Object> states = new LinkedHashMap<>();
        for (int k : DUMPS) {
            Map<String, String> st = new LinkedHashMap<>();
            for (Map.Entry<String, DMatrixRMaj> e : theirs.get(k).entrySet()) {
                String ref = "s" + k + "_" + e.getKey().replace('#', '_').replace('.', '_') + ".npy";
                DMatrixRMaj v = e.getValue();
                float[] f = new float[v.getNumElements()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) v.data[i];
                }
                NpyWriter.write(d.resolve(ref), e.getKey().equals("w") ? NpyArray.ofFloat32(f, n, n)
                        : NpyArray.ofFloat32(f, v.numRows, v.numCols));
                st.put(e.getKey(), ref);
            }
            states.put(Integer.toString(k), st);
        }
        m.put("states", states);
        Path f = d.resolve("manifest.json");
        new ObjectMapper().writeValue(f.toFile(), m);
        return new TraceReplay(TraceManifest.read(f), new NpyLoader(d), name + "/manifest.json").run();
    }

    /** Only the statistics, roots and parameter at the dumped steps. */
    private static Map<Integer, Map<String, DMatrixRMaj>> dumped(Map<Integer, Map<String, DMatrixRMaj>> all) {
        Map<Integer, Map<String, DMatrixRMaj>> out = new TreeMap<>();
        for (int k : DUMPS) {
            Map<String, DMatrixRMaj> s = new LinkedHashMap<>();
            all.get(k).forEach((key, v) -> {
                if (key.equals("w") || key.endsWith(".L") || key.endsWith(".root")) {
                    s.put(key, v.copy());
                }
            });
            out.put(k, s);
        }
        return out;
    }

    private static String decidedBy(TraceReport r) {
        StateComparison c = r.firstDivergence();
        if (c == null) {
            return null;
        }
        String note = c.note() == null ? "" : c.note();
        boolean worst = !(c.nre() <= c.tolerance()) && !note.contains("calibrated band");
        String test = note.contains("code step") ? (worst ? "worst case + code band" : "code band alone")
                : note.contains("calibrated band") ? "float band alone" : "worst case";
        return test + " @" + c.key().replaceAll("^w#0\\.", "");
    }

    private void plant(String check, String fault, String size, String name, Map<String, Object> manifest,
                       List<float[]> g, int n, Map<Integer, Map<String, DMatrixRMaj>> theirs) throws IOException {
        plant(check, fault, size, name, manifest, g, n, theirs, null, 0, Double.NaN, Double.NaN);
    }

    /**
     * Plants one fault. When {@code key} is given, the fault's size (NRE {@code faultNre} of that state) is measured
     * in units of the state's natural spread at {@code step} (the band's threshold / factor). The fault must be
     * flagged when {@code required} is NaN, or when its size exceeds {@code required} (+∞: never required).
     */
    private void plant(String check, String fault, String size, String name, Map<String, Object> manifest,
                       List<float[]> g, int n, Map<Integer, Map<String, DMatrixRMaj>> theirs, String key, int step,
                       double faultNre, double required) throws IOException {
        TraceReport r = judge(name, manifest, g, n, theirs);
        double magnitude = Double.NaN;
        if (key != null) {
            for (StateComparison c : r.comparisons()) {
                if (c.step() == step && c.key().equals(key)) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> cal = (Map<String, Object>) c.derivation().get("calibrated");
                    magnitude = faultNre / (((Number) cal.get("threshold")).doubleValue() / TraceBand.FACTOR);
                }
            }
        }
        table.record(check, fault, size, !r.agrees(), magnitude, decidedBy(r), required);
        StateComparison first = r.firstDivergence();
        if (fault.contains("roots only") && first != null && first.nre() <= first.tolerance()) {
            rootsCaughtByCodesAlone.add(String.format("%s: %s step %d NRE %.3g within tolerance %.3g; %s", name,
                    first.key(), first.step(), first.nre(), first.tolerance(), first.note()));
        }
        if (r.agrees() && (Double.isNaN(required) || magnitude > required)) {
            missed.add(check + ": " + fault + " " + size + " (" + name + ")");
        }
    }

    /**
     * The numpy float32 trace {@code oracle/sensitivity/trace_fp32_long} (32 × 24, 30 steps): a legitimate other
     * side written independently of qshampoo, and the same with its states stored in bf16, or with the root of an
     * older refresh (step 12 given step 3's roots, step 30 given step 12's).
     */
    void numpyLongTrace() throws IOException {
        Path src = Path.of(io.qshampoo.oracle.npy.Fixtures.oracle("sensitivity/trace_fp32_long/manifest.json")
                .toString()).getParent();
        String check = "check trace fp32 (numpy, 30 steps)";
        TraceReport ok = new TraceReplay(TraceManifest.read(src.resolve("manifest.json")), new NpyLoader(src),
                "trace_fp32_long/manifest.json").run();
        table.legitimate(check + (ok.agrees() ? "" : ": " + ok.firstDivergence().key() + " "
                + ok.firstDivergence().note()), ok.agrees());
        for (String fault : new String[] {"states stored in bf16 (fp32 stated)", "stale root (an older refresh)"}) {
            Path d = Files.createDirectories(dir.resolve(fault.startsWith("states") ? "long_bf16" : "long_stale"));
            try (var files = Files.list(src)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.copy(f, d.resolve(f.getFileName().toString()));
                }
            }
            for (int k : new int[] {3, 12, 30}) {
                for (String side : SIDES) {
                    for (String st : new String[] {"L", "root"}) {
                        String file = "s" + k + "_" + side + "_" + st + ".npy";
                        NpyArray a = io.qshampoo.oracle.npy.NpyReader.read(src.resolve(file));
                        float[] v = a.float32Data().clone();
                        if (fault.startsWith("states")) {
                            for (int i = 0; i < v.length; i++) {
                                v[i] = (float) Precision.BF16.round(v[i]);
                            }
                        } else if (st.equals("root") && k > 3) {
                            String older = "s" + (k == 12 ? 3 : 12) + "_" + side + "_root.npy";
                            v = io.qshampoo.oracle.npy.NpyReader.read(src.resolve(older)).float32Data().clone();
                        }
                        NpyWriter.write(d.resolve(file), NpyArray.ofFloat32(v, a.shape()));
                    }
                }
            }
            TraceReport r = new TraceReplay(TraceManifest.read(d.resolve("manifest.json")), new NpyLoader(d),
                    d.getFileName() + "/manifest.json").run();
            table.record(check, fault, "–", !r.agrees(), Double.NaN, decidedBy(r), Double.NaN);
            if (r.agrees()) {
                missed.add(check + ": " + fault);
            }
        }
    }

    /** Runs every case for the given seeds. */
    void run(int seeds) throws IOException {
        for (int seed = 0; seed < seeds; seed++) {
            for (String variant : new String[] {"fp32", "vq"}) {
                int n = variant.equals("fp32") ? 16 : 32;
                int bits = variant.equals("fp32") ? 32 : 4;
                String check = "check trace " + variant + (bits == 4 ? " 4-bit" : "");
                Map<String, Object> manifest = manifest(variant, bits, n, 0.95);
                Random rnd = new Random(1000L * seed + n);
                List<float[]> g = new ArrayList<>();
                for (int k = 0; k < STEPS; k++) {
                    float[] x = new float[n * n];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) rnd.nextGaussian();
                    }
                    g.add(x);
                }
                String tag = variant + "_" + seed;
                Map<Integer, Map<String, DMatrixRMaj>> all = run(manifest, g, n, RoundedKernels.Summation.PAIRWISE);
                Map<Integer, Map<String, DMatrixRMaj>> legit = dumped(all);
                TraceReport ok = judge(tag + "_legit", manifest, g, n, legit);
                table.legitimate(check + " seed " + seed + " (qshampoo, fp32 pairwise products)"
                        + (ok.agrees() ? "" : ": " + ok.firstDivergence().key() + " " + ok.firstDivergence().note()),
                        ok.agrees());

                Map<Integer, Map<String, DMatrixRMaj>> swapped = dumped(all);
                for (int k : DUMPS) {
                    Map<String, DMatrixRMaj> s = swapped.get(k);
                    for (String st : new String[] {"L", "root"}) {
                        DMatrixRMaj l = s.get("w#0.left." + st);
                        s.put("w#0.left." + st, s.get("w#0.right." + st));
                        s.put("w#0.right." + st, l);
                    }
                }
                plant(check, "left and right factors swapped", "–", tag + "_swapped", manifest, g, n, swapped);

                Map<Integer, Map<String, DMatrixRMaj>> stale = dumped(all);
                for (int k : DUMPS) {
                    for (String side : SIDES) {
                        String key = "w#0." + side + ".root";
                        // The root of the previous refresh (T2 = 2); at step 2 that is the initial root I.
                        stale.get(k).put(key, k > 2 ? all.get(k - 2).get(key).copy() : CommonOps_DDRM.identity(n));
                    }
                }
                plant(check, "stale root (previous refresh)", "–", tag + "_stale", manifest, g, n, stale);

                plant(check, "β dropped from the EMA (L ← L + (1−β)·G·Gᵀ)", "–", tag + "_nobeta", manifest, g, n,
                        droppedBeta(legit, g, n, bits == 4 ? new QuantizationConfig(io.qshampoo.quant.Mapping.fromId(
                                "linear-2"), 4, io.qshampoo.quant.BlockLayout.rowSegments(64), 0) : null));

                if (bits == 32) {
                    for (double delta : new double[] {1e-5, 1e-4, 1e-3}) {
                        Map<Integer, Map<String, DMatrixRMaj>> pair = dumped(all);
                        DMatrixRMaj l = pair.get(4).get("w#0.left.L");
                        DMatrixRMaj before = l.copy();
                        l.set(3, 5, l.get(3, 5) * (1 + delta));
                        l.set(5, 3, l.get(5, 3) * (1 + delta));
                        plant(check, "element pair of L ×(1+δ) at step 4", String.format("%.3g%%", 100 * delta),
                                tag + "_pair" + delta, manifest, g, n, pair, "w#0.left.L", 4,
                                io.qshampoo.linalg.MatrixDiscrepancy.between(before, l).nre(),
                                OracleMutationTest.MULTIPLE * TraceBand.FACTOR);
                    }
                } else {
                    // An element pair of the 4-bit root off by δ of its value: flagged once it passes one code step
                    // of its block (gaps of linear-2 are 1/15 to 1/7 of the block absmax); not required below that.
                    for (double delta : new double[] {0.1, 0.5, 2}) {
                        Map<Integer, Map<String, DMatrixRMaj>> pair = dumped(all);
                        DMatrixRMaj root = pair.get(4).get("w#0.left.root");
                        root.set(3, 5, root.get(3, 5) * (1 + delta));
                        root.set(5, 3, root.get(5, 3) * (1 + delta));
                        plant(check, "element pair of the root ×(1+δ) at step 4", String.format("%.0f%%", 100 * delta),
                                tag + "_rootpair" + delta, manifest, g, n, pair, null, 0, Double.NaN,
                                Double.POSITIVE_INFINITY);
                    }
                    Map<Integer, Map<String, DMatrixRMaj>> wrong = dumped(run(manifest(variant, bits, n, 0.9), g, n,
                            RoundedKernels.Summation.PAIRWISE));
                    plant(check, "wrong trajectory (β = 0.9), dequantized states only", "–", tag + "_beta09", manifest,
                            g, n, wrong);
                    Map<Integer, Map<String, DMatrixRMaj>> roots = new TreeMap<>();
                    wrong.forEach((k, st) -> {
                        Map<String, DMatrixRMaj> only = new LinkedHashMap<>();
                        st.forEach((key, v) -> {
                            if (key.endsWith(".root")) {
                                only.put(key, v);
                            }
                        });
                        roots.put(k, only);
                    });
                    plant(check, "wrong trajectory (β = 0.9), dequantized roots only", "–", tag + "_beta09roots",
                            manifest, g, n, roots);
                }
            }
        }
    }

    /**
     * Their L without the EMA's decay, L_k = L_{k−1} + (1 − β)·G_k·G_kᵀ (right: Gᵀ·G) from L₀ = ε·I, and its root
     * (L + ε·λmax·I)^(−1/4) at the refresh steps; stored quantized (DiagReal) when {@code q} is given.
     */
    private static Map<Integer, Map<String, DMatrixRMaj>> droppedBeta(Map<Integer, Map<String, DMatrixRMaj>> legit,
                                                                      List<float[]> g, int n, QuantizationConfig q) {
        Map<Integer, Map<String, DMatrixRMaj>> out = new TreeMap<>();
        double beta = 0.95;
        DMatrixRMaj[] stat = {CommonOps_DDRM.identity(n), CommonOps_DDRM.identity(n)};
        CommonOps_DDRM.scale(1e-6, stat[0]);
        CommonOps_DDRM.scale(1e-6, stat[1]);
        for (int k = 1; k <= g.size(); k++) {
            DMatrixRMaj gm = new DMatrixRMaj(n, n);
            for (int i = 0; i < n * n; i++) {
                gm.data[i] = g.get(k - 1)[i];
            }
            DMatrixRMaj ggt = new DMatrixRMaj(n, n);
            CommonOps_DDRM.multTransB(gm, gm, ggt);
            DMatrixRMaj gtg = new DMatrixRMaj(n, n);
            CommonOps_DDRM.multTransA(gm, gm, gtg);
            CommonOps_DDRM.addEquals(stat[0], 1 - beta, ggt);
            CommonOps_DDRM.addEquals(stat[1], 1 - beta, gtg);
            if (legit.containsKey(k)) {
                Map<String, DMatrixRMaj> s = new LinkedHashMap<>(legit.get(k));
                for (int side = 0; side < 2; side++) {
                    String prefix = "w#0." + SIDES[side] + ".";
                    s.put(prefix + "L", stored(stat[side], q));
                    s.put(prefix + "root", stored(new EigenInverseRoot(Ridge.relative(1e-6)).compute(stat[side], 4)
                            .root(), q));
                }
                out.put(k, s);
            }
        }
        return out;
    }

    private static DMatrixRMaj stored(DMatrixRMaj m, QuantizationConfig q) {
        int n = m.numRows;
        if (q == null) {
            return m.copy();
        }
        float[] d = QuantizedMatrix.quantize(m.data, n, n, StorageMode.DIAG_REAL, q).dequantize();
        DMatrixRMaj out = new DMatrixRMaj(n, n);
        for (int i = 0; i < d.length; i++) {
            out.data[i] = d[i];
        }
        return out;
    }
}
