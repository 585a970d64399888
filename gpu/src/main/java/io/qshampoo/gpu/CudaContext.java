package io.qshampoo.gpu;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One device's primary context ({@code cuDevicePrimaryCtxRetain}), the context the CUDA runtime and hence cuBLAS
 * and cuSOLVER use too, and a lock that serializes the backend's work on it. {@link #call} makes the context current
 * on the calling thread first (driver contexts are per-thread state), so the backend may be used from any thread.
 *
 * <p>Invariant: every driver call that needs a context, and every cuBLAS/cuSOLVER call, runs inside {@link #call}.
 */
final class CudaContext implements AutoCloseable {

    private final Driver driver;
    private final int ordinal;
    private final int device;
    private final MemorySegment context;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;

    private CudaContext(Driver driver, int ordinal, int device, MemorySegment context) {
        this.driver = driver;
        this.ordinal = ordinal;
        this.device = device;
        this.context = context;
    }

    /**
     * {@code cuInit}, device {@code ordinal}, its primary context.
     *
     * @throws CudaException            when the driver fails (e.g. {@code CUDA_ERROR_NO_DEVICE})
     * @throws CudaUnavailableException when there is no device of that ordinal
     */
    static CudaContext open(Driver driver, int ordinal) {
        driver.init();
        int count = driver.deviceCount();
        if (ordinal < 0 || ordinal >= count) {
            throw new CudaUnavailableException("device ordinal " + ordinal + " requested; the driver reports " + count
                    + " device(s)");
        }
        int device = driver.device(ordinal);
        return new CudaContext(driver, ordinal, device, driver.primaryContextRetain(device));
    }

    Driver driver() {
        return driver;
    }

    int ordinal() {
        return ordinal;
    }

    /** The CUdevice. */
    int device() {
        return device;
    }

    /** Runs {@code work} holding the lock, with this context current on the calling thread. */
    <T> T call(Supplier<T> work) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the CUDA backend of device " + ordinal + " is closed");
            }
            driver.setCurrent(context);
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    DeviceBuffer allocate(long bytes) {
        return call(() -> DeviceBuffer.allocate(this, bytes));
    }

    /** Waits for all work queued on the context. */
    void synchronize() {
        call(() -> {
            driver.synchronize();
            return null;
        });
    }

    /** Releases the primary context (the driver destroys it when the last retain is released). Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                driver.primaryContextRelease(device);
            }
        } finally {
            lock.unlock();
        }
    }
}
