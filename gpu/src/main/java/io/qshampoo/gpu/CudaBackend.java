package io.qshampoo.gpu;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.CodeTable;
import io.qshampoo.quant.QuantizationConfig;

/**
 * The CUDA backend: the entry point of module {@code gpu}. It loads the CUDA libraries at run time (any installed major
 * version; see {@link LibraryLocator} for where it looks), opens device 0's primary context, and hands out the two
 * implementations of qshampoo's backend seams:
 * <ul>
 *   <li>{@link #kernels()} — {@link DenseKernels} on cuBLAS/cuSOLVER (float64; {@link #kernels(CudaKernels.Precision)}
 *       for float32);</li>
 *   <li>{@link #quantizer(QuantizationConfig)} — a {@link io.qshampoo.quant.BlockQuantizer} whose NVRTC-compiled
 *       kernels reproduce the CPU reference bit for bit.</li>
 * </ul>
 * Selecting it is one switch where the interfaces are taken:
 * <pre>{@code
 * CudaBackend gpu = CudaBackend.open();                        // throws CudaUnavailableException with the reason
 * ShampooOptimizer opt = ShampooOptimizer.builder(config, new Sgd(), lr).kernels(gpu.kernels())...build();
 * QuantizedMatrix q = QuantizedMatrix.quantize(src, n, n, StorageMode.DIAG_REAL, qc, gpu.quantizer(qc));
 * }</pre>
 * Nothing falls back to the CPU silently: when a library or device is missing, {@link #open()} and the accessors
 * throw {@link CudaUnavailableException} saying why, and {@link #describe()} reports what was found. (The one
 * documented delegation is {@link CudaKernels#thinSvd}, which is not on the GPU.)
 *
 * <p>Requires JDK 22+ and native access ({@code java --enable-native-access=ALL-UNNAMED}; without it JDK 22–25 print
 * a warning). Thread-safe; work on the device is serialized.
 */
public final class CudaBackend implements AutoCloseable {

    /** System property naming a PTX file of quantize.cu to load where NVRTC is missing. */
    public static final String PTX_PROPERTY = "qshampoo.gpu.ptx";

    private static CudaBackend shared;

    private final CudaLibrarySet libraries;
    private final Path ptxFile;
    private final CudaContext context;
    private final DeviceInfo device;
    private final Map<CudaKernels.Precision, CudaKernels> kernels = new EnumMap<>(CudaKernels.Precision.class);
    private final Map<String, CudaBlockQuantizer> quantizers = new HashMap<>();
    private QuantizeKernels quantizeKernels;
    private Nvrtc nvrtc;
    private Cublas cublas;
    private Cusolver cusolver;
    private boolean closed;

    private CudaBackend(CudaLibrarySet libraries, Path ptxFile, CudaContext context, DeviceInfo device) {
        this.libraries = libraries;
        this.ptxFile = ptxFile;
        this.context = context;
        this.device = device;
    }

    /**
     * The shared backend on device 0 with the standard library search, opened on first use and kept open (a later
     * call after {@link #close()} opens a new one).
     *
     * @throws CudaUnavailableException when there is no usable driver or device (the message says which)
     */
    public static synchronized CudaBackend open() {
        if (shared == null || shared.closed) {
            shared = open(LibraryLocator.standard(), 0, ptxFileProperty());
        }
        return shared;
    }

    /** The PTX file named by the system property {@code qshampoo.gpu.ptx}, or null. */
    static Path ptxFileProperty() {
        String p = System.getProperty(PTX_PROPERTY);
        return p == null || p.isBlank() ? null : Path.of(p);
    }

    /** A backend of its own on device {@code ordinal} with the libraries {@code locator} finds. */
    static CudaBackend open(LibraryLocator locator, int ordinal) {
        return open(locator, ordinal, null);
    }

