package io.qshampoo.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.DenseKernelsFactory;

import io.qshampoo.oracle.JsonReport;
import io.qshampoo.oracle.StateComparison;
import io.qshampoo.oracle.TraceBatch;
import io.qshampoo.oracle.TraceManifest;
import io.qshampoo.oracle.TraceReplay;
import io.qshampoo.oracle.TraceReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code qshampoo check trace MANIFEST.json|DIR…}: replays the optimizer each manifest describes and compares the
 * other side's states at the steps it names ({@link TraceReplay}); reports the first step where they diverge beyond
 * tolerance. The manifest format is {@link TraceManifest} (docs/oracle.md has a worked example). One manifest file
 * prints its comparisons; several (or a directory of trace directories, one per parameter of a model) run on one pool
 * ({@link TraceBatch}) and print a verdict per parameter and one overall.
 */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = {"Replay a Shampoo-family optimizer over the gradients a JSON manifest lists and compare the other side's",
                "states (dequantized matrices by NRE/AE, packed codes code by code, other records exactly or by NRE)",
                "at the steps it names; report the first step where they diverge beyond tolerance: the worst-case bound,",
                "narrowed to 10× the spread of replays in the stated precision (traces without quantized states), and no",
                "element of a quantized state more than one code step away. Verdict AGREE (exit 0), DIVERGED (exit 1), or",
                "INDETERMINATE (exit 1) where an eigen4 basis is ill-conditioned beyond the stated precision.",
                "Several manifests, or directories holding trace directories (one per parameter of a model), are checked",
                "on one pool of workers, with a verdict per parameter and one overall (AGREE only if every one agrees).",
                "Format: docs/oracle.md."})
final class CheckTraceCommand extends OracleCommand {

