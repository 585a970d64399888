package io.qshampoo.cli;

import java.io.PrintWriter;
import java.nio.file.Path;

import io.qshampoo.quant.QuantizedMatrix;
import io.qshampoo.oracle.npy.NpyLoader;
import io.qshampoo.oracle.MatrixFile;
import io.qshampoo.oracle.QuantizedFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code qshampoo quantize IN.npy OUT_PREFIX}: block-quantizes a float32 matrix with the reference quantizer and
 * writes OUT_PREFIX.codes.npy, .scales.npy (and .diag.npy), or one OUT.safetensors holding the tensors codes,
 * scales (and diag), laid out as {@link QuantizedFiles} says. IN may be an npz entry or a safetensors tensor.
 */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = {"Block-quantize a float32 matrix with the reference quantizer (bit-identical to the official CUDA kernels).",
                "Writes OUT_PREFIX.codes.npy (uint8, packed; 4-bit: two codes per byte, lower column in the low nibble),",
                "OUT_PREFIX.scales.npy (float32 block absmax, row-major block order) and, with --diag-real or",
                "--strictly-lower, OUT_PREFIX.diag.npy (float32). A float64 input is rounded to float32 first.",
                "An OUT_PREFIX ending in .safetensors writes one file with the tensors codes, scales (and diag)."})
final class QuantizeCommand extends OracleCommand {

    @Mixin
    QuantizationOptions quant;

    @Parameters(index = "0", paramLabel = "IN.npy", description = "The matrix (2-D, or 1-D as one row), float32 or float64; "
            + "also archive.npz:key or file.safetensors:name.")
    String input;

    @Parameters(index = "1", paramLabel = "OUT_PREFIX", description = "Prefix of the files written, or OUT.safetensors.")
    String prefix;

    @Override
    int execute(PrintWriter out) {
        MatrixFile m = MatrixFile.of(new NpyLoader(Path.of("")).read(input), "input matrix", true).requireFinite("input matrix");
        quant.requireShape(m.rows(), m.cols(), m.source());
        QuantizedMatrix q = QuantizedMatrix.quantize(m.fp32(), m.rows(), m.cols(), quant.mode(), quant.config());
        QuantizedFiles.write(prefix, q);
        out.printf("quantized %s (%s) with %s%n", m.source(), m.describe(), quant.describe());
        if (m.dtype() != io.qshampoo.oracle.npy.NpyDtype.FLOAT32) {
            out.println("note: the float64 input was rounded to float32 first, as a GPU storing fp32 sees it");
        }
        out.printf("wrote %s (%d bytes), %s (%d scales)%s%n", QuantizedFiles.codes(prefix), q.codes().byteLength(),
                QuantizedFiles.scales(prefix), q.scales().length,
                q.mode().keepsDiagonal() ? ", " + QuantizedFiles.diagonal(prefix) + " (" + m.rows() + " values)" : "");
        return 0;
    }
}
