package io.qshampoo.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.qshampoo.quant.Mapping;
import io.qshampoo.shampoo.Grafting;
import io.qshampoo.shampoo.Variant;
import io.qshampoo.experiments.LayerShape;
import io.qshampoo.experiments.MemoryAccounting;
import io.qshampoo.experiments.MemoryOutput;
import io.qshampoo.experiments.ModelPresets;
import io.qshampoo.experiments.Report;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code qshampoo memory}: optimizer-state bytes per variant for a list of shapes or a model preset, counted by
 * {@code ShampooOptimizer.stateBytes()} itself; see {@link MemoryAccounting} and {@link ModelPresets}.
 */
@Command(name = "memory", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Optimizer-state bytes per variant (fp32, vq, cq, cq+ef, eigen4, eigen4+ef, sketchy, sketchy4) "
                + "for layer shapes or a preset model, as ShampooOptimizer.stateBytes() counts them, with the breakdown "
                + "(codes, scales, kept "
                + "diagonals, fp32 states, scalars, base-optimizer moments).",
                "Presets: " + "resnet34, vit-small, llama-130m, llama-350m, llama-1b (assumptions in ModelPresets' Javadoc).",
                "Writes memory.txt, memory.csv, memory-layers.csv and memory.json into --out."})
final class MemoryCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    static final class Source {
        @Option(names = "--shapes", required = true, description = "Shapes, e.g. 1024x1024,4096x1024*12,768 "
                + "(dimensions joined by x, optional *count).")
        String shapes;

        @Option(names = "--preset", required = true, description = "resnet34, vit-small, llama-130m, llama-350m or llama-1b.")
        String preset;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--variants", split = ",", description = "Variants (default: fp32, vq, cq, cq+ef, eigen4, eigen4+ef, "
            + "sketchy, sketchy4).")
    List<String> variants;

    @Option(names = "--bits", description = "Bits of quantized states: 3, 4 or 8 (default ${DEFAULT-VALUE}).")
    int bits = 4;

    @Option(names = {"--mapping", "--map"}, description = "Code table (sizes do not depend on it) (default ${DEFAULT-VALUE}).")
    String mapping = "linear-2";

    @Option(names = "--block", description = "Block size B (default ${DEFAULT-VALUE}).")
    int block = 64;

    @Option(names = "--layout", description = "rows or tiles (default ${DEFAULT-VALUE}).")
    String layout = "rows";

    @Option(names = "--max-order", description = "Maximum block order (default ${DEFAULT-VALUE}).")
    int maxOrder = 1200;

    @Option(names = "--min-elements", description = "Matrices with fewer elements stay fp32 (default ${DEFAULT-VALUE}).")
    int minElements = 4096;

    @Option(names = "--sketch-rank", description = "Sketchy's ℓ (default ${DEFAULT-VALUE}).")
    int sketchRank = 256;

    @Option(names = "--base", description = "Base optimizer: sgd (no state), sgdm or adamw (default ${DEFAULT-VALUE}).")
    String base = "sgd";

    @Option(names = "--grafting", description = "Grafting: sgd (no state), adagrad or adam (default ${DEFAULT-VALUE}).")
    String grafting = "sgd";

    @Option(names = "--by-layer", description = "Also print preconditioner MiB per shape.")
    boolean byLayer;

    @Option(names = "--out", description = "Output directory (default ./qshampoo-out/memory).")
    Path out = Path.of("qshampoo-out", "memory");

    @Override
    public Integer call() throws Exception {
        try {
            return execute();
        } catch (IllegalArgumentException e) {
            return CommandSupport.badInput("memory", e);
        }
    }

    private int execute() throws Exception {
        CommandSupport.requireOutputDirectory(out);
        List<Variant> vs = new ArrayList<>();
        if (variants == null) {
            vs.addAll(List.of(Variant.values()));
        } else {
            for (String v : variants) {
                vs.add(Variant.fromId(v.trim()));
            }
        }
        List<LayerShape> shapes = source.preset != null ? ModelPresets.of(source.preset) : LayerShape.parseList(source.shapes);
        String what = source.preset != null ? "preset " + source.preset : "shapes " + source.shapes;
        MemoryAccounting.Settings s = new MemoryAccounting.Settings(vs, bits, Mapping.fromId(mapping),
                CommandSupport.layout(layout, block), maxOrder, minElements, sketchRank,
                MemoryAccounting.Base.valueOf(base.trim().toUpperCase(java.util.Locale.ROOT)),
                Grafting.valueOf(grafting.trim().toUpperCase(java.util.Locale.ROOT)), 16L << 20);
        long t0 = System.nanoTime();
        MemoryAccounting.Result r = new MemoryAccounting(s).count(shapes);
        String text = MemoryOutput.text(what + String.format(java.util.Locale.ROOT, " (%,d parameters)",
                ModelPresets.parameters(shapes)), s, r, byLayer);
        System.out.print(text);
        Report.writeText(out.resolve("memory.txt"), text);
        Report.writeText(out.resolve("memory.csv"), Report.csv(MemoryOutput.totals(r)));
        Report.writeText(out.resolve("memory-layers.csv"), Report.csv(MemoryOutput.lines(r)));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("source", what);
        json.put("totals", MemoryOutput.totals(r));
        json.put("layers", MemoryOutput.lines(r));
        Report.writeJson(out.resolve("memory.json"), json);
        ExperimentPage.write(spec, out, "Optimizer-state bytes per variant: " + what,
                ExperimentPage.environmentWithoutKernels());
        System.out.printf(java.util.Locale.ROOT, "%.1f s; wrote memory.txt, memory.csv, memory-layers.csv, memory.json, index.html into %s%n",
                (System.nanoTime() - t0) / 1e9, out);
        return 0;
    }
}
