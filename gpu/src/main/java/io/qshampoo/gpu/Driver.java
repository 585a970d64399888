package io.qshampoo.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The CUDA driver API calls the backend makes ({@code libcuda.so.1}, cuda.h), each checked: a status other than
 * {@code CUDA_SUCCESS} becomes a {@link CudaException} naming the call and the driver's own name and description
 * of the error ({@code cuGetErrorName}, {@code cuGetErrorString}).
 *
 * <p>C types: {@code CUresult}, {@code CUdevice} and {@code CUdevice_attribute} are {@code int}; {@code CUdeviceptr}
 * is {@code unsigned long long} (a Java {@code long}); contexts, modules, functions and streams are pointers. The
 * versioned entry points ({@code cuMemAlloc_v2}, …) are the ones cuda.h maps the plain names to since CUDA 3.2.
 *
 * <p>Stateless apart from the handles; thread-safe as the driver is. The calls that need a current context
 * ({@code cuMem*}, {@code cuModule*}, {@code cuLaunchKernel}, {@code cuCtxSynchronize}) are made by
 * {@link CudaContext} with its context current.
 */
@SuppressWarnings("restricted") // native access is this class's purpose
final class Driver {

    /** {@code CUDA_ERROR_NO_DEVICE}. */
    static final int ERROR_NO_DEVICE = 100;
    /** {@code CUDA_ERROR_UNSUPPORTED_PTX_VERSION}: the PTX is newer than this driver can JIT. */
    static final int ERROR_UNSUPPORTED_PTX_VERSION = 222;
    static final int ATTRIBUTE_MULTIPROCESSOR_COUNT = 16;
    static final int ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
    static final int ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;

    private final NativeLibrary library;
    private final MethodHandle cuGetErrorName;
    private final MethodHandle cuGetErrorString;
    private final MethodHandle cuInit;
    private final MethodHandle cuDriverGetVersion;
    private final MethodHandle cuDeviceGetCount;
    private final MethodHandle cuDeviceGet;
    private final MethodHandle cuDeviceGetName;
    private final MethodHandle cuDeviceGetAttribute;
    private final MethodHandle cuDeviceTotalMem;
    private final MethodHandle cuDevicePrimaryCtxRetain;
    private final MethodHandle cuDevicePrimaryCtxRelease;
    private final MethodHandle cuCtxSetCurrent;
    private final MethodHandle cuCtxSynchronize;
    private final MethodHandle cuMemAlloc;
    private final MethodHandle cuMemFree;
    private final MethodHandle cuMemcpyHtoD;
    private final MethodHandle cuMemcpyDtoH;
    private final MethodHandle cuMemcpyDtoD;
    private final MethodHandle cuMemsetD8;
    private final MethodHandle cuModuleLoadData;
    private final MethodHandle cuModuleUnload;
    private final MethodHandle cuModuleGetFunction;
    private final MethodHandle cuLaunchKernel;

