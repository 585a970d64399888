package io.qshampoo.gpu;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.PackedCodes;
import io.qshampoo.quant.StorageMode;

/**
 * One quantization problem on the device: a rows × cols fp32 source, its outputs (packed codes, scales N, the
 * reciprocals 1/N, the fp32 diagonal, a non-finite flag) and the code table, allocated once; {@link #launch()} runs
 * the kernels any number of times. {@link CudaBlockQuantizer} uses it once per call; the throughput harness reuses it
 * to time the kernels alone.
 *
 * <p>Kernel sequence per launch: clear the flag; {@code qs_diagonal} (modes that keep the diagonal);
 * {@code qs_absmax} (one warp per block: N, 1/N); {@code qs_encode} (one thread per 8 codes). All on the default
 * stream, so each sees its predecessor's results.
 *
 * <p>Device memory: 4·rows·cols (source) + code bytes + 8 per block + 4n (diagonal) + 8·2^b (tables) + 4 bytes.
 * Use inside {@link CudaContext#call}; not thread-safe.
 */
final class DeviceQuantization implements AutoCloseable {

    private final QuantizeKernels kernels;
    private final int rows;
    private final int cols;
    private final StorageMode mode;
    private final BlockLayout layout;
    private final int bits;
    private final int tableSize;
    private final long codeCount;
    private final int codeBytes;
    private final int blocks;
    final DeviceBuffer src;
    private final DeviceBuffer codes;
    private final DeviceBuffer scales;
    private final DeviceBuffer recip;
    private final DeviceBuffer diag;
    private final DeviceBuffer flag;
    private final DeviceBuffer thresholds;

    DeviceQuantization(CudaContext context, QuantizeKernels kernels, CodeTableImage table, int bits, BlockLayout layout,
                       int rows, int cols, StorageMode mode) {
        this.kernels = kernels;
        this.rows = rows;
        this.cols = cols;
        this.mode = mode;
        this.layout = layout;
        this.bits = bits;
        this.tableSize = table.thresholds().length;
        this.codeCount = mode.codeCount(rows, cols);
        this.codeBytes = PackedCodes.byteLength(bits, Math.toIntExact(codeCount));
        this.blocks = layout.blockCount(mode, rows, cols);
        DeviceBuffer[] b = new DeviceBuffer[7];
        try {
            b[0] = context.allocate(4L * rows * cols);
            b[1] = context.allocate(codeBytes);
            b[2] = context.allocate(4L * blocks);
            b[3] = context.allocate(4L * blocks);
            b[4] = context.allocate(4L * mode.diagonalLength(rows, cols));
            b[5] = context.allocate(4);
            b[6] = context.allocate(4L * tableSize);
            try (Arena arena = Arena.ofConfined()) {
                b[6].upload(arena.allocateFrom(JAVA_FLOAT, table.thresholds()));
            }
        } catch (RuntimeException e) {
            for (DeviceBuffer x : b) {
                if (x != null) {
                    x.close();
                }
            }
            throw e;
        }
        src = b[0];
        codes = b[1];
        scales = b[2];
        recip = b[3];
        diag = b[4];
        flag = b[5];
        thresholds = b[6];
    }

    /** Copies the row-major source (its first rows·cols elements) to the device. */
    void upload(float[] source) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(JAVA_FLOAT, (long) rows * cols);
            MemorySegment.copy(source, 0, host, JAVA_FLOAT, 0, rows * cols);
            src.upload(host);
        }
    }

    /** Copies the row-major source, each element rounded to fp32 ({@code (float) x}) on the host. */
    void upload(double[] source) {
        try (Arena arena = Arena.ofConfined()) {
            int n = rows * cols;
            MemorySegment host = arena.allocate(JAVA_FLOAT, n);
            for (int k = 0; k < n; k++) {
                host.setAtIndex(JAVA_FLOAT, k, (float) source[k]);
            }
            src.upload(host);
        }
    }

    /** Queues the kernels (class comment); returns without waiting. */
    void launch() {
        flag.fill((byte) 0);
        long m = QuantizeKernels.mode(mode);
        long tiles = QuantizeKernels.tiles(layout);
        if (mode.keepsDiagonal()) {
            kernels.diagonal(src.address(), rows, diag.address(), flag.address());
        }
        kernels.absmax(src.address(), rows, cols, m, tiles, layout.blockSize(), blocks, scales.address(), recip.address(),
                flag.address());
        kernels.encode(src.address(), rows, cols, m, tiles, layout.blockSize(), bits, codeCount, codeBytes,
                recip.address(), thresholds.address(), tableSize, codes.address());
    }

    /** Whether the last launch met a non-finite element (waits for it: the copy is synchronous). */
    boolean nonFinite() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment f = arena.allocate(JAVA_INT);
            flag.download(f);
            return f.get(JAVA_INT, 0) != 0;
        }
    }

    /** Copies the results into the caller's buffers (lengths as the BlockQuantizer contract says). */
    void download(byte[] codesOut, float[] scalesOut, float[] diagonalOut) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment c = arena.allocate(Math.max(1, codeBytes));
            codes.download(c.asSlice(0, codeBytes));
            MemorySegment.copy(c, JAVA_BYTE, 0, codesOut, 0, codeBytes);
            MemorySegment s = arena.allocate(JAVA_FLOAT, Math.max(1, blocks));
            scales.download(s.asSlice(0, 4L * blocks));
            MemorySegment.copy(s, JAVA_FLOAT, 0, scalesOut, 0, blocks);
            if (mode.keepsDiagonal()) {
                MemorySegment d = arena.allocate(JAVA_FLOAT, rows);
                diag.download(d);
                MemorySegment.copy(d, JAVA_FLOAT, 0, diagonalOut, 0, rows);
            }
        }
    }

    /** Bytes of fp32 input per launch (4·rows·cols): the quantity the throughput is measured against. */
    long sourceBytes() {
        return 4L * rows * cols;
    }

    @Override
    public void close() {
        for (DeviceBuffer b : new DeviceBuffer[] {src, codes, scales, recip, diag, flag, thresholds}) {
            b.close();
        }
    }
}