    /**
     * As {@link #open(LibraryLocator, int)}; where NVRTC is missing, the quantization kernels are loaded from
     * {@code ptxFile} if it is not null.
     */
    static CudaBackend open(LibraryLocator locator, int ordinal, Path ptxFile) {
        CudaLibrarySet libs = CudaLibrarySet.load(locator);
        Driver driver = libs.driver().orElseThrow(() -> new CudaUnavailableException("no CUDA driver: "
                + libs.status(CudaLibrary.DRIVER).detail()));
        CudaContext context;
        try {
            context = CudaContext.open(driver, ordinal);
        } catch (CudaException e) {
            throw new CudaUnavailableException("the CUDA driver cannot start: " + e.getMessage(), e);
        }
        return new CudaBackend(libs, ptxFile, context, DeviceInfo.query(driver, ordinal));
    }

    /** What this machine offers the backend (libraries, driver, devices, and why a part cannot run); never throws. */
    public static CudaProbe probe() {
        return CudaProbe.run(LibraryLocator.standard(), ptxFileProperty());
    }

    /** {@link #probe()} as text: what {@code qshampoo gpu-info} prints. */
    public static String describe() {
        try {
            return probe().report();
        } catch (RuntimeException | LinkageError e) {
            return "CUDA backend probe failed: " + e;
        }
    }

    /** Prints {@link #describe()}. */
    public static void main(String[] args) {
        System.out.print(describe());
    }

    /** The device this backend runs on. */
    public DeviceInfo device() {
        return device;
    }

    /** Float64 dense kernels on this device. */
    public CudaKernels kernels() {
        return kernels(CudaKernels.Precision.FP64);
    }

    /**
     * Dense kernels of the given precision on this device (one instance per precision).
     *
     * @throws CudaUnavailableException when cuBLAS or cuSOLVER is missing
     */
    public synchronized CudaKernels kernels(CudaKernels.Precision precision) {
        ensureOpen();
        CudaKernels k = kernels.get(precision);
        if (k == null) {
            if (cublas == null) {
                cublas = new Cublas(require(CudaLibrary.CUBLAS));
            }
            if (cusolver == null) {
                cusolver = new Cusolver(require(CudaLibrary.CUSOLVER));
            }
            k = new CudaKernels(context, cublas, cusolver, precision);
            kernels.put(precision, k);
        }
        return k;
    }

    /**
     * The GPU quantizer for a config's table and layout.
     *
     * @throws CudaUnavailableException when NVRTC is missing or cannot compile for this device
     */
    public CudaBlockQuantizer quantizer(QuantizationConfig config) {
        return quantizer(config.table(), config.layout());
    }

    /**
     * The GPU quantizer for a table and layout. The kernels are compiled by NVRTC once per backend, on first use; where
     * NVRTC is missing they are loaded from the PTX file named by the system property {@value #PTX_PROPERTY} (compiled
     * ahead of time from the same quantize.cu; its {@code toString()} says so), and without one the call fails.
     */
    public synchronized CudaBlockQuantizer quantizer(CodeTable table, BlockLayout layout) {
        ensureOpen();
        if (quantizeKernels == null) {
            if (libraries.library(CudaLibrary.NVRTC).isEmpty() && ptxFile != null) {
                quantizeKernels = QuantizeKernels.loadPtxFile(context, ptxFile);
            } else {
                if (nvrtc == null) {
                    nvrtc = new Nvrtc(require(CudaLibrary.NVRTC));
                }
                quantizeKernels = QuantizeKernels.compile(context, nvrtc, device.capability());
            }
        }
        return quantizers.computeIfAbsent(table + " " + layout,
                key -> new CudaBlockQuantizer(context, quantizeKernels, table, layout));
    }

    /** The context, for the package's device-resident work (timing harness). */
    CudaContext context() {
        return context;
    }

    private NativeLibrary require(CudaLibrary lib) {
        return libraries.library(lib).orElseThrow(() -> new CudaUnavailableException(lib.label() + " unavailable: "
                + libraries.status(lib).detail()));
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this CUDA backend is closed");
        }
    }

    /** Destroys the library handles, unloads the kernels and releases the context. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            for (CudaKernels k : kernels.values()) {
                k.close();
            }
            if (quantizeKernels != null) {
                quantizeKernels.unload();
            }
        } finally {
            context.close();
        }
    }

    @Override
    public String toString() {
        return "CudaBackend[device " + device + "]";
    }
}
