package io.qshampoo.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The quantization kernels of {@code quantize.cu} (a resource beside this class), compiled by NVRTC for the device's
 * architecture on first use (or, where NVRTC is missing and the user names one, loaded from a PTX file compiled ahead
 * of time from the same source), loaded as one module, and launched with one thread per unit of work and 256
 * threads per block. See quantize.cu for what each kernel computes; every parameter is 64 bits wide
 * ({@link KernelArgs}). Launches are asynchronous on the default stream; launch only inside {@link CudaContext#call}.
 */
final class QuantizeKernels {

    /** The kernel source, a resource in this package. */
    static final String SOURCE = "quantize.cu";
    /**
     * NVRTC options. {@code --fmad=false} forbids contracting x·scale into an FMA and {@code --ftz=false} keeps
     * subnormals, as Java's float arithmetic does; the products and the reciprocal also use the explicitly rounded
     * intrinsics ({@code __fmul_rn}, {@code __fdiv_rn}), so the result does not depend on these flags either.
     */
    static final List<String> OPTIONS = List.of("--fmad=false", "--ftz=false", "--prec-div=true", "--prec-sqrt=true");
    static final int THREADS = 256;

    private final CudaContext context;
    private final MemorySegment module;
    private final MemorySegment diagonal;
    private final MemorySegment absmax;
    private final MemorySegment encode;
    private final MemorySegment decode;
    private final String origin;

    private QuantizeKernels(CudaContext context, MemorySegment module, String origin) {
        this.context = context;
        this.module = module;
        this.origin = origin;
        Driver d = context.driver();
        this.diagonal = d.moduleGetFunction(module, "qs_diagonal");
        this.absmax = d.moduleGetFunction(module, "qs_absmax");
        this.encode = d.moduleGetFunction(module, "qs_encode");
        this.decode = d.moduleGetFunction(module, "qs_decode");
    }

    /** The kernel source text. */
    static String source() {
        try (InputStream in = QuantizeKernels.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + SOURCE + " is missing beside " + QuantizeKernels.class);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The virtual architecture to compile for: the largest NVRTC supports that does not exceed the device's compute
     * capability (PTX for compute_XY runs on every device of capability ≥ X.Y), or the device's own when NVRTC cannot
     * list them.
     *
     * @throws CudaUnavailableException when the device is older than every architecture NVRTC supports
     */
    static int architecture(int deviceCapability, int[] supported) {
        if (supported.length == 0) {
            return deviceCapability;
        }
        int best = -1;
        for (int a : supported) {
            if (a <= deviceCapability) {
                best = Math.max(best, a);
            }
        }
        if (best < 0) {
            throw new CudaUnavailableException("the device has compute capability " + deviceCapability / 10 + "."
                    + deviceCapability % 10 + "; this NVRTC compiles only for " + Arrays.toString(supported));
        }
        return best;
    }

    /** Compiles the kernels with NVRTC for the context's device and loads them. */
    static QuantizeKernels compile(CudaContext context, Nvrtc nvrtc, int capability) {
        int arch = architecture(capability, nvrtc.supportedArchitectures());
        List<String> options = new java.util.ArrayList<>();
        options.add("--gpu-architecture=compute_" + arch);
        options.addAll(OPTIONS);
        byte[] ptx = nvrtc.compileToPtx(source(), SOURCE, options);
        int[] v = nvrtc.version();
        return load(context, ptx, "compute_" + arch + " PTX from NVRTC " + v[0] + "." + v[1] + " (" + nvrtc.file() + ")");
    }

    /**
     * Loads kernels compiled ahead of time from quantize.cu into a PTX file (e.g. by gpu/run-on-device.sh with
     * {@code nvcc --ptx} and {@link #OPTIONS}), for a machine without NVRTC: chosen explicitly with the system property
     * {@code qshampoo.gpu.ptx}, and reported as such.
     */
    static QuantizeKernels loadPtxFile(CudaContext context, Path file) {
        byte[] ptx;
        try {
            ptx = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CudaUnavailableException("cannot read the PTX file " + file + ": " + e.getMessage(), e);
        }
        return load(context, ptx, "PTX file " + file + " (NVRTC not used)");
    }

    private static QuantizeKernels load(CudaContext context, byte[] ptx, String origin) {
        return context.call(() -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment image = arena.allocate(ptx.length + 1L); // zeroed: the image is NUL-terminated
                MemorySegment.copy(ptx, 0, image, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, ptx.length);
                MemorySegment module;
                try {
                    module = context.driver().moduleLoadData(image);
                } catch (CudaException e) {
                    if (e.status() == Driver.ERROR_UNSUPPORTED_PTX_VERSION) {
                        throw new CudaUnavailableException("the driver (CUDA "
                                + cudaVersion(context.driver().driverVersion()) + ") cannot load the " + origin
                                + ": the PTX is newer than the driver; use an NVRTC or nvcc no newer than the driver", e);
                    }
                    throw e;
                }
                return new QuantizeKernels(context, module, origin);
            }
        });
    }

    /** The kernels' code for a storage mode (quantize.cu: 0 FULL, 1 DIAG_REAL, 2 STRICTLY_LOWER). */
    static long mode(io.qshampoo.quant.StorageMode mode) {
        return switch (mode) {
            case FULL -> 0;
            case DIAG_REAL -> 1;
            case STRICTLY_LOWER -> 2;
        };
    }

    /** The kernels' code for a layout kind (quantize.cu: 0 row segments, 1 tiles). */
    static long tiles(io.qshampoo.quant.BlockLayout layout) {
        return switch (layout.kind()) {
            case ROW_SEGMENTS -> 0;
            case TILES -> 1;
        };
    }

    static String cudaVersion(int v) {
        return v / 1000 + "." + (v % 1000) / 10;
    }

    /** Where the loaded PTX came from, e.g. "compute_90 PTX from NVRTC 13.0 (/usr/local/cuda/lib64/libnvrtc.so.13)". */
    String origin() {
        return origin;
    }

    private void launch(String name, MemorySegment function, long threads, long... args) {
        if (threads <= 0) {
            return;
        }
        long grid = (threads + THREADS - 1) / THREADS;
        if (grid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": " + threads + " threads exceed the grid limit");
        }
        try (Arena arena = Arena.ofConfined()) {
            context.driver().launchKernel(name, function, (int) grid, THREADS, KernelArgs.of(arena, args));
        }
    }

    /** qs_diagonal(src, n, diag, flag): one thread per diagonal element. */
    void diagonal(long src, long n, long diag, long flag) {
        launch("qs_diagonal", diagonal, n, src, n, diag, flag);
    }

    /** qs_absmax(src, rows, cols, mode, tiles, B, blocks, scales, recip, flag): one warp per block. */
    void absmax(long src, long rows, long cols, long mode, long tiles, long blockSize, long blocks, long scales, long recip,
                long flag) {
        launch("qs_absmax", absmax, 32 * blocks, src, rows, cols, mode, tiles, blockSize, blocks, scales, recip, flag);
    }

    /** qs_encode(src, rows, cols, mode, tiles, B, bits, total, codeBytes, recip, thresholds, tableSize, codes): one thread per 8 codes. */
    void encode(long src, long rows, long cols, long mode, long tiles, long blockSize, long bits, long total, long codeBytes,
                long recip, long thresholds, long tableSize, long codes) {
        launch("qs_encode", encode, (total + 7) / 8, src, rows, cols, mode, tiles, blockSize, bits, total, codeBytes, recip,
                thresholds, tableSize, codes);
    }

    /** qs_decode(codes, codeBytes, scales, diag, rows, cols, mode, tiles, B, bits, values, out): one thread per element. */
    void decode(long codes, long codeBytes, long scales, long diag, long rows, long cols, long mode, long tiles,
                long blockSize, long bits, long values, long out) {
        launch("qs_decode", decode, rows * cols, codes, codeBytes, scales, diag, rows, cols, mode, tiles, blockSize, bits,
                values, out);
    }

    /** Unloads the module. */
    void unload() {
        context.call(() -> {
            context.driver().moduleUnload(module);
            return null;
        });
    }
}
