package io.qshampoo.gpu;

/**
 * A CUDA library call returned an error status. The message names the call, the status code, its symbolic
 * name and the library's description of it, e.g. {@code "cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (2):
 * out of memory"}. Every call of the driver API, NVRTC, cuBLAS and cuSOLVER made by this package is checked and
 * fails with this exception; none is ignored.
 */
public final class CudaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String call;
    private final int status;

    CudaException(String call, int status, String name, String description) {
        super(call + " failed: " + name + " (" + status + ")" + (description == null || description.isEmpty()
                || description.equals(name) ? "" : ": " + description));
        this.call = call;
        this.status = status;
    }

    CudaException(String call, String message) {
        super(call + " failed: " + message);
        this.call = call;
        this.status = -1;
    }

    /** The C function that failed, e.g. {@code "cublasDgemm_v2"}. */
    public String call() {
        return call;
    }

    /** Its status code (CUresult, nvrtcResult, cublasStatus_t or cusolverStatus_t), or −1 for a non-status failure. */
    public int status() {
        return status;
    }
}
