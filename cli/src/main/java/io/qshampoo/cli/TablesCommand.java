package io.qshampoo.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.Mapping;
import io.qshampoo.experiments.QuantizationErrorTable;
import io.qshampoo.experiments.Report;
import io.qshampoo.experiments.Spectrum;
import io.qshampoo.experiments.MatrixSource;
import io.qshampoo.experiments.NpyMatrixSource;
import io.qshampoo.experiments.SyntheticMatrixSource;
import io.qshampoo.experiments.TableOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code qshampoo tables}: NRE and AE (Li et al. Eq. 9) of the inverse 4th root of a synthetic SPD matrix under
 * every mapping × bits × quantized object; see {@link QuantizationErrorTable} for the exact meaning of each row.
 */
@Command(name = "tables", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"NRE and AE (Li et al. Eq. 9) of A^(-1/4) when A, its Cholesky factor C, its eigenvectors U "
                + "(with and without Björck), or the root B are quantized; mapping × bits × target.",
                "Rows: A = sym(D(Q(A))) DiagReal (VQ); C = D(C)D(C)ᵀ, C strictly-lower (CQ); U = V·Λ·Vᵀ, "
                        + "V = D(Q(U)) [Björck]; U-root = V(Λ+ελmax)^(-1/4)Vᵀ (Wang's root path); B = D(Q(A^(-1/4))); "
                        + "X+B = the root of X quantized again (what the 4-bit optimizers store).",
                "Writes tables.txt, tables.csv and tables.json into --out."})
