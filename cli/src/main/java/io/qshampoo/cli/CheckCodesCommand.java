package io.qshampoo.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.qshampoo.quant.QuantizedMatrix;
import io.qshampoo.oracle.npy.NpyDtype;
import io.qshampoo.oracle.npy.NpyLoader;
import io.qshampoo.oracle.CodeComparison;
import io.qshampoo.oracle.CodeComparison.CodeMismatch;
import io.qshampoo.oracle.CodeComparison.FloatMismatch;
import io.qshampoo.oracle.JsonReport;
import io.qshampoo.oracle.MatrixFile;
import io.qshampoo.oracle.QuantizedFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code qshampoo check codes}: the other side's packed codes, scales (and kept diagonal) for an fp32 input,
 * against the reference quantizer ({@link CodeComparison}). Agreement means bit identity.
 */
@Command(name = "codes", mixinStandardHelpOptions = true,
        description = {"Compare another implementation's packed codes + block scales (+ fp32 diagonal) with the reference quantizer.",
                "Files as `qshampoo quantize` writes them (any shape with the right number of elements).",
                "Each differing code is listed with its (row, col), input x, x̄ = x·fl(1/N), both codes and the distance",
                "of x̄ to the nearest fp32 midpoint; one exactly at a midpoint is a tie-rule difference."})
final class CheckCodesCommand extends OracleCommand {

    @Mixin
    QuantizationOptions quant;

    @Option(names = "--input", required = true, paramLabel = "X.npy", description = "The matrix both sides quantized (float32; float64 is rounded). "
            + "Every file option also takes archive.npz:key or file.safetensors:name.")
    String input;

    @Option(names = "--codes", required = true, paramLabel = "C.npy", description = "Their packed codes (uint8).")
    String codes;

    @Option(names = "--scales", required = true, paramLabel = "S.npy", description = "Their block absmax values (float32).")
    String scales;

    @Option(names = "--diag", paramLabel = "D.npy", description = "Their fp32 diagonal (with --diag-real or --strictly-lower).")
    String diag;

    @Option(names = "--allow-ties", description = "Count codes that differ only by the tie rule as agreement.")
    boolean allowTies;

    @Option(names = "--max-print", defaultValue = "20", paramLabel = "K", description = "List at most K differences per part (all go to --json; default ${DEFAULT-VALUE}).")
    int maxPrint;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the full report as JSON.")
    Path json;

    @Option(names = "--write-reference", paramLabel = "PREFIX",
            description = "Also write the reference's codes, scales (and diag) as `quantize` does: PREFIX.*.npy, or one PREFIX ending in .safetensors.")
    String writeReference;

    @Override
    int execute(PrintWriter out) {
        NpyLoader loader = new NpyLoader(Path.of(""));
        MatrixFile x = MatrixFile.of(loader.read(input), "input matrix", true).requireFinite("input matrix");
        quant.requireShape(x.rows(), x.cols(), x.source());
        QuantizedFiles.Buffers theirs = QuantizedFiles.read(loader, codes, scales, diag, x.rows(), x.cols(),
                quant.mode(), quant.config());
        CodeComparison c = CodeComparison.of(x.fp32(), x.rows(), x.cols(), quant.mode(), quant.config(), theirs);
        boolean agree = c.agrees(allowTies);

        out.printf("check codes: %s (%s) with %s%n", x.source(), x.describe(), quant.describe());
        if (x.dtype() != NpyDtype.FLOAT32) {
            out.println("note: the float64 input was rounded to float32 first");
        }
        out.printf("codes:  %d compared, %d differ (%d tie-rule, %d near-midpoint, %d wrong)%n", c.codeCount(),
                c.codeMismatches().size(), c.count(CodeComparison.Kind.TIE_RULE),
                c.count(CodeComparison.Kind.NEAR_MIDPOINT), c.count(CodeComparison.Kind.WRONG));
        printCodes(out, c.codeMismatches());
        out.printf("scales: %d compared, %d differ%n", c.scaleCount(), c.scaleMismatches().size());
        printFloats(out, "block", c.scaleMismatches());
        if (c.diagonalCount() > 0) {
            out.printf("diagonal: %d compared, %d differ%n", c.diagonalCount(), c.diagonalMismatches().size());
            printFloats(out, "index", c.diagonalMismatches());
        }
        for (String h : c.hints()) {
            out.println("hint: " + h);
        }
        out.println("verdict: " + (agree ? "AGREE" : "DISAGREE")
                + (allowTies && c.count(CodeComparison.Kind.TIE_RULE) > 0 ? " (tie-rule differences allowed)" : ""));
        if (json != null) {
            JsonReport.write(json, report(x, c, agree));
            out.println("report: " + json);
        }
        if (writeReference != null) {
            QuantizedFiles.write(writeReference, QuantizedMatrix.quantize(x.fp32(), x.rows(), x.cols(), quant.mode(),
                    quant.config()));
            out.println("reference: " + QuantizedFiles.codes(writeReference) + ", " + QuantizedFiles.scales(writeReference)
                    + (quant.mode().keepsDiagonal() ? ", " + QuantizedFiles.diagonal(writeReference) : ""));
        }
        return agree ? 0 : 1;
    }

