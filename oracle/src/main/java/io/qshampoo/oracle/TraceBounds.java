package io.qshampoo.oracle;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import io.qshampoo.shampoo.ShampooConfig;
import io.qshampoo.oracle.npy.NpyLoader;

/**
 * The sizes a trace manifest implies, checked before a replay allocates anything of that size: the parameter's
 * element count fits a Java array; every gradient file (and the initial value) has the parameter's shape, read
 * from the npy header alone; and the least memory the replay needs fits the heap.
 *
 * <p>The memory bound is a lower bound, so a refusal is never wrong: the parameter, its initial copy, one
 * gradient (each in the file's precision, at least 4 bytes an element), the float64 direction the optimizer
 * keeps per parameter (8 bytes an element), and for the largest block of order (r, c) its two float64 statistics
 * (8·(r² + c²) bytes), which every variant forms while computing a root.
 *
 * <p>Cost: one header read per file (an npz archive is read once, as the replay would).
 */
public final class TraceBounds {

    private TraceBounds() {
    }

    /**
     * @param manifest the manifest
     * @param loader   resolves its file references
     * @param name     the manifest's file name, for messages
     * @param heap     bytes the replay may use (normally {@code Runtime.getRuntime().maxMemory()})
     * @throws IllegalArgumentException stating what the manifest implies and the limit it exceeds
     */
    public static void check(TraceManifest manifest, NpyLoader loader, String name, long heap) {
        TraceManifest.Parameter p = manifest.parameter();
        int[] shape = p.shape();
        long elements = 1;
        for (int d : shape) {
            elements = Math.multiplyExact(elements, (long) d); // d ≥ 1 and ≤ 2^31 − 1: at most 2^31·elements
            if (elements > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(name + ": the parameter '" + p.name() + "' is " + text(shape)
                        + ", more than " + (Integer.MAX_VALUE - 8) + " elements, the most a Java array holds");
            }
        }
        for (int k = 0; k < manifest.gradients().size(); k++) {
            String g = manifest.gradients().get(k);
            int[] s = loader.shape(g);
            if (!Arrays.equals(s, shape)) {
                throw new IllegalArgumentException("gradient " + g + " is " + text(s) + ", the manifest's parameter is "
                        + text(shape) + " (step " + (k + 1) + " of " + name + ")");
            }
        }
        if (p.initial() != null && !Arrays.equals(loader.shape(p.initial()), shape)) {
            throw new IllegalArgumentException("initial value " + p.initial() + " is " + text(loader.shape(p.initial()))
                    + ", the manifest's parameter is " + text(shape) + " (" + name + ")");
        }
        long need = leastBytes(shape, elements, manifest.shampooConfig());
        if (need > heap) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: replaying the parameter '%s' (%s) needs "
                    + "at least %,d MiB (parameter, initial copy, gradient, float64 direction, the largest block's "
                    + "float64 statistics); the heap limit is %,d MiB (raise it with QSHAMPOO_JAVA_OPTS=-Xmx…)",
                    name, p.name(), text(shape), need >> 20, heap >> 20));
        }
    }

    /** The lower bound of the class Javadoc, in bytes. */
    static long leastBytes(int[] shape, long elements, ShampooConfig config) {
        double bytes = elements * (4.0 + 4 + 4 + 8);
        if (shape.length >= 2) {
            double r = Math.min(shape[0], config.maxBlockOrder());
            double c = Math.min(elements / shape[0], config.maxBlockOrder());
            bytes += 8 * (r * r + c * c);
        }
        return (long) bytes; // saturates at Long.MAX_VALUE
    }

    /** "40000×40000", or "scalar" for rank 0. */
    static String text(int[] shape) {
        return shape.length == 0 ? "a scalar"
                : Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining("×"));
    }
}
