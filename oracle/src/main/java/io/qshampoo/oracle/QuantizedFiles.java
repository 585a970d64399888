package io.qshampoo.oracle;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.qshampoo.quant.PackedCodes;
import io.qshampoo.quant.QuantizationConfig;
import io.qshampoo.quant.QuantizedMatrix;
import io.qshampoo.quant.StorageMode;
import io.qshampoo.oracle.npy.NpyArray;
import io.qshampoo.oracle.npy.NpyDtype;
import io.qshampoo.oracle.npy.NpyLoader;
import io.qshampoo.oracle.npy.NpyWriter;
import io.qshampoo.oracle.npy.SafetensorsFile;

/**
 * The file layout of a block-quantized matrix, shared by {@code qshampoo quantize}, {@code dequantize} and
 * {@code check codes}, for a prefix P:
 * <ul>
 *   <li>{@code P.codes.npy}: uint8, 1-D, the packed code buffer exactly as {@link PackedCodes} holds it —
 *       ⌈b·c/8⌉ bytes for c codes, code k at stream bits b·k … b·k + b − 1, least significant bit first. At 8 bits
 *       byte k is code k; at 4 bits two codes per byte in flat row-major element order, the lower column (even k)
 *       in the low nibble, as the official kernels pack them ({@code q[2j] | q[2j+1] << 4}); at 3 bits 8 codes fill
 *       3 bytes as a little-endian bit stream (qshampoo's order; there is no official 3-bit kernel). c = rows·cols
 *       (FULL, DIAG_REAL: every position, the diagonal's codes included) or n(n−1)/2 (STRICTLY_LOWER, in the
 *       triangle's row-major order). Padding bits after the last code are written 0 and never compared.</li>
 *   <li>{@code P.scales.npy}: float32, 1-D, one per block in the layout's block order (row segments: row by
 *       row, left to right; tiles: row-major tile order), each the block's absmax N — not 1/N.</li>
 *   <li>{@code P.diag.npy}: float32, 1-D, the n diagonal values kept in fp32 (DIAG_REAL and STRICTLY_LOWER
 *       only).</li>
 * </ul>
 * Files written by the other side may have any shape with the right element count (read in C order).
 *
 * <p>A prefix ending in {@code .safetensors} names one safetensors file instead, holding the same arrays as the
 * tensors {@code codes}, {@code scales} and {@code diag} (referenced as {@code P.safetensors:codes}, …).
 */
public final class QuantizedFiles {

    private QuantizedFiles() {
    }

    /** Whether {@code prefix} names one safetensors file rather than a prefix of npy files. */
    public static boolean isSafetensors(String prefix) {
        return prefix.endsWith(".safetensors");
    }

    private static String part(String prefix, String name) {
        return isSafetensors(prefix) ? prefix + ":" + name : prefix + "." + name + ".npy";
    }

    /** {@code P.codes.npy}, or {@code P.safetensors:codes}. */
    public static String codes(String prefix) {
        return part(prefix, "codes");
    }

    /** {@code P.scales.npy}, or {@code P.safetensors:scales}. */
    public static String scales(String prefix) {
        return part(prefix, "scales");
    }

    /** {@code P.diag.npy}, or {@code P.safetensors:diag}. */
    public static String diagonal(String prefix) {
        return part(prefix, "diag");
    }

    /** Writes the codes, scales and (where the mode keeps it) diagonal of a quantized matrix. */
    public static void write(String prefix, QuantizedMatrix q) {
        if (!q.isQuantized()) {
            throw new IllegalArgumentException("matrix is stored in fp32 (below minElements); nothing to write as codes");
        }
        byte[] codes = q.codes().toByteArray();
        float[] scales = q.scales();
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("codes", NpyArray.ofUint8(codes, codes.length));
        arrays.put("scales", NpyArray.ofFloat32(scales, scales.length));
        if (q.mode().keepsDiagonal()) {
            float[] d = q.diagonal();
            arrays.put("diag", NpyArray.ofFloat32(d, d.length));
        }
        if (isSafetensors(prefix)) {
            SafetensorsFile.write(Path.of(prefix), arrays);
        } else {
            arrays.forEach((name, a) -> NpyWriter.write(Path.of(part(prefix, name)), a));
        }
    }

    /** The buffers as read from files, checked against the expected lengths. */
    public record Buffers(byte[] codes, float[] scales, float[] diagonal) {
    }

    /**
     * Reads the other side's buffers for a rows × cols matrix in {@code mode}, checking type and length of each.
     *
     * @param diagonalRef the diagonal file, or null (required iff the mode keeps a diagonal)
     * @throws IllegalArgumentException naming the file whose type or length does not fit
     */
    public static Buffers read(NpyLoader loader, String codesRef, String scalesRef, String diagonalRef, int rows,
                               int cols, StorageMode mode, QuantizationConfig config) {
        int count = Math.toIntExact(mode.codeCount(rows, cols));
        NpyArray c = loader.read(codesRef);
        if (c.dtype() != NpyDtype.UINT8) {
            throw new IllegalArgumentException(c.source() + " holds " + c.describe()
                    + "; packed codes must be uint8");
        }
        int bytes = PackedCodes.byteLength(config.bits(), count);
        if (c.size() != bytes) {
            throw new IllegalArgumentException(c.source() + " holds " + c.size() + " bytes; " + count + " "
                    + config.bits() + "-bit codes of a " + rows + " × " + cols + " " + mode + " matrix need exactly "
                    + bytes);
        }
        float[] s = floats(loader.read(scalesRef), config.layout().blockCount(mode, rows, cols),
                "block scales (" + config.layout() + " of a " + rows + " × " + cols + " " + mode + " matrix)");
        float[] d = null;
        if (mode.keepsDiagonal()) {
            if (diagonalRef == null) {
                throw new IllegalArgumentException(mode + " keeps the diagonal in fp32; give its file (--diag)");
            }
            d = floats(loader.read(diagonalRef), rows, "the fp32 diagonal of a " + rows + " × " + cols + " matrix");
        } else if (diagonalRef != null) {
            throw new IllegalArgumentException(diagonalRef + ": a FULL matrix has no separate diagonal; use --diag-real");
        }
        return new Buffers(c.uint8Data(), s, d);
    }

    private static float[] floats(NpyArray a, int expected, String what) {
        if (a.dtype() != NpyDtype.FLOAT32) {
            throw new IllegalArgumentException(a.source() + " holds " + a.describe() + "; expected float32 values: "
                    + what);
        }
        if (a.size() != expected) {
            throw new IllegalArgumentException(a.source() + " holds " + a.size() + " values; expected " + expected
                    + ": " + what);
        }
        return a.float32Data();
    }
}
