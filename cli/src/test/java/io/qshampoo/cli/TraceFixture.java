package io.qshampoo.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.ejml.data.DMatrixRMaj;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.qshampoo.shampoo.DenseTensor;
import io.qshampoo.shampoo.ShampooOptimizer;
import io.qshampoo.oracle.npy.NpyArray;
import io.qshampoo.oracle.npy.NpyWriter;
import io.qshampoo.oracle.TraceManifest;

/**
 * Writes a trace as the other side would: seeded gradients, the states qshampoo itself computes at chosen steps
 * (every inspect() key and every stored record), and the manifest naming them — so a check must agree, and a
 * tampered file must be found.
 */
final class TraceFixture {

    private TraceFixture() {
    }

    /**
     * Writes gradients g1.npy … gT.npy, states under s{k}/, records under r{k}/, and manifest.json into dir.
     *
     * @param manifest the manifest as a JSON object without gradients, states and records (they are added)
     */
    static Path write(Path dir, Map<String, Object> manifest, int steps, int[] dumpSteps, long seed) throws IOException {
        return write(dir, manifest, steps, dumpSteps, seed, io.qshampoo.linalg.DenseKernels.reference());
    }

    /** As above, with the optimizer that writes the trace running on {@code kernels} (another side's rounding). */
    @SuppressWarnings("unchecked")
    static Path write(Path dir, Map<String, Object> manifest, int steps, int[] dumpSteps, long seed,
                      io.qshampoo.linalg.DenseKernels kernels) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Map<String, Object> m = new LinkedHashMap<>(manifest);
        Map<String, Object> parameter = (Map<String, Object>) m.get("parameter");
        String name = (String) parameter.get("name");
        int[] shape = ((List<Integer>) parameter.get("shape")).stream().mapToInt(Integer::intValue).toArray();
        List<String> grads = new ArrayList<>();
        m.put("gradients", grads);
        m.put("states", new LinkedHashMap<>());
        m.put("records", new LinkedHashMap<>());
        // Build the optimizer from the manifest itself, so fixture and check read the same settings.
        Path file = dir.resolve("manifest.json");
        Files.createDirectories(dir);
        Random rnd = new Random(seed);
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        List<float[]> gs = new ArrayList<>();
        for (int k = 1; k <= steps; k++) {
            float[] g = new float[size];
            for (int i = 0; i < size; i++) {
                g[i] = (float) rnd.nextGaussian();
            }
            gs.add(g);
            String ref = "g" + k + ".npy";
            NpyWriter.write(dir.resolve(ref), NpyArray.ofFloat32(g, shape));
            grads.add(ref);
        }
        json.writeValue(file.toFile(), m);
        TraceManifest parsed = TraceManifest.read(file);
        DenseTensor w = DenseTensor.float32(shape);
        ShampooOptimizer opt = ShampooOptimizer.builder(parsed.shampooConfig(), parsed.baseOptimizer(),
                parsed.optimizer().lr()).parameter(name, w).kernels(kernels).build();
        Map<String, Object> states = (Map<String, Object>) m.get("states");
        Map<String, Object> records = (Map<String, Object>) m.get("records");
        for (int k = 1; k <= steps; k++) {
            opt.step(Map.of(name, DenseTensor.wrap(gs.get(k - 1), shape)));
            final int step = k;
            if (java.util.Arrays.stream(dumpSteps).noneMatch(s -> s == step)) {
                continue;
            }
            Map<String, String> st = new LinkedHashMap<>();
            for (Map.Entry<String, DMatrixRMaj> e : opt.inspect().entrySet()) {
                DMatrixRMaj v = e.getValue();
                float[] f = new float[v.getNumElements()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) v.data[i];
                }
                String ref = "s" + k + "/" + safe(e.getKey()) + ".npy";
                NpyWriter.write(dir.resolve(ref), NpyArray.ofFloat32(f, v.numRows, v.numCols));
                st.put(e.getKey(), ref);
            }
            String wref = "s" + k + "/" + name + ".npy";
            NpyWriter.write(dir.resolve(wref), NpyArray.ofFloat32(w.float32Data().clone(), shape));
            st.put(name, wref);
            states.put(Integer.toString(k), st);
            Map<String, String> rec = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : opt.storedRecords().entrySet()) {
                String ref = "r" + k + "/" + safe(e.getKey()) + ".npy";
                Object v = e.getValue();
                NpyArray a;
                if (v instanceof byte[] b) {
                    a = NpyArray.ofUint8(b, b.length);
                } else if (v instanceof float[] f) {
                    a = NpyArray.ofFloat32(f, f.length);
                } else if (v instanceof int[] ints) {
                    a = NpyArray.ofInt32(ints, ints.length);
                } else if (v instanceof Long l) {
                    a = NpyArray.ofInt64(new long[] {l}, 1);
                } else if (v instanceof double[] d) {
                    a = NpyArray.ofFloat64(d, d.length);
                } else {
                    continue;
                }
                NpyWriter.write(dir.resolve(ref), a);
                rec.put(e.getKey(), ref);
            }
            if (!rec.isEmpty()) { // a rank ≤ 1 parameter (the diagonal method) stores no records
                records.put(Integer.toString(k), rec);
            }
        }
        json.writeValue(file.toFile(), m);
        return file;
    }

    private static String safe(String key) {
        return key.replace('#', '_').replace('.', '_');
    }
}