    @Parameters(index = "0..*", arity = "1..*", paramLabel = "MANIFEST.json|DIR", description = "Trace manifests (file "
            + "references relative to each manifest's directory), or directories: every " + TraceBatch.MANIFEST
            + " up to 8 levels below.")
    List<Path> manifests;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the full report (every comparison, every tolerance ingredient) as JSON.")
    Path json;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads replaying the traces and their blocks "
            + "(default: available processors; one BLAS thread each). The report is the same on any number.")
    Integer threads;

    @Option(names = "--kernels", paramLabel = "NAME", description = "Dense kernels of the reference replay: ejml (the "
            + "default: pure Java, bit-stable) or openblas (native, about 10x faster; differs from ejml by float64 "
            + "rounding, far inside every tolerance). The launcher's default backend does not apply here.")
    String kernels;

    @Override
    int execute(PrintWriter out) {
        int workers = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (workers < 1) {
            throw new IllegalArgumentException("--threads is " + workers + "; expected >= 1");
        }
        DenseKernelsFactory.Selection selection = kernels == null ? null : DenseKernelsFactory.select(kernels);
        DenseKernels k = selection == null ? DenseKernels.reference() : selection.kernels();
        boolean single = manifests.size() == 1 && !Files.isDirectory(manifests.get(0));
        TraceBatch.Result result = TraceBatch.run(TraceBatch.manifests(manifests), workers, k, CommandSupport.progress());
        int code = single ? single(out, result) : many(out, result);
        if (selection != null) {
            out.println("kernels: " + selection.describe());
        }
        return code;
    }

    /** One manifest file: its comparisons, verdict and report, as they have always been printed. */
    private int single(PrintWriter out, TraceBatch.Result result) {
        TraceManifest m = result.traces().get(0).manifest();
        TraceReport report = result.reports().get(0);
        out.printf("check trace: %s — %s, parameter %s %s, %d steps, their precision %s%n", report.manifest(),
                report.variant(), m.parameter().name(), java.util.Arrays.toString(m.parameter().shape()), report.steps(),
                report.precision());
        out.printf("  %5s  %-32s %-48s %-12s %s%n", "step", "state", "measured", "tolerance", "verdict");
        for (StateComparison c : report.comparisons()) {
            out.printf("  %5d  %-32s %-48s %-12s %s%s%n", c.step(), c.key(), c.metricText(), c.toleranceText(),
                    c.ok() ? "ok" : "DIVERGED", c.note() == null ? "" : "  (" + c.note() + ")");
            if (!c.ok() && c.mismatches() != null && !c.mismatches().isEmpty()) {
                out.println("         first differences: " + c.mismatches().subList(0, Math.min(5, c.mismatches().size())));
            }
        }
        if (report.comparisons().isEmpty()) {
            out.println("note: the manifest names no states or records; only the replay was checked");
        }
        StateComparison first = report.firstDivergence();
        out.println(first == null ? "verdict: AGREE (every compared state within tolerance)"
                : report.indeterminate() != null ? "verdict: INDETERMINATE" + where(first) + "\n  " + report.indeterminate()
                : "verdict: DIVERGED first" + where(first));
        out.println("replayed: " + result.throughput());
        if (json != null) {
            JsonReport.write(json, traceJson(report));
            out.println("report: " + json);
        }
        return report.agrees() ? 0 : 1;
    }

    /**
     * Several traces: a verdict per parameter (with the first divergence and the manifest of each that does not
     * agree), then one overall.
     */
    private int many(PrintWriter out, TraceBatch.Result result) {
        int n = result.traces().size();
        out.printf("check trace: %d trace%s%n", n, n == 1 ? "" : "s");
        out.printf("  %-40s %-10s %-12s %5s %9s  %s%n", "parameter", "variant", "shape", "steps", "compared", "verdict");
        List<String> diverged = new ArrayList<>();
        List<String> indeterminate = new ArrayList<>();
        List<Object> traces = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TraceManifest m = result.traces().get(i).manifest();
            TraceReport r = result.reports().get(i);
            String name = m.parameter().name();
            String verdict = verdict(r);
            out.printf("  %-40s %-10s %-12s %5d %9d  %s%n", name, r.variant(), shape(m.parameter().shape()), r.steps(),
                    r.comparisons().size(), r.agrees() ? "AGREE"
                            : verdict.toUpperCase(java.util.Locale.ROOT) + where(r.firstDivergence()));
            if (!r.agrees()) {
                out.println("      manifest: " + r.manifest());
                (r.indeterminate() != null ? indeterminate : diverged).add(name);
            }
            traces.add(traceJson(r));
        }
        String verdict = !diverged.isEmpty() ? "diverged" : !indeterminate.isEmpty() ? "indeterminate" : "agree";
        int agree = n - diverged.size() - indeterminate.size();
        out.println(verdict.equals("agree") ? "verdict: AGREE (" + n + " of " + n + " parameters agree)"
                : "verdict: " + verdict.toUpperCase(java.util.Locale.ROOT) + " (" + agree + " of " + n
                        + " parameters agree; diverged: " + list(diverged) + "; indeterminate: " + list(indeterminate) + ")");
        out.println("replayed: " + result.throughput());
        if (json != null) {
            JsonReport.write(json, JsonReport.object("check", "trace", "verdict", verdict, "traces", n, "agree", agree,
                    "diverged", diverged, "indeterminate", indeterminate, "reports", traces));
            out.println("report: " + json);
        }
        return result.agrees() ? 0 : 1;
    }

    /** The JSON report of one trace (the format of a single manifest's report). */
    private static Map<String, Object> traceJson(TraceReport report) {
        StateComparison first = report.firstDivergence();
        return JsonReport.object("check", "trace", "verdict", verdict(report), "indeterminate", report.indeterminate(),
                "manifest", report.manifest(), "variant", report.variant(), "steps", report.steps(),
                "precision", report.precision(),
                "firstDivergence", first == null ? null : JsonReport.object("step", first.step(), "key", first.key()),
                "comparisons", report.comparisons());
    }

    private static String verdict(TraceReport r) {
        return r.agrees() ? "agree" : r.indeterminate() != null ? "indeterminate" : "diverged";
    }

    private static String where(StateComparison first) {
        return first == null ? "" : " at step " + first.step() + ", " + first.key() + ": " + first.metricText()
                + " (tolerance " + first.toleranceText() + ")";
    }

    private static String shape(int[] s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length; i++) {
            b.append(i == 0 ? "" : "x").append(s[i]);
        }
        return b.toString();
    }

    private static String list(List<String> names) {
        return names.isEmpty() ? "none" : String.join(", ", names);
    }
}