final class TablesCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--n", description = "Matrix order (default ${DEFAULT-VALUE}, the papers' block size; "
            + "about 4 CPU-seconds per mapping×bits at 1200 on OpenBLAS, about 37 in all, spread over --threads; "
            + "several minutes with --kernels ejml — use e.g. --n 256 for a quick look, seconds).")
    int n = 1200;

    @Option(names = "--spectrum", description = "Eigenvalues as value:count pairs; counts not adding up to n are "
            + "scaled to n (default ${DEFAULT-VALUE}).")
    String spectrum = "1:600,1e-4:600";

    @Option(names = "--matrix", paramLabel = "FILE.npy", description = "A symmetric positive definite matrix from an "
            + ".npy file (float32/float64), archive.npz:key or file.safetensors:name, e.g. a preconditioner dumped from a training run; "
            + "replaces --n, --spectrum and --seed.")
    String matrix;

    @Option(names = "--seed", description = "Seed of the Haar-random eigenvectors (default ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = {"--mappings", "--map"}, split = ",", description = "Mappings: linear-2, dynamic, linear (default all).")
    List<String> mappings = List.of("linear-2", "dynamic", "linear");

    @Option(names = "--bits", split = ",", description = "Bit widths from 3, 4, 8 (default ${DEFAULT-VALUE}).")
    List<Integer> bits = List.of(3, 4, 8);

    @Option(names = "--block", description = "Block size B, a power of two in [32, 2048] (default ${DEFAULT-VALUE}).")
    int block = 64;

    @Option(names = "--layout", description = "rows (runs of B in a row, official kernels) or tiles (B×B, Li §3.2) "
            + "(default ${DEFAULT-VALUE}).")
    String layout = "rows";

    @Option(names = "--epsilon", description = "Ridge ε of f(X) = (X₊ + ε·λmax·I)^(-1/4) (default ${DEFAULT-VALUE}).")
    double epsilon = 1e-6;

    @Option(names = "--cholesky-shift", description = "s in C = chol(A + s·λmax·I) (default: = --epsilon).")
    Double choleskyShift;

    @Option(names = "--bjorck-steps", description = "Björck steps on rectified eigenvector rows (default ${DEFAULT-VALUE}, "
            + "Wang et al.'s t2 before roots).")
    int bjorckSteps = 4;

    @Option(names = "--beta-e", description = "β_e of the error-feedback rows U-root+EF (default ${DEFAULT-VALUE}).")
    double betaE = 0.95;

    @Option(names = "--ef-refreshes", description = "Refreshes K of the same target for the error-feedback rows "
            + "U-root+EF (eigen4+ef on this matrix; 40 = twice the error state's time constant at β_e = 0.95; each "
            + "refresh costs 14 n×n products, minutes per mapping×bits at n = 1200); 0 leaves them out (default ${DEFAULT-VALUE}).")
    int efRefreshes = 0;

    @Option(names = "--threads", description = "Worker threads, one mapping×bits each at a time and one BLAS thread "
            + "each (default: available processors). The CSV and JSON are the same on any number.")
    Integer threads;

    @Option(names = "--out", description = "Output directory (default ./qshampoo-out/tables).")
    Path out = Path.of("qshampoo-out", "tables");

    @Option(names = "--json", description = "JSON file (default <out>/tables.json).")
    Path json;

    @Mixin
    KernelsOption kernels = new KernelsOption();

    @Override
    public Integer call() throws Exception {
        try {
            return execute();
        } catch (IllegalArgumentException e) {
            return CommandSupport.badInput("tables", e);
        }
    }

    private int execute() throws Exception {
        CommandSupport.requireOutputDirectory(out);
        if (matrix != null) {
            int[] shape = new io.qshampoo.oracle.npy.NpyLoader(Path.of("")).shape(matrix);
            double order = shape.length == 2 ? Math.max(shape[0], shape[1]) : 0;
            CommandSupport.requireHeap(matrix + " of order " + (long) order + " (at least four float64 matrices of "
                    + "order n)", 4 * 8.0 * order * order);
        } else {
            // A, its eigenvectors, the reference root and one quantized copy per worker: float64 matrices of order n.
            CommandSupport.requireHeap("--n " + n + " (at least four float64 matrices of order n)", 4 * 8.0 * n * n);
        }
        try (KernelsOption.Scope k = kernels.apply()) {
            return execute(k.selection().describe());
        }
    }

    private int execute(String kernelsUsed) throws Exception {
        List<Mapping> ms = new ArrayList<>();
        for (String m : mappings) {
            ms.add(Mapping.fromId(m.trim()));
        }
        BlockLayout bl = CommandSupport.layout(layout, block);
        QuantizationErrorTable.Settings s = new QuantizationErrorTable.Settings(ms, bits, bl, epsilon,
                choleskyShift == null ? epsilon : choleskyShift, bjorckSteps,
                threads == null ? Runtime.getRuntime().availableProcessors() : threads, betaE, efRefreshes);
        MatrixSource source = matrix != null ? new NpyMatrixSource(matrix)
                : new SyntheticMatrixSource(n, Spectrum.parse(spectrum), seed);
        var progress = CommandSupport.progress();
        progress.accept("tables: " + (matrix != null ? matrix : ((SyntheticMatrixSource) source).name()) + ", "
                + ms.size() * bits.size() + " mapping×bits combinations on " + s.threads() + " thread(s); kernels "
                + kernelsUsed);
        QuantizationErrorTable.Result r = new QuantizationErrorTable(s).run(source, progress);
        String text = "kernels: " + kernelsUsed + "\n" + TableOutput.text(r, s);
        System.out.print(text);
        Path jsonFile = json == null ? out.resolve("tables.json") : json;
        var objects = TableOutput.objects(r, s);
        objects.forEach(o -> o.put("kernels", kernelsUsed));
        Report.writeText(out.resolve("tables.txt"), text);
        Report.writeText(out.resolve("tables.csv"), Report.csv(objects));
        Report.writeJson(jsonFile, objects);
        Path page = ExperimentPage.write(spec, out, "NRE and AE of A^(-1/4) under quantization (Li et al. Eq. 9)");
        System.out.println("wrote " + out.resolve("tables.txt") + ", " + out.resolve("tables.csv") + ", " + jsonFile
                + ", " + page);
        return 0;
    }
}
