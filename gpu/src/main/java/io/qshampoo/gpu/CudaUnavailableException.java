package io.qshampoo.gpu;

/**
 * The CUDA backend cannot run here: a library is missing or fails to load, the driver finds no device, or
 * a required symbol is absent. The message says which and why; {@link CudaBackend#describe()} gives the full
 * report (what was searched and found).
 */
public final class CudaUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CudaUnavailableException(String reason) {
        super(reason);
    }

    CudaUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
