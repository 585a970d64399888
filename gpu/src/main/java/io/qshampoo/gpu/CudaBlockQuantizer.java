package io.qshampoo.gpu;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.BlockQuantizer;
import io.qshampoo.quant.CodeTable;
import io.qshampoo.quant.PackedCodes;
import io.qshampoo.quant.QuantizerChecks;
import io.qshampoo.quant.StorageMode;

/**
 * {@link BlockQuantizer} on the GPU: the kernels of quantize.cu, whose codes, scales and diagonal are meant to be
 * bit-identical to {@link io.qshampoo.quant.CpuBlockQuantizer}'s for every input, mode (FULL, DIAG_REAL,
 * STRICTLY_LOWER, hence also {@link io.qshampoo.quant.TriangularPair}) and layout (row segments, tiles), and whose
 * dequantization is too (one fp32 product per element on both sides).
 *
 * <p>Use it wherever a {@code BlockQuantizer} is accepted, e.g.
 * {@code QuantizedMatrix.quantize(src, n, n, mode, config, CudaBackend.open().quantizer(config))} or
 * {@code TriangularPair.zeros(n, config, quantizer)}.
 *
 * <p>Per call: the source is copied to the device (4 bytes per element; a {@code double[]} is rounded to fp32 on the
 * host first), the kernels run, the results are copied back; device buffers live for the call only. Argument checks
 * and exceptions are the CPU reference's: a non-finite element is detected on the device (a flag) and then located on
 * the host for the message. Thread-safe (calls are serialized on the device's context).
 */
public final class CudaBlockQuantizer implements BlockQuantizer {

    private final CudaContext context;
    private final QuantizeKernels kernels;
    private final CodeTable table;
    private final CodeTableImage image;
    private final BlockLayout layout;

    CudaBlockQuantizer(CudaContext context, QuantizeKernels kernels, CodeTable table, BlockLayout layout) {
        if (table == null || layout == null) {
            throw new IllegalArgumentException("table and layout must not be null");
        }
        if (table.size() > 256) {
            throw new IllegalArgumentException(table + " has " + table.size() + " entries; the kernels take at most 256");
        }
        this.context = context;
        this.kernels = kernels;
        this.table = table;
        this.image = CodeTableImage.of(table);
        this.layout = layout;
    }

    @Override
    public CodeTable table() {
        return table;
    }

    @Override
    public BlockLayout layout() {
        return layout;
    }

    @Override
    public void quantize(float[] src, int rows, int cols, StorageMode mode, byte[] codes, float[] scales, float[] diagonal) {
        QuantizerChecks.arguments(src == null ? -1 : src.length, rows, cols, mode, codes, scales, diagonal, table.bits(), layout);
        context.call(() -> {
            try (DeviceQuantization q = problem(rows, cols, mode)) {
                q.upload(src);
                q.launch();
                if (q.nonFinite()) {
                    throw QuantizerChecks.nonFinite(src, rows, cols, mode);
                }
                q.download(codes, scales, diagonal);
            }
            return null;
        });
    }

    @Override
    public void quantize(double[] src, int rows, int cols, StorageMode mode, byte[] codes, float[] scales, float[] diagonal) {
        QuantizerChecks.arguments(src == null ? -1 : src.length, rows, cols, mode, codes, scales, diagonal, table.bits(), layout);
        context.call(() -> {
            try (DeviceQuantization q = problem(rows, cols, mode)) {
                q.upload(src);
                q.launch();
                if (q.nonFinite()) {
                    throw QuantizerChecks.nonFinite(src, rows, cols, mode);
                }
                q.download(codes, scales, diagonal);
            }
            return null;
        });
    }

    /** A device-resident problem of this quantizer's table and layout (for repeated launches, e.g. timing). */
    DeviceQuantization problem(int rows, int cols, StorageMode mode) {
        QuantizerChecks.shape(rows, cols, mode);
        return context.call(() -> new DeviceQuantization(context, kernels, image, table.bits(), layout, rows, cols, mode));
    }

    @Override
    public void dequantize(byte[] codes, float[] scales, float[] diagonal, int rows, int cols, StorageMode mode, float[] dst) {
        QuantizerChecks.arguments(dst == null ? -1 : dst.length, rows, cols, mode, codes, scales, diagonal, table.bits(), layout);
        float[] out = decode(codes, scales, diagonal, rows, cols, mode);
        System.arraycopy(out, 0, dst, 0, out.length);
    }

    @Override
    public void dequantize(byte[] codes, float[] scales, float[] diagonal, int rows, int cols, StorageMode mode, double[] dst) {
        QuantizerChecks.arguments(dst == null ? -1 : dst.length, rows, cols, mode, codes, scales, diagonal, table.bits(), layout);
        float[] out = decode(codes, scales, diagonal, rows, cols, mode);
        for (int k = 0; k < out.length; k++) {
            dst[k] = out[k];
        }
    }

    /** D(codes) as rows·cols floats: upload codes, scales, diagonal and the entries; one thread per element. */
    private float[] decode(byte[] codes, float[] scales, float[] diagonal, int rows, int cols, StorageMode mode) {
        int n = rows * cols;
        int codeBytes = PackedCodes.byteLength(table.bits(), Math.toIntExact(mode.codeCount(rows, cols)));
        return context.call(() -> {
            try (Arena arena = Arena.ofConfined();
                 DeviceBuffer dCodes = context.allocate(codeBytes);
                 DeviceBuffer dScales = context.allocate(4L * scales.length);
                 DeviceBuffer dDiag = context.allocate(diagonal == null ? 0 : 4L * diagonal.length);
                 DeviceBuffer dValues = context.allocate(4L * image.values().length);
                 DeviceBuffer dOut = context.allocate(4L * n)) {
                if (codeBytes > 0) {
                    dCodes.upload(arena.allocateFrom(JAVA_BYTE, codes));
                }
                if (scales.length > 0) {
                    dScales.upload(arena.allocateFrom(JAVA_FLOAT, scales));
                }
                if (diagonal != null && diagonal.length > 0) {
                    dDiag.upload(arena.allocateFrom(JAVA_FLOAT, diagonal));
                }
                dValues.upload(arena.allocateFrom(JAVA_FLOAT, image.values()));
                kernels.decode(dCodes.address(), codeBytes, dScales.address(), dDiag.address(), rows, cols, QuantizeKernels.mode(mode),
                        QuantizeKernels.tiles(layout), layout.blockSize(), table.bits(),
                        dValues.address(), dOut.address());
                MemorySegment host = arena.allocate(JAVA_FLOAT, n);
                dOut.download(host);
                float[] out = new float[n];
                MemorySegment.copy(host, JAVA_FLOAT, 0, out, 0, n);
                return out;
            }
        });
    }

    @Override
    public String toString() {
        return "CudaBlockQuantizer[" + table + ", " + layout + ", " + kernels.origin() + "]";
    }
}
