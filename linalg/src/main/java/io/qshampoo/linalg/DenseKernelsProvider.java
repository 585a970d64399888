package io.qshampoo.linalg;

/**
 * A {@link DenseKernels} backend that lives in another module, found by {@link java.util.ServiceLoader} (a line
 * naming the implementation in {@code META-INF/services/io.qshampoo.linalg.DenseKernelsProvider}), so linalg
 * depends on no backend. {@link DenseKernelsFactory} calls {@link #open()} at most once per provider and name.
 */
public interface DenseKernelsProvider {

    /** The name users select the backend by, lower case (e.g. {@code openblas}). */
    String name();

    /**
     * Loads the backend (native libraries included) and returns its kernels.
     *
     * @throws LinkageError or RuntimeException when the backend cannot run here; the message says why
     */
    DenseKernels open();
}