    private void printCodes(PrintWriter out, List<CodeMismatch> list) {
        if (list.isEmpty()) {
            return;
        }
        out.printf("  %8s %12s %6s %15s %15s %8s %6s %12s  %s%n", "index", "(row, col)", "block", "input x", "x̄",
                "expected", "theirs", "|x̄ − m|", "kind");
        for (CodeMismatch m : list.subList(0, Math.min(maxPrint, list.size()))) {
            out.printf("  %8d %12s %6d %15.8g %15.8g %8d %6d %12.4g  %s%s%n", m.index(),
                    "(" + m.row() + ", " + m.col() + ")", m.block(), m.input(), m.xbar(), m.expected(), m.theirs(),
                    m.midpointDistance(), kindText(m.kind()), m.theirScaleDiffers() ? " (their scale differs)" : "");
        }
        if (list.size() > maxPrint) {
            out.printf("  … %d more (see --json)%n", list.size() - maxPrint);
        }
    }

    private static String kindText(CodeComparison.Kind k) {
        return switch (k) {
            case TIE_RULE -> "tie-rule difference";
            case NEAR_MIDPOINT -> "x̄ rounding (within " + CodeComparison.NEAR_ULPS + " ulp of the midpoint)";
            case WRONG -> "wrong code";
        };
    }

    private void printFloats(PrintWriter out, String label, List<FloatMismatch> list) {
        if (list.isEmpty()) {
            return;
        }
        out.printf("  %8s %16s %16s %10s%n", label, "expected", "theirs", "ulps");
        for (FloatMismatch m : list.subList(0, Math.min(maxPrint, list.size()))) {
            out.printf("  %8d %16.9g %16.9g %10s%n", m.index(), m.expected(), m.theirs(),
                    m.ulps() < 0 ? "NaN" : Long.toString(m.ulps()));
        }
        if (list.size() > maxPrint) {
            out.printf("  … %d more (see --json)%n", list.size() - maxPrint);
        }
    }

    private Map<String, Object> report(MatrixFile x, CodeComparison c, boolean agree) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("check", "codes");
        r.put("verdict", agree ? "agree" : "disagree");
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("file", x.source());
        in.put("rows", x.rows());
        in.put("cols", x.cols());
        in.put("dtype", x.dtype().numpyName());
        r.put("input", in);
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("mapping", quant.config().mapping().id());
        cfg.put("bits", quant.config().bits());
        cfg.put("block", quant.config().layout().blockSize());
        cfg.put("layout", quant.layout);
        cfg.put("mode", quant.mode().name());
        cfg.put("allowTies", allowTies);
        r.put("config", cfg);
        Map<String, Object> files = new LinkedHashMap<>();
        files.put("codes", codes);
        files.put("scales", scales);
        if (diag != null) {
            files.put("diag", diag);
        }
        r.put("files", files);
        Map<String, Object> cs = new LinkedHashMap<>();
        cs.put("compared", c.codeCount());
        cs.put("differ", c.codeMismatches().size());
        cs.put("tieRule", c.count(CodeComparison.Kind.TIE_RULE));
        cs.put("nearMidpoint", c.count(CodeComparison.Kind.NEAR_MIDPOINT));
        cs.put("wrong", c.count(CodeComparison.Kind.WRONG));
        cs.put("mismatches", c.codeMismatches());
        r.put("codes", cs);
        r.put("scales", JsonReport.object("compared", c.scaleCount(), "differ", c.scaleMismatches().size(),
                "mismatches", c.scaleMismatches()));
        if (c.diagonalCount() > 0) {
            r.put("diagonal", JsonReport.object("compared", c.diagonalCount(), "differ", c.diagonalMismatches().size(),
                    "mismatches", c.diagonalMismatches()));
        }
        r.put("hints", c.hints());
        return r;
    }
}
