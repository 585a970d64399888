package io.qshampoo.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The cuBLAS v2 calls the backend makes (cublas_api.h): a handle and the column-major GEMM
 * C = α·op(A)·op(B) + β·C, in float64 ({@code cublasDgemm_v2}) and float32 ({@code cublasSgemm_v2}), with α and β
 * read from host memory (the default pointer mode). Row-major callers map their products in {@link CudaKernels}.
 * Every call is checked; the error text comes from {@code cublasGetStatusName/String} where the library has them
 * (CUDA ≥ 11.4), else from the status names of cublas_api.h. Handles keep cuBLAS's default math mode
 * ({@code CUBLAS_DEFAULT_MATH}): {@code Sgemm} does not down-convert to TF32 (that needs an explicit opt-in), so FP32
 * products are fp32 products.
 */
@SuppressWarnings("restricted") // native access is this class's purpose
final class Cublas {

    /** {@code CUBLAS_OP_N}. */
    static final int OP_N = 0;
    /** {@code CUBLAS_OP_T}. */
    static final int OP_T = 1;

    private static final Map<Integer, String> STATUS = Map.of(0, "CUBLAS_STATUS_SUCCESS", 1, "CUBLAS_STATUS_NOT_INITIALIZED",
            3, "CUBLAS_STATUS_ALLOC_FAILED", 7, "CUBLAS_STATUS_INVALID_VALUE", 8, "CUBLAS_STATUS_ARCH_MISMATCH",
            11, "CUBLAS_STATUS_MAPPING_ERROR", 13, "CUBLAS_STATUS_EXECUTION_FAILED", 14, "CUBLAS_STATUS_INTERNAL_ERROR",
            15, "CUBLAS_STATUS_NOT_SUPPORTED", 16, "CUBLAS_STATUS_LICENSE_ERROR");

    private final NativeLibrary library;
    private final MethodHandle cublasCreate;
    private final MethodHandle cublasDestroy;
    private final MethodHandle cublasGetVersion;
    private final MethodHandle cublasDgemm;
    private final MethodHandle cublasSgemm;
    private final Optional<MethodHandle> cublasGetStatusName;
    private final Optional<MethodHandle> cublasGetStatusString;

    Cublas(NativeLibrary library) {
        this.library = library;
        cublasCreate = library.function("cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        cublasDestroy = library.function("cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        cublasGetVersion = library.function("cublasGetVersion_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        FunctionDescriptor gemm = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
        cublasDgemm = library.function("cublasDgemm_v2", gemm);
        cublasSgemm = library.function("cublasSgemm_v2", gemm);
        cublasGetStatusName = library.optionalFunction("cublasGetStatusName", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        cublasGetStatusString = library.optionalFunction("cublasGetStatusString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    String file() {
        return library.file();
    }

    private void check(String call, int status) {
        if (status != 0) {
            String name = text(cublasGetStatusName, status).orElse(STATUS.getOrDefault(status, "cublasStatus_t"));
            throw new CudaException(call, status, name, text(cublasGetStatusString, status).orElse(""));
        }
    }

    private static Optional<String> text(Optional<MethodHandle> h, int status) {
        if (h.isEmpty()) {
            return Optional.empty();
        }
        MemorySegment p = (MemorySegment) Downcall.invoke(h.get(), "cublasGetStatus*", status);
        return p.equals(MemorySegment.NULL) ? Optional.empty()
                : Optional.of(p.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.UTF_8));
    }

    /** A new handle; the calling thread's current context must be the backend's. */
    MemorySegment create() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cublasCreate_v2", Downcall.status(cublasCreate, "cublasCreate_v2", out));
            return out.get(ADDRESS, 0);
        }
    }

    void destroy(MemorySegment handle) {
        check("cublasDestroy_v2", Downcall.status(cublasDestroy, "cublasDestroy_v2", handle));
    }

    int version(MemorySegment handle) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check("cublasGetVersion_v2", Downcall.status(cublasGetVersion, "cublasGetVersion_v2", handle, out));
            return out.get(JAVA_INT, 0);
        }
    }

    /**
     * Column-major C (m × n, leading dimension ldc) = op(A)·op(B) with op(A) m × k, op(B) k × n, on device pointers,
     * in float64 ({@code fp64}) or float32; β = 0, so C is only written.
     */
    void gemm(boolean fp64, MemorySegment handle, int transA, int transB, int m, int n, int k,
              long a, int lda, long b, int ldb, long c, int ldc) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment alpha = fp64 ? arena.allocateFrom(JAVA_DOUBLE, 1.0) : arena.allocateFrom(JAVA_FLOAT, 1f);
            MemorySegment beta = fp64 ? arena.allocateFrom(JAVA_DOUBLE, 0.0) : arena.allocateFrom(JAVA_FLOAT, 0f);
            String call = fp64 ? "cublasDgemm_v2" : "cublasSgemm_v2";
            check(call, Downcall.status(fp64 ? cublasDgemm : cublasSgemm, call, handle, transA, transB, m, n, k, alpha,
                    MemorySegment.ofAddress(a), lda, MemorySegment.ofAddress(b), ldb, beta, MemorySegment.ofAddress(c), ldc));
        }
    }
}
