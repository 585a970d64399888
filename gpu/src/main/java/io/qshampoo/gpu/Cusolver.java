package io.qshampoo.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Map;

/**
 * The cuSOLVER dense calls the backend makes (cusolverDn.h), column-major, float64 ({@code D}) and float32
 * ({@code S}): Cholesky {@code potrf} and the symmetric eigendecomposition {@code syevd} (divide and conquer), each
 * with its {@code _bufferSize} query. Every call's status is checked (cuSOLVER has no error-string function; the
 * names are cusolver_common.h's); the factorization's own result, {@code devInfo}, is returned to the caller.
 */
final class Cusolver {

    /** {@code CUBLAS_FILL_MODE_LOWER}. */
    static final int FILL_LOWER = 0;
    /** {@code CUBLAS_FILL_MODE_UPPER}. */
    static final int FILL_UPPER = 1;
    /** {@code CUSOLVER_EIG_MODE_VECTOR}. */
    static final int EIG_MODE_VECTOR = 1;

    private static final Map<Integer, String> STATUS = Map.ofEntries(Map.entry(0, "CUSOLVER_STATUS_SUCCESS"),
            Map.entry(1, "CUSOLVER_STATUS_NOT_INITIALIZED"), Map.entry(2, "CUSOLVER_STATUS_ALLOC_FAILED"),
            Map.entry(3, "CUSOLVER_STATUS_INVALID_VALUE"), Map.entry(4, "CUSOLVER_STATUS_ARCH_MISMATCH"),
            Map.entry(5, "CUSOLVER_STATUS_MAPPING_ERROR"), Map.entry(6, "CUSOLVER_STATUS_EXECUTION_FAILED"),
            Map.entry(7, "CUSOLVER_STATUS_INTERNAL_ERROR"), Map.entry(8, "CUSOLVER_STATUS_MATRIX_TYPE_NOT_SUPPORTED"),
            Map.entry(9, "CUSOLVER_STATUS_NOT_SUPPORTED"), Map.entry(10, "CUSOLVER_STATUS_ZERO_PIVOT"),
            Map.entry(11, "CUSOLVER_STATUS_INVALID_LICENSE"));

    private final NativeLibrary library;
    private final MethodHandle create;
    private final MethodHandle destroy;
    private final MethodHandle dpotrfBufferSize;
    private final MethodHandle spotrfBufferSize;
    private final MethodHandle dpotrf;
    private final MethodHandle spotrf;
    private final MethodHandle dsyevdBufferSize;
    private final MethodHandle ssyevdBufferSize;
    private final MethodHandle dsyevd;
    private final MethodHandle ssyevd;

    Cusolver(NativeLibrary library) {
        this.library = library;
        create = library.function("cusolverDnCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        destroy = library.function("cusolverDnDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        // (handle, uplo, n, A, lda, int* Lwork)
        FunctionDescriptor potrfSize = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);
        dpotrfBufferSize = library.function("cusolverDnDpotrf_bufferSize", potrfSize);
        spotrfBufferSize = library.function("cusolverDnSpotrf_bufferSize", potrfSize);
        // (handle, uplo, n, A, lda, Workspace, Lwork, int* devInfo)
        FunctionDescriptor potrf = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS,
                JAVA_INT, ADDRESS);
        dpotrf = library.function("cusolverDnDpotrf", potrf);
        spotrf = library.function("cusolverDnSpotrf", potrf);
        // (handle, jobz, uplo, n, A, lda, W, int* lwork)
        FunctionDescriptor syevdSize = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT,
                ADDRESS, ADDRESS);
        dsyevdBufferSize = library.function("cusolverDnDsyevd_bufferSize", syevdSize);
        ssyevdBufferSize = library.function("cusolverDnSsyevd_bufferSize", syevdSize);
        // (handle, jobz, uplo, n, A, lda, W, work, lwork, int* devInfo)
        FunctionDescriptor syevd = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
        dsyevd = library.function("cusolverDnDsyevd", syevd);
        ssyevd = library.function("cusolverDnSsyevd", syevd);
    }

    String file() {
        return library.file();
    }

    private static void check(String call, int status) {
        if (status != 0) {
            throw new CudaException(call, status, STATUS.getOrDefault(status, "cusolverStatus_t"), "");
        }
    }

    MemorySegment create() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cusolverDnCreate", Downcall.status(create, "cusolverDnCreate", out));
            return out.get(ADDRESS, 0);
        }
    }

    void destroy(MemorySegment handle) {
        check("cusolverDnDestroy", Downcall.status(destroy, "cusolverDnDestroy", handle));
    }

    /** Workspace elements (not bytes) {@code potrf} needs for an n × n matrix at device pointer a. */
    int potrfBufferSize(boolean fp64, MemorySegment handle, int uplo, int n, long a, int lda) {
        String call = fp64 ? "cusolverDnDpotrf_bufferSize" : "cusolverDnSpotrf_bufferSize";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment lwork = arena.allocate(JAVA_INT);
            check(call, Downcall.status(fp64 ? dpotrfBufferSize : spotrfBufferSize, call, handle, uplo, n,
                    MemorySegment.ofAddress(a), lda, lwork));
            return lwork.get(JAVA_INT, 0);
        }
    }

    /** Cholesky in place; {@code devInfo} (a device int) receives 0, or i &gt; 0 when the leading minor of order i is not positive definite. */
    void potrf(boolean fp64, MemorySegment handle, int uplo, int n, long a, int lda, long work, int lwork, long devInfo) {
        String call = fp64 ? "cusolverDnDpotrf" : "cusolverDnSpotrf";
        check(call, Downcall.status(fp64 ? dpotrf : spotrf, call, handle, uplo, n, MemorySegment.ofAddress(a), lda,
                MemorySegment.ofAddress(work), lwork, MemorySegment.ofAddress(devInfo)));
    }

    /** Workspace elements {@code syevd} needs. */
    int syevdBufferSize(boolean fp64, MemorySegment handle, int jobz, int uplo, int n, long a, int lda, long w) {
        String call = fp64 ? "cusolverDnDsyevd_bufferSize" : "cusolverDnSsyevd_bufferSize";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment lwork = arena.allocate(JAVA_INT);
            check(call, Downcall.status(fp64 ? dsyevdBufferSize : ssyevdBufferSize, call, handle, jobz, uplo, n,
                    MemorySegment.ofAddress(a), lda, MemorySegment.ofAddress(w), lwork));
            return lwork.get(JAVA_INT, 0);
        }
    }

    /**
     * Eigenvalues ascending into w, eigenvectors (jobz = VECTOR) over a, column j the vector of w[j];
     * {@code devInfo} receives 0, or i &gt; 0 when i off-diagonal elements did not converge.
     */
    void syevd(boolean fp64, MemorySegment handle, int jobz, int uplo, int n, long a, int lda, long w, long work, int lwork,
               long devInfo) {
        String call = fp64 ? "cusolverDnDsyevd" : "cusolverDnSsyevd";
        check(call, Downcall.status(fp64 ? dsyevd : ssyevd, call, handle, jobz, uplo, n, MemorySegment.ofAddress(a), lda,
                MemorySegment.ofAddress(w), MemorySegment.ofAddress(work), lwork, MemorySegment.ofAddress(devInfo)));
    }
}
