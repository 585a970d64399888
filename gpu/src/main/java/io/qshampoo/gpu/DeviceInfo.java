package io.qshampoo.gpu;

/**
 * One CUDA device as the driver describes it.
 *
 * @param ordinal         its index
 * @param name            e.g. "NVIDIA H100 80GB HBM3"
 * @param major           compute capability, major
 * @param minor           compute capability, minor
 * @param multiprocessors streaming multiprocessors
 * @param totalMemory     bytes of device memory
 */
public record DeviceInfo(int ordinal, String name, int major, int minor, int multiprocessors, long totalMemory) {

    static DeviceInfo query(Driver driver, int ordinal) {
        int dev = driver.device(ordinal);
        return new DeviceInfo(ordinal, driver.deviceName(dev),
                driver.attribute(dev, Driver.ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                driver.attribute(dev, Driver.ATTRIBUTE_COMPUTE_CAPABILITY_MINOR),
                driver.attribute(dev, Driver.ATTRIBUTE_MULTIPROCESSOR_COUNT), driver.totalMemory(dev));
    }

    /** Compute capability as 10·major + minor (e.g. 90). */
    public int capability() {
        return 10 * major + minor;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%d: %s, compute capability %d.%d, %d SMs, %.1f GiB", ordinal, name,
                major, minor, multiprocessors, totalMemory / (double) (1L << 30));
    }
}