    Driver(NativeLibrary library) {
        this.library = library;
        cuGetErrorName = library.function("cuGetErrorName", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        cuGetErrorString = library.function("cuGetErrorString", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        cuInit = library.function("cuInit", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        cuDriverGetVersion = library.function("cuDriverGetVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        cuDeviceGetCount = library.function("cuDeviceGetCount", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        cuDeviceGet = library.function("cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuDeviceGetName = library.function("cuDeviceGetName", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        cuDeviceGetAttribute = library.function("cuDeviceGetAttribute",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        cuDeviceTotalMem = library.function("cuDeviceTotalMem_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuDevicePrimaryCtxRetain = library.function("cuDevicePrimaryCtxRetain",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuDevicePrimaryCtxRelease = library.function("cuDevicePrimaryCtxRelease_v2", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        cuCtxSetCurrent = library.function("cuCtxSetCurrent", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        cuCtxSynchronize = library.function("cuCtxSynchronize", FunctionDescriptor.of(JAVA_INT));
        cuMemAlloc = library.function("cuMemAlloc_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        cuMemFree = library.function("cuMemFree_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        cuMemcpyHtoD = library.function("cuMemcpyHtoD_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG));
        cuMemcpyDtoH = library.function("cuMemcpyDtoH_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
        cuMemcpyDtoD = library.function("cuMemcpyDtoD_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        cuMemsetD8 = library.function("cuMemsetD8_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_BYTE, JAVA_LONG));
        cuModuleLoadData = library.function("cuModuleLoadData", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cuModuleUnload = library.function("cuModuleUnload", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        cuModuleGetFunction = library.function("cuModuleGetFunction",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        cuLaunchKernel = library.function("cuLaunchKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    }

    /** Where the driver library was loaded from. */
    String file() {
        return library.file();
    }

    private void check(String call, int status) {
        if (status != 0) {
            throw new CudaException(call, status, errorText(cuGetErrorName, status).orElse("CUresult"),
                    errorText(cuGetErrorString, status).orElse("(the driver has no description for this code)"));
        }
    }

    private static Optional<String> errorText(MethodHandle h, int status) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            if (Downcall.status(h, "cuGetError*", status, out) != 0) {
                return Optional.empty();
            }
            MemorySegment p = out.get(ADDRESS, 0);
            return p.equals(MemorySegment.NULL) ? Optional.empty()
                    : Optional.of(p.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.UTF_8));
        }
    }

    void init() {
        check("cuInit", Downcall.status(cuInit, "cuInit", 0));
    }

    /** The CUDA version the driver supports, e.g. 13000 for 13.0; works before {@link #init}. */
    int driverVersion() {
        return intOut("cuDriverGetVersion", cuDriverGetVersion);
    }

    int deviceCount() {
        return intOut("cuDeviceGetCount", cuDeviceGetCount);
    }

    /** The CUdevice of ordinal k. */
    int device(int ordinal) {
        return intOut("cuDeviceGet", cuDeviceGet, ordinal);
    }

    String deviceName(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256);
            check("cuDeviceGetName", Downcall.status(cuDeviceGetName, "cuDeviceGetName", buf, 256, device));
            return buf.getString(0, StandardCharsets.UTF_8);
        }
    }

    int attribute(int device, int attribute) {
        return intOut("cuDeviceGetAttribute", cuDeviceGetAttribute, attribute, device);
    }

    long totalMemory(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            check("cuDeviceTotalMem_v2", Downcall.status(cuDeviceTotalMem, "cuDeviceTotalMem_v2", out, device));
            return out.get(JAVA_LONG, 0);
        }
    }

    /** Retains the device's primary context (the one the CUDA runtime, and so cuBLAS and cuSOLVER, use). */
    MemorySegment primaryContextRetain(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cuDevicePrimaryCtxRetain", Downcall.status(cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain", out, device));
            return out.get(ADDRESS, 0);
        }
    }

    void primaryContextRelease(int device) {
        check("cuDevicePrimaryCtxRelease_v2", Downcall.status(cuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2", device));
    }

    void setCurrent(MemorySegment context) {
        check("cuCtxSetCurrent", Downcall.status(cuCtxSetCurrent, "cuCtxSetCurrent", context));
    }

    void synchronize() {
        check("cuCtxSynchronize", Downcall.status(cuCtxSynchronize, "cuCtxSynchronize"));
    }

    /** A device allocation of {@code bytes} > 0 bytes; its CUdeviceptr. */
    long memAlloc(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            check("cuMemAlloc_v2", Downcall.status(cuMemAlloc, "cuMemAlloc_v2", out, bytes));
            return out.get(JAVA_LONG, 0);
        }
    }

    void memFree(long pointer) {
        check("cuMemFree_v2", Downcall.status(cuMemFree, "cuMemFree_v2", pointer));
    }

    void copyHostToDevice(long dst, MemorySegment src, long bytes) {
        check("cuMemcpyHtoD_v2", Downcall.status(cuMemcpyHtoD, "cuMemcpyHtoD_v2", dst, src, bytes));
    }

    void copyDeviceToHost(MemorySegment dst, long src, long bytes) {
        check("cuMemcpyDtoH_v2", Downcall.status(cuMemcpyDtoH, "cuMemcpyDtoH_v2", dst, src, bytes));
    }

    void copyDeviceToDevice(long dst, long src, long bytes) {
        check("cuMemcpyDtoD_v2", Downcall.status(cuMemcpyDtoD, "cuMemcpyDtoD_v2", dst, src, bytes));
    }

    void memsetD8(long dst, byte value, long count) {
        check("cuMemsetD8_v2", Downcall.status(cuMemsetD8, "cuMemsetD8_v2", dst, value, count));
    }

    /** Loads a module from a NUL-terminated PTX image (JIT-compiled by the driver for this device). */
    MemorySegment moduleLoadData(MemorySegment image) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cuModuleLoadData", Downcall.status(cuModuleLoadData, "cuModuleLoadData", out, image));
            return out.get(ADDRESS, 0);
        }
    }

    void moduleUnload(MemorySegment module) {
        check("cuModuleUnload", Downcall.status(cuModuleUnload, "cuModuleUnload", module));
    }

    MemorySegment moduleGetFunction(MemorySegment module, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cuModuleGetFunction(" + name + ")", Downcall.status(cuModuleGetFunction, "cuModuleGetFunction",
                    out, module, arena.allocateFrom(name, StandardCharsets.UTF_8)));
            return out.get(ADDRESS, 0);
        }
    }

    /** Launches on the legacy default stream (NULL), which cuBLAS and cuSOLVER also use by default. */
    void launchKernel(String name, MemorySegment function, int gridX, int blockX, MemorySegment kernelParams) {
        check("cuLaunchKernel(" + name + ")", Downcall.status(cuLaunchKernel, "cuLaunchKernel", function,
                gridX, 1, 1, blockX, 1, 1, 0, MemorySegment.NULL, kernelParams, MemorySegment.NULL));
    }

    private int intOut(String call, MethodHandle h, Object... args) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            Object[] all = new Object[args.length + 1];
            all[0] = out;
            System.arraycopy(args, 0, all, 1, args.length);
            check(call, Downcall.status(h, call, all));
            return out.get(JAVA_INT, 0);
        }
    }
}
