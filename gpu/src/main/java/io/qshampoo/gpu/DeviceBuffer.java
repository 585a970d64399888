package io.qshampoo.gpu;

import java.lang.foreign.MemorySegment;

/**
 * One device allocation ({@code cuMemAlloc}) of a {@link CudaContext}, freed by {@link #close()}. A zero-byte
 * buffer allocates nothing and has address 0 (the driver refuses zero-byte allocations). Copies are synchronous
 * ({@code cuMemcpyHtoD}/{@code DtoH} from pageable host memory): they order after every kernel launched before them
 * on the default stream. Use inside {@link CudaContext#call}; not thread-safe.
 */
final class DeviceBuffer implements AutoCloseable {

    private final CudaContext context;
    private final long address;
    private final long bytes;
    private boolean freed;

    private DeviceBuffer(CudaContext context, long address, long bytes) {
        this.context = context;
        this.address = address;
        this.bytes = bytes;
    }

    static DeviceBuffer allocate(CudaContext context, long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("allocation of " + bytes + " bytes");
        }
        return new DeviceBuffer(context, bytes == 0 ? 0 : context.driver().memAlloc(bytes), bytes);
    }

    /** The CUdeviceptr (0 for an empty buffer). */
    long address() {
        return address;
    }

    long bytes() {
        return bytes;
    }

    /** Copies host bytes [0, host.byteSize()) to the start of this buffer. */
    void upload(MemorySegment host) {
        check(host.byteSize());
        if (host.byteSize() > 0) {
            context.driver().copyHostToDevice(address, host, host.byteSize());
        }
    }

    /** Copies the first host.byteSize() bytes of this buffer to host. */
    void download(MemorySegment host) {
        check(host.byteSize());
        if (host.byteSize() > 0) {
            context.driver().copyDeviceToHost(host, address, host.byteSize());
        }
    }

    /** Sets every byte to {@code value}. */
    void fill(byte value) {
        if (bytes > 0) {
            context.driver().memsetD8(address, value, bytes);
        }
    }

    private void check(long n) {
        if (freed) {
            throw new IllegalStateException("device buffer already freed");
        }
        if (n > bytes) {
            throw new IllegalArgumentException("copy of " + n + " bytes into a device buffer of " + bytes);
        }
    }

    @Override
    public void close() {
        if (!freed) {
            freed = true;
            if (address != 0) {
                context.call(() -> {
                    context.driver().memFree(address);
                    return null;
                });
            }
        }
    }
}
