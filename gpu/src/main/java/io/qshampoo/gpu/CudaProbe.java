package io.qshampoo.gpu;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What this machine offers the CUDA backend, found without creating a context or allocating device memory: the
 * Java runtime, the libraries (where found, or why not), the driver's CUDA version and devices, and for each
 * capability (the quantizer, the dense kernels) whether it can run and, if not, why.
 *
 * @param java              runtime version and vendor
 * @param nativeAccess      whether native access is enabled for this code ({@code --enable-native-access})
 * @param searched          the library search directories, in order
 * @param libraries         one line per library: label, then the file or the reason
 * @param driver            the driver's CUDA version, or why it is unknown
 * @param devices           the devices, empty when none was found
 * @param quantizerProblem  null when {@link CudaBlockQuantizer} can run, else why not
 * @param kernelsProblem    null when {@link CudaKernels} can run, else why not
 */
public record CudaProbe(String java, boolean nativeAccess, List<Path> searched, List<String> libraries, String driver,
                        List<DeviceInfo> devices, String quantizerProblem, String kernelsProblem) {

    /** Probes with the libraries {@code locator} finds, devices included. */
    static CudaProbe run(LibraryLocator locator) {
        return run(locator, null);
    }

    /** As {@link #run(LibraryLocator)}, counting {@code ptxFile} (may be null) as a substitute for a missing NVRTC. */
    static CudaProbe run(LibraryLocator locator, Path ptxFile) {
        String java = Runtime.version() + " (" + System.getProperty("java.vendor") + ")";
        boolean nativeAccess = CudaProbe.class.getModule().isNativeAccessEnabled();
        CudaLibrarySet libs = CudaLibrarySet.load(locator);
        List<String> lines = new ArrayList<>();
        for (CudaLibrary lib : List.of(CudaLibrary.DRIVER, CudaLibrary.NVRTC, CudaLibrary.CUBLAS, CudaLibrary.CUSOLVER)) {
            CudaLibrarySet.Status s = libs.status(lib);
            lines.add(String.format(Locale.ROOT, "%-12s %s %s", lib.label(), s.loaded() != null ? "found " : "MISSING",
                    s.detail()));
        }
        String driver;
        List<DeviceInfo> devices = new ArrayList<>();
        String deviceProblem = null;
        if (libs.driver().isEmpty()) {
            driver = "not loaded (see CUDA driver above)";
            deviceProblem = "no usable CUDA driver library (libcuda.so.1; see above), so no device can be reached";
        } else {
            Driver d = libs.driver().get();
            driver = libs.driverVersion() > 0 ? "CUDA " + QuantizeKernels.cudaVersion(libs.driverVersion())
                    + " (cuDriverGetVersion " + libs.driverVersion() + ")" : "version unknown";
            try {
                d.init();
                int count = d.deviceCount();
                for (int k = 0; k < count; k++) {
                    devices.add(DeviceInfo.query(d, k));
                }
                if (count == 0) {
                    deviceProblem = "the driver reports no CUDA device";
                }
            } catch (CudaException e) {
                deviceProblem = "the driver cannot start: " + e.getMessage();
            }
        }
        String nvrtc = missing(libs, CudaLibrary.NVRTC);
        String cublas = missing(libs, CudaLibrary.CUBLAS);
        String cusolver = missing(libs, CudaLibrary.CUSOLVER);
        if (nvrtc != null && ptxFile != null) {
            nvrtc = Files.isReadable(ptxFile) ? null
                    : nvrtc + ", and the PTX file " + ptxFile + " (-D" + CudaBackend.PTX_PROPERTY + ") is not readable";
            if (nvrtc == null) {
                lines.add(String.format(Locale.ROOT, "%-12s %s %s", "PTX file", "given ", ptxFile
                        + " (-D" + CudaBackend.PTX_PROPERTY + "; loaded instead of compiling with NVRTC)"));
            }
        }
        String quantizer = deviceProblem != null ? deviceProblem : nvrtc;
        String kernels = deviceProblem != null ? deviceProblem : cublas != null ? cublas : cusolver;
        return new CudaProbe(java, nativeAccess, locator.directories(), lines, driver, devices, quantizer, kernels);
    }

    private static String missing(CudaLibrarySet libs, CudaLibrary lib) {
        CudaLibrarySet.Status s = libs.status(lib);
        return s.loaded() != null ? null : lib.label() + " is missing (see above)";
    }

    /** Whether {@link CudaBackend#quantizer} can run here. */
    public boolean quantizerAvailable() {
        return quantizerProblem == null;
    }

    /** Whether {@link CudaBackend#kernels} can run here. */
    public boolean kernelsAvailable() {
        return kernelsProblem == null;
    }

    /** The report {@code qshampoo gpu-info} prints. */
    public String report() {
        StringBuilder sb = new StringBuilder();
        sb.append("Java runtime: ").append(java).append('\n');
        sb.append("Foreign Function & Memory API: available (java.lang.foreign, final since JDK 22); native access ")
                .append(nativeAccess ? "enabled" : "NOT enabled (run java with --enable-native-access=ALL-UNNAMED)")
                .append('\n');
        sb.append("Library search (").append(searched.size()).append(" existing directories):\n");
        for (Path p : searched) {
            sb.append("  ").append(p).append('\n');
        }
        sb.append("Libraries:\n");
        for (String l : libraries) {
            sb.append("  ").append(l).append('\n');
        }
        sb.append("Driver: ").append(driver).append('\n');
        sb.append("Devices: ").append(devices.isEmpty() ? "none" : "").append('\n');
        for (DeviceInfo d : devices) {
            sb.append("  ").append(d).append('\n');
        }
        sb.append("Quantizer (CudaBlockQuantizer): ")
                .append(quantizerProblem == null ? "can run" : "cannot run: " + quantizerProblem).append('\n');
        sb.append("Dense kernels (CudaKernels): ")
                .append(kernelsProblem == null ? "can run" : "cannot run: " + kernelsProblem).append('\n');
        return sb.toString();
    }
}
