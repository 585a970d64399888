package io.qshampoo.cli;

import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.Mapping;
import io.qshampoo.quant.QuantizationConfig;
import io.qshampoo.quant.StorageMode;
import picocli.CommandLine.Option;

/** The options that say how a matrix is quantized, shared by quantize, dequantize and check codes. */
final class QuantizationOptions {

    @Option(names = "--map", paramLabel = "MAP", defaultValue = "linear-2",
            description = "Code table: linear-2, dynamic or linear (default: ${DEFAULT-VALUE}).")
    String map;

    @Option(names = "--bits", paramLabel = "B", defaultValue = "4", description = "Bits per code: 3, 4 or 8 (default: ${DEFAULT-VALUE}).")
    int bits;

    @Option(names = "--block", paramLabel = "N", defaultValue = "64",
            description = "Block size, a power of two in [32, 2048] (default: ${DEFAULT-VALUE}).")
    int block;

    @Option(names = "--layout", paramLabel = "rows|tiles", defaultValue = "rows",
            description = "Blocks: runs of N elements of a row (the official kernels', default) or N × N tiles.")
    String layout;

    @Option(names = "--diag-real", description = "Keep the diagonal in fp32 and quantize the rest (square matrices; L, R, roots).")
    boolean diagReal;

    @Option(names = "--strictly-lower", description = "Quantize only the strictly lower triangle, diagonal in fp32 (Cholesky factors).")
    boolean strictlyLower;

    /** Mapping, bits and layout; every matrix quantized (minElements 0). */
    QuantizationConfig config() {
        BlockLayout l = switch (layout) {
            case "rows" -> BlockLayout.rowSegments(block);
            case "tiles" -> BlockLayout.tiles(block);
            default -> throw new IllegalArgumentException("--layout is '" + layout + "'; expected rows or tiles");
        };
        return new QuantizationConfig(Mapping.fromId(map), bits, l, 0);
    }

    StorageMode mode() {
        if (diagReal && strictlyLower) {
            throw new IllegalArgumentException("--diag-real and --strictly-lower exclude each other");
        }
        return diagReal ? StorageMode.DIAG_REAL : strictlyLower ? StorageMode.STRICTLY_LOWER : StorageMode.FULL;
    }

    /** Requires a square matrix for the modes that need one. */
    void requireShape(int rows, int cols, String source) {
        if (mode().requiresSquare() && rows != cols) {
            throw new IllegalArgumentException(source + " holds a " + rows + " × " + cols + " matrix; " + mode()
                    + " needs a square one");
        }
    }

    /** "linear-2/4-bit, row-segments(64), FULL". */
    String describe() {
        QuantizationConfig c = config();
        return c.table() + ", " + c.layout() + ", " + mode();
    }
}
