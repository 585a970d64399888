package io.qshampoo.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * The host-emulated stand-in for the CUDA libraries (src/test/resources/.../fake_cuda.cpp), built once per JVM with a
 * C++ compiler ({@code $CXX}, else g++, c++ or clang++ on the PATH) together with quantize.cu in host mode, and
 * exposed under the names the backend looks for ({@code libcuda.so.1}, {@code libnvrtc.so.13}, {@code libcublas.so.13},
 * {@code libcusolver.so.13}: links to one shared object, so all four share its state). Tests that use it check the
 * Java side (bindings, buffer sizes, the row-/column-major mapping, error handling) and the kernels' arithmetic, never
 * a GPU; they skip where no compiler is installed.
 */
@SuppressWarnings("restricted") // native access is this class's purpose
final class FakeCuda {

    private static Path directory;
    private static Path withoutNvrtc;
    private static String unavailable;
    private static SymbolLookup control;

    private FakeCuda() {
    }

    /** Skips the calling test (JUnit assumption) when the stand-in cannot be built here. */
    static void assume() {
        Assumptions.assumeTrue(build(), () -> "host-emulated CUDA stand-in unavailable: " + unavailable);
    }

    /** A new backend on the stand-in (device 0); the caller closes it. */
    static CudaBackend open() {
        assume();
        return CudaBackend.open(locator(), 0);
    }

    static LibraryLocator locator() {
        assume();
        return LibraryLocator.only(List.of(directory));
    }

    /** The stand-in without NVRTC (driver, cuBLAS and cuSOLVER only). */
    static LibraryLocator locatorWithoutNvrtc() {
        assume();
        return LibraryLocator.only(List.of(withoutNvrtc));
    }

    static synchronized boolean build() {
        if (directory != null) {
            return true;
        }
        if (unavailable != null) {
            return false;
        }
        try {
            String cxx = compiler();
            if (cxx == null) {
                unavailable = "no C++ compiler ($CXX, g++, c++, clang++) on the PATH";
                return false;
            }
            Path base = Files.isDirectory(Path.of("target")) ? Path.of("target") : Path.of(System.getProperty("java.io.tmpdir"));
            Path dir = Files.createTempDirectory(base.toAbsolutePath(), "fake-cuda-");
            Files.writeString(dir.resolve("quantize.cu"), QuantizeKernels.source());
            try (InputStream in = FakeCuda.class.getResourceAsStream("fake_cuda.cpp")) {
                Files.write(dir.resolve("fake_cuda.cpp"), in.readAllBytes());
            }
            Path so = dir.resolve("libqshampoo-fakecuda.so");
            List<String> cmd = List.of(cxx, "-std=c++17", "-O2", "-fPIC", "-shared", "-ffp-contract=off", "-DQS_HOST_EMULATION",
                    "-o", so.toString(), dir.resolve("fake_cuda.cpp").toString(), "-Wl,-soname,libqshampoo-fakecuda.so");
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                unavailable = String.join(" ", cmd) + " failed:\n" + out;
                return false;
            }
            for (String name : List.of("libcuda.so.1", "libnvrtc.so.13", "libcublas.so.13", "libcusolver.so.13")) {
                Files.createSymbolicLink(dir.resolve(name), so.getFileName());
            }
            Path bare = Files.createDirectories(dir.resolve("without-nvrtc"));
            for (String name : List.of("libcuda.so.1", "libcublas.so.13", "libcusolver.so.13")) {
                Files.createSymbolicLink(bare.resolve(name), so);
            }
            withoutNvrtc = bare;
            control = SymbolLookup.libraryLookup(so, Arena.global());
            directory = dir;
            return true;
        } catch (IOException | InterruptedException | RuntimeException e) {
            unavailable = "building the stand-in failed: " + e;
            return false;
        }
    }

    private static String compiler() {
        List<String> names = new ArrayList<>();
        String env = System.getenv("CXX");
        if (env != null && !env.isBlank()) {
            names.add(env.trim());
        }
        names.addAll(List.of("g++", "c++", "clang++"));
        for (String n : names) {
            if (n.contains("/") ? Files.isExecutable(Path.of(n)) : onPath(n)) {
                return n;
            }
        }
        return null;
    }

    static boolean onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
                return true;
            }
        }
        return false;
    }

    private static MethodHandle handle(String name, FunctionDescriptor fd) {
        assume();
        return Linker.nativeLinker().downcallHandle(control.find(name).orElseThrow(), fd);
    }

    private static Object call(String name, FunctionDescriptor fd, Object... args) {
        try {
            return handle(name, fd).invokeWithArguments(args);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The next call of {@code function} returns {@code status}. */
    static void failNext(String function, int status) {
        try (Arena arena = Arena.ofConfined()) {
            call("fake_cuda_fail_next", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT), arena.allocateFrom(function), status);
        }
    }

    static void setDeviceCount(int n) {
        call("fake_cuda_set_device_count", FunctionDescriptor.ofVoid(JAVA_INT), n);
    }

    /** Device allocations not yet freed. */
    static long liveAllocations() {
        return (Long) call("fake_cuda_live_allocations", FunctionDescriptor.of(JAVA_LONG));
    }

    static int primaryContextRefs() {
        return (Integer) call("fake_cuda_primary_context_refs", FunctionDescriptor.of(JAVA_INT));
    }

    static int blasHandles() {
        return (Integer) call("fake_cublas_handles", FunctionDescriptor.of(JAVA_INT));
    }

    static int solverHandles() {
        return (Integer) call("fake_cusolver_handles", FunctionDescriptor.of(JAVA_INT));
    }

    /** Why the stand-in last refused a call (buffer bounds, missing context, …). */
    static String lastError() {
        return string("fake_cuda_last_error");
    }

    /** The options of the last nvrtcCompileProgram call, space-separated. */
    static String lastNvrtcOptions() {
        return string("fake_nvrtc_last_options");
    }

    private static String string(String function) {
        MemorySegment p = (MemorySegment) call(function, FunctionDescriptor.of(ADDRESS));
        return p.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
    }

    static String unavailableReason() {
        build();
        return unavailable;
    }
}
