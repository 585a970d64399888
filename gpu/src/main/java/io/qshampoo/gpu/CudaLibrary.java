package io.qshampoo.gpu;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shared libraries the backend uses, and the file names each may have: any installed CUDA major version is
 * accepted ({@code libcublas.so.12}, {@code libcublas.so.13.0.2}, …), never one pinned version. The first four are
 * the backend's own; the others are loaded first, from the same major version, so that the dynamic loader
 * resolves the main libraries' dependencies to them even where they are not on the system search path (a
 * toolkit directory, a Python wheel's {@code nvidia/…/lib}).
 */
enum CudaLibrary {
    /** The driver API; installed with the NVIDIA driver, one version per machine. */
    DRIVER("CUDA driver", "libcuda"),
    /** Run-time compilation of the quantization kernels. */
    NVRTC("NVRTC", "libnvrtc"),
    /** GEMM. */
    CUBLAS("cuBLAS", "libcublas"),
    /** Cholesky and symmetric eigendecomposition. */
    CUSOLVER("cuSOLVER", "libcusolver"),
    /** Dependency of cuBLAS. */
    CUBLAS_LT("cuBLASLt", "libcublasLt"),
    /** Dependency of cuSOLVER. */
    CUSPARSE("cuSPARSE", "libcusparse"),
    /** Dependency of cuSPARSE/cuSOLVER since CUDA 12. */
    NVJITLINK("nvJitLink", "libnvJitLink"),
    /** Loaded by NVRTC itself at compile time. */
    NVRTC_BUILTINS("NVRTC builtins", "libnvrtc-builtins");

    private final String label;
    private final String stem;
    private final Pattern pattern;

    CudaLibrary(String label, String stem) {
        this.label = label;
        this.stem = stem;
        // libX.so, libX.so.13, libX.so.13.0, libX.so.13.0.88 (and for the builtins libX.so.13.0 only)
        this.pattern = Pattern.compile(Pattern.quote(stem) + "\\.so(?:\\.(\\d+)(?:\\.\\d+)*)?");
    }

    /** Human name, e.g. "cuBLAS". */
    String label() {
        return label;
    }

    /** The file-name stem, e.g. "libcublas". */
    String stem() {
        return stem;
    }

    /**
     * The major version a file name of this library carries: 13 for {@code libcublas.so.13.0.2}, 0 for an
     * unversioned {@code libcublas.so}, −1 when the name is not this library's ({@code libcublasLt.so.13} is not
     * cuBLAS).
     */
    int majorOf(String fileName) {
        Matcher m = pattern.matcher(fileName);
        if (!m.matches()) {
            return -1;
        }
        return m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
    }
}
