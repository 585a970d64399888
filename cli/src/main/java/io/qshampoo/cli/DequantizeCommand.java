package io.qshampoo.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

import io.qshampoo.quant.QuantizedMatrix;
import io.qshampoo.quant.StorageMode;
import io.qshampoo.oracle.npy.NpyArray;
import io.qshampoo.oracle.npy.NpyLoader;
import io.qshampoo.oracle.npy.NpyWriter;
import io.qshampoo.oracle.npy.SafetensorsFile;
import io.qshampoo.oracle.QuantizedFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code qshampoo dequantize PREFIX OUT.npy}: reads PREFIX.codes.npy, .scales.npy (and .diag.npy), or the tensors
 * of PREFIX.safetensors, and writes the float32 matrix D(Q) = M(code)·N (diagonal restored from fp32; zeros above
 * the diagonal for --strictly-lower) to OUT.npy, or to OUT.safetensors as the tensor "matrix".
 */
@Command(name = "dequantize", mixinStandardHelpOptions = true,
        description = {"Decode PREFIX.codes.npy + PREFIX.scales.npy (+ PREFIX.diag.npy) into a float32 matrix: M(code)·N.",
                "The shape comes from --shape, or from the diagonal's length for square modes.",
                "PREFIX may be one .safetensors file (as quantize writes it); OUT.safetensors holds the tensor \"matrix\"."})
final class DequantizeCommand extends OracleCommand {

    @Mixin
    QuantizationOptions quant;

    @Option(names = "--shape", paramLabel = "ROWSxCOLS", description = "Matrix shape, e.g. 64x80 (needed without a diagonal).")
    String shape;

    @Parameters(index = "0", paramLabel = "PREFIX", description = "Prefix of the codes, scales (and diag) files, or P.safetensors.")
    String prefix;

    @Parameters(index = "1", paramLabel = "OUT.npy", description = "The float32 matrix written (.npy, or .safetensors with the tensor \"matrix\").")
    Path output;

    @Override
    int execute(PrintWriter out) {
        StorageMode mode = quant.mode();
        NpyLoader loader = new NpyLoader(Path.of(""));
        String diagRef = mode.keepsDiagonal() ? QuantizedFiles.diagonal(prefix) : null;
        int[] rc = shape(mode, loader, diagRef);
        QuantizedFiles.Buffers b = QuantizedFiles.read(loader, QuantizedFiles.codes(prefix),
                QuantizedFiles.scales(prefix), diagRef, rc[0], rc[1], mode, quant.config());
        QuantizedMatrix q = QuantizedMatrix.fromStorage(rc[0], rc[1], mode, quant.config(), b.codes(), b.scales(),
                b.diagonal());
        NpyArray matrix = NpyArray.ofFloat32(q.dequantize(), rc[0], rc[1]);
        if (output.toString().endsWith(".safetensors")) {
            SafetensorsFile.write(output, Map.of("matrix", matrix));
        } else {
            NpyWriter.write(output, matrix);
        }
        out.printf("dequantized %s (%d × %d, %s) into %s%n", QuantizedFiles.isSafetensors(prefix) ? prefix : prefix + ".*",
                rc[0], rc[1], quant.describe(), output);
        return 0;
    }

    private int[] shape(StorageMode mode, NpyLoader loader, String diagRef) {
        if (shape != null) {
            int[] rc = parseShape(shape);
            quant.requireShape(rc[0], rc[1], "--shape");
            return rc;
        }
        if (!mode.keepsDiagonal()) {
            throw new IllegalArgumentException("--shape ROWSxCOLS is needed: a FULL matrix's codes do not say its shape");
        }
        int n = loader.read(diagRef).size();
        return new int[] {n, n};
    }

    static int[] parseShape(String text) {
        String[] p = text.toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            int[] rc = {Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim())};
            if (p.length == 2 && rc[0] >= 1 && rc[1] >= 1) {
                return rc;
            }
        } catch (RuntimeException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("--shape is '" + text + "'; expected ROWSxCOLS with positive sizes, e.g. 64x80");
    }
}
