package io.qshampoo.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.qshampoo.experiments.LayerShape;
import io.qshampoo.experiments.ModelPresets;
import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.DenseKernelsFactory;

/**
 * Writes one {@code qshampoo-trace/1} trace per parameter of a model preset ({@link ModelPresets}) with
 * {@link TraceFixture}: seeded Gaussian gradients, qshampoo's own states after the dump steps, one directory per
 * parameter holding its {@code manifest.json}. The traces feed the whole-model measurement of
 * {@code qshampoo check trace DIR} (bench/wholemodel/run.sh, docs/oracle.md); {@code WholeModelTracesTest} runs it
 * on a small preset.
 *
 * <p>Usage: {@code WholeModelTraces --preset llama-130m --out DIR [--variant cq+ef] [--steps 4] [--t2 2]
 * [--dump 4] [--kernels openblas|ejml] [--matrices-only] [--only REGEX]}. Parameter names expand the preset's patterns
 * ({@code layers.*.self_attn.{q,k,v,o}_proj.weight} → {@code layers.0.self_attn.q_proj.weight}, …).
 */
final class WholeModelTraces {

    private WholeModelTraces() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> a = new LinkedHashMap<>(Map.of("--variant", "cq+ef", "--steps", "4", "--t2", "2",
                "--dump", "4", "--kernels", "openblas", "--seed", "20261204"));
        boolean matricesOnly = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--matrices-only")) {
                matricesOnly = true;
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                a.put(args[i], args[++i]);
            } else {
                throw new IllegalArgumentException("unexpected argument '" + args[i] + "'; see the class Javadoc");
            }
        }
        if (!a.containsKey("--preset") || !a.containsKey("--out")) {
            throw new IllegalArgumentException("--preset and --out are required");
        }
        int steps = Integer.parseInt(a.get("--steps"));
        int[] dumps = Arrays.stream(a.get("--dump").split(",")).mapToInt(Integer::parseInt).toArray();
        DenseKernelsFactory.Selection kernels = DenseKernelsFactory.select(a.get("--kernels"));
        if (kernels.fallbackReason() != null) {
            System.err.println("kernels: " + kernels.fallbackReason());
        }
        long t0 = System.nanoTime();
        List<Path> written = write(a.get("--preset"), Path.of(a.get("--out")), a.get("--variant"), steps,
                Integer.parseInt(a.get("--t2")), dumps, Long.parseLong(a.get("--seed")), matricesOnly,
                a.get("--only"), kernels.kernels());
        System.out.printf(Locale.ROOT, "wrote %d traces in %.1f s (kernels %s)%n", written.size(),
                (System.nanoTime() - t0) / 1e9, kernels.kernels().name());
    }

    /** Writes the traces; returns their manifests in the preset's order. */
    static List<Path> write(String preset, Path out, String variant, int steps, int t2, int[] dumps, long seed,
                            boolean matricesOnly, String only, DenseKernels kernels) throws IOException {
        List<Path> manifests = new ArrayList<>();
        long s = seed;
        for (LayerShape layer : ModelPresets.of(preset)) {
            if (matricesOnly && layer.shape().length < 2) {
                continue;
            }
            for (String name : names(layer)) {
                if (only != null && !name.matches(only)) {
                    continue;
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("format", "qshampoo-trace/1");
                m.put("variant", variant);
                Map<String, Object> config = new LinkedHashMap<>();
                config.put("t1", 1);
                config.put("t2", t2);
                if (!variant.equals("fp32") && !variant.startsWith("sketchy")) {
                    config.put("bits", 4);
                }
                m.put("config", config);
                Map<String, Object> optimizer = new LinkedHashMap<>();
                optimizer.put("name", "sgd");
                optimizer.put("lr", 0.01);
                optimizer.put("momentum", 0.9);
                m.put("optimizer", optimizer);
                Map<String, Object> parameter = new LinkedHashMap<>();
                parameter.put("name", name);
                parameter.put("shape", Arrays.stream(layer.shape()).boxed().toList());
                m.put("parameter", parameter);
                Path dir = out.resolve(name);
                long t0 = System.nanoTime();
                manifests.add(TraceFixture.write(dir, m, steps, dumps, s++, kernels));
                System.err.printf(Locale.ROOT, "%s %s: %.1f s%n", name, layer.shapeString(), (System.nanoTime() - t0) / 1e9);
            }
        }
        return manifests;
    }

    /**
     * The instance names of a preset entry: comma-separated alternatives, {@code {a,b}} alternatives and a
     * {@code *} layer index, as many as its count.
     */
    static List<String> names(LayerShape layer) {
        List<String> fixed = new ArrayList<>();
        List<List<String>> perLayer = new ArrayList<>();
        int perLayerCount = 0;
        for (String part : layer.name().split(",\\s+")) {
            List<String> expanded = braces(part.trim());
            if (part.contains("*")) {
                perLayer.add(expanded);
                perLayerCount += expanded.size();
            } else {
                fixed.addAll(expanded);
            }
        }
        int layered = layer.count() - fixed.size();
        if (perLayerCount == 0 ? layered != 0 : layered % perLayerCount != 0 || layered < 0) {
            throw new IllegalArgumentException("cannot expand '" + layer.name() + "' to " + layer.count() + " names");
        }
        List<String> names = new ArrayList<>();
        for (int l = 0; perLayerCount > 0 && l < layered / perLayerCount; l++) {
            for (List<String> group : perLayer) {
                for (String n : group) {
                    names.add(n.replace("*", Integer.toString(l)));
                }
            }
        }
        names.addAll(fixed);
        return names;
    }

    private static List<String> braces(String pattern) {
        int open = pattern.indexOf('{');
        if (open < 0) {
            return List.of(pattern);
        }
        int close = pattern.indexOf('}', open);
        List<String> out = new ArrayList<>();
        for (String alt : pattern.substring(open + 1, close).split(",")) {
            out.addAll(braces(pattern.substring(0, open) + alt + pattern.substring(close + 1)));
        }
        return out;
    }
}
