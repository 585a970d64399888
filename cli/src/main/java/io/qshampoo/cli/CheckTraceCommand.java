package io.qshampoo.cli;

import java.io.PrintWriter;
import java.nio.file.Path;

import io.qshampoo.oracle.npy.NpyLoader;
import io.qshampoo.oracle.JsonReport;
import io.qshampoo.oracle.StateComparison;
import io.qshampoo.oracle.TraceManifest;
import io.qshampoo.oracle.TraceReplay;
import io.qshampoo.oracle.TraceReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code qshampoo check trace MANIFEST.json}: replays the optimizer the manifest describes and compares the other
 * side's states at the steps it names ({@link TraceReplay}); reports the first step where they diverge beyond
 * tolerance. The manifest format is {@link TraceManifest} (docs/oracle.md has a worked example).
 */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = {"Replay a Shampoo-family optimizer over the gradients a JSON manifest lists and compare the other side's",
                "states (dequantized matrices by NRE/AE, packed codes code by code, other records exactly or by NRE)",
                "at the steps it names; report the first step where they diverge beyond tolerance: the worst-case bound,",
                "narrowed to 10× the spread of replays in the stated precision (traces without quantized states), and no",
                "element of a quantized state more than one code step away. Verdict AGREE (exit 0), DIVERGED (exit 1), or",
                "INDETERMINATE (exit 1) where an eigen4 basis is ill-conditioned beyond the stated precision. Format: docs/oracle.md."})
final class CheckTraceCommand extends OracleCommand {

    @Parameters(index = "0", paramLabel = "MANIFEST.json", description = "The trace manifest; its file references are relative to its directory.")
    Path manifest;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the full report (every comparison, every tolerance ingredient) as JSON.")
    Path json;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads replaying the parameter's blocks "
            + "(default: available processors; one BLAS thread each). The report is the same on any number.")
    Integer threads;

    @Override
    int execute(PrintWriter out) {
        TraceManifest m = TraceManifest.read(manifest);
        Path base = manifest.toAbsolutePath().getParent();
        int workers = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (workers < 1) {
            throw new IllegalArgumentException("--threads is " + workers + "; expected >= 1");
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "qshampoo-check-trace");
            t.setDaemon(true);
            return t;
        });
        TraceReplay replay = new TraceReplay(m, new NpyLoader(base), manifest.toString()).withBlockPool(pool, workers)
                .withProgress(CommandSupport.progress());
        TraceReport report;
        try {
            report = replay.run();
        } finally {
            pool.shutdownNow();
        }
        out.printf("check trace: %s — %s, parameter %s %s, %d steps, their precision %s%n", manifest, report.variant(),
                m.parameter().name(), java.util.Arrays.toString(m.parameter().shape()), report.steps(), report.precision());
        out.printf("  %5s  %-32s %-48s %-12s %s%n", "step", "state", "measured", "tolerance", "verdict");
        for (StateComparison c : report.comparisons()) {
            out.printf("  %5d  %-32s %-48s %-12s %s%s%n", c.step(), c.key(), c.metricText(), c.toleranceText(),
                    c.ok() ? "ok" : "DIVERGED", c.note() == null ? "" : "  (" + c.note() + ")");
            if (!c.ok() && c.mismatches() != null && !c.mismatches().isEmpty()) {
                out.println("         first differences: " + c.mismatches().subList(0, Math.min(5, c.mismatches().size())));
            }
        }
        StateComparison first = report.firstDivergence();
        if (report.comparisons().isEmpty()) {
            out.println("note: the manifest names no states or records; only the replay was checked");
        }
        String where = first == null ? "" : " at step " + first.step() + ", " + first.key() + ": " + first.metricText()
                + " (tolerance " + first.toleranceText() + ")";
        out.println(first == null ? "verdict: AGREE (every compared state within tolerance)"
                : report.indeterminate() != null ? "verdict: INDETERMINATE" + where + "\n  " + report.indeterminate()
                : "verdict: DIVERGED first" + where);
        out.println("replayed: " + replay.throughput());
        String verdict = report.agrees() ? "agree" : report.indeterminate() != null ? "indeterminate" : "diverged";
        if (json != null) {
            JsonReport.write(json, JsonReport.object("check", "trace", "verdict", verdict,
                    "indeterminate", report.indeterminate(),
                    "manifest", report.manifest(), "variant", report.variant(), "steps", report.steps(),
                    "precision", report.precision(),
                    "firstDivergence", first == null ? null : JsonReport.object("step", first.step(), "key", first.key()),
                    "comparisons", report.comparisons()));
            out.println("report: " + json);
        }
        return report.agrees() ? 0 : 1;
    }
}
