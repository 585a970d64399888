package io.qshampoo.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * NVRTC (nvrtc.h): CUDA C++ source to PTX at run time, so the backend carries no prebuilt binary for one GPU
 * generation or toolkit. Every call is checked; a failed compilation's message carries the program log.
 *
 * <p>C types: {@code nvrtcResult} is an {@code int}, {@code nvrtcProgram} a pointer; sizes are {@code size_t}
 * (a Java {@code long} on 64-bit Linux).
 */
@SuppressWarnings("restricted") // native access is this class's purpose
final class Nvrtc {

    private final NativeLibrary library;
    private final MethodHandle nvrtcGetErrorString;
    private final MethodHandle nvrtcVersion;
    private final Optional<MethodHandle> nvrtcGetNumSupportedArchs;
    private final Optional<MethodHandle> nvrtcGetSupportedArchs;
    private final MethodHandle nvrtcCreateProgram;
    private final MethodHandle nvrtcCompileProgram;
    private final MethodHandle nvrtcGetProgramLogSize;
    private final MethodHandle nvrtcGetProgramLog;
    private final MethodHandle nvrtcGetPTXSize;
    private final MethodHandle nvrtcGetPTX;
    private final MethodHandle nvrtcDestroyProgram;

    Nvrtc(NativeLibrary library) {
        this.library = library;
        nvrtcGetErrorString = library.function("nvrtcGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        nvrtcVersion = library.function("nvrtcVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        // since CUDA 11.2
        nvrtcGetNumSupportedArchs = library.optionalFunction("nvrtcGetNumSupportedArchs", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        nvrtcGetSupportedArchs = library.optionalFunction("nvrtcGetSupportedArchs", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        nvrtcCreateProgram = library.function("nvrtcCreateProgram",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        nvrtcCompileProgram = library.function("nvrtcCompileProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        nvrtcGetProgramLogSize = library.function("nvrtcGetProgramLogSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        nvrtcGetProgramLog = library.function("nvrtcGetProgramLog", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        nvrtcGetPTXSize = library.function("nvrtcGetPTXSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        nvrtcGetPTX = library.function("nvrtcGetPTX", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        nvrtcDestroyProgram = library.function("nvrtcDestroyProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    String file() {
        return library.file();
    }

    private void check(String call, int status) {
        if (status != 0) {
            throw new CudaException(call, status, errorString(status), "");
        }
    }

    private String errorString(int status) {
        MemorySegment p = (MemorySegment) Downcall.invoke(nvrtcGetErrorString, "nvrtcGetErrorString", status);
        return p.equals(MemorySegment.NULL) ? "nvrtcResult" : p.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
    }

    /** {major, minor} of this NVRTC. */
    int[] version() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment major = arena.allocate(JAVA_INT);
            MemorySegment minor = arena.allocate(JAVA_INT);
            check("nvrtcVersion", Downcall.status(nvrtcVersion, "nvrtcVersion", major, minor));
            return new int[] {major.get(JAVA_INT, 0), minor.get(JAVA_INT, 0)};
        }
    }

    /** The virtual architectures (e.g. 75, 80, 90) this NVRTC compiles for, ascending; empty when it cannot say. */
    int[] supportedArchitectures() {
        if (nvrtcGetNumSupportedArchs.isEmpty() || nvrtcGetSupportedArchs.isEmpty()) {
            return new int[0];
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            check("nvrtcGetNumSupportedArchs", Downcall.status(nvrtcGetNumSupportedArchs.get(), "nvrtcGetNumSupportedArchs", count));
            int n = count.get(JAVA_INT, 0);
            if (n <= 0) {
                return new int[0];
            }
            MemorySegment archs = arena.allocate(JAVA_INT, n);
            check("nvrtcGetSupportedArchs", Downcall.status(nvrtcGetSupportedArchs.get(), "nvrtcGetSupportedArchs", archs));
            return archs.toArray(JAVA_INT);
        }
    }

    /**
     * Compiles {@code source} (named {@code name} in messages) with {@code options} to NUL-terminated PTX.
     *
     * @throws CudaException for a failed call; for a failed compilation its message includes the program log
     */
    byte[] compileToPtx(String source, String name, List<String> options) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment progOut = arena.allocate(ADDRESS);
            check("nvrtcCreateProgram", Downcall.status(nvrtcCreateProgram, "nvrtcCreateProgram", progOut,
                    arena.allocateFrom(source, StandardCharsets.UTF_8), arena.allocateFrom(name, StandardCharsets.UTF_8),
                    0, MemorySegment.NULL, MemorySegment.NULL));
            MemorySegment program = progOut.get(ADDRESS, 0);
            try {
                MemorySegment opts = arena.allocate(ADDRESS, Math.max(1, options.size()));
                for (int k = 0; k < options.size(); k++) {
                    opts.setAtIndex(ADDRESS, k, arena.allocateFrom(options.get(k), StandardCharsets.UTF_8));
                }
                int status = Downcall.status(nvrtcCompileProgram, "nvrtcCompileProgram", program, options.size(), opts);
                if (status != 0) {
                    throw new CudaException("nvrtcCompileProgram(" + name + ", " + options + ")", status, errorString(status),
                            "program log:\n" + log(arena, program));
                }
                MemorySegment size = arena.allocate(JAVA_LONG);
                check("nvrtcGetPTXSize", Downcall.status(nvrtcGetPTXSize, "nvrtcGetPTXSize", program, size));
                long n = size.get(JAVA_LONG, 0);
                if (n < 1 || n > Integer.MAX_VALUE) {
                    throw new CudaException("nvrtcGetPTXSize", "returned a PTX size of " + n + " bytes");
                }
                MemorySegment ptx = arena.allocate(n);
                check("nvrtcGetPTX", Downcall.status(nvrtcGetPTX, "nvrtcGetPTX", program, ptx));
                return ptx.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            } finally {
                check("nvrtcDestroyProgram", Downcall.status(nvrtcDestroyProgram, "nvrtcDestroyProgram", progOut));
            }
        }
    }

    private String log(Arena arena, MemorySegment program) {
        MemorySegment size = arena.allocate(JAVA_LONG);
        check("nvrtcGetProgramLogSize", Downcall.status(nvrtcGetProgramLogSize, "nvrtcGetProgramLogSize", program, size));
        long n = size.get(JAVA_LONG, 0);
        if (n <= 1) {
            return "(empty)";
        }
        MemorySegment text = arena.allocate(n);
        check("nvrtcGetProgramLog", Downcall.status(nvrtcGetProgramLog, "nvrtcGetProgramLog", program, text));
        return text.getString(0, StandardCharsets.UTF_8);
    }
}
