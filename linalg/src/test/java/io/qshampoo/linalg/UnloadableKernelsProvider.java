package io.qshampoo.linalg;

/**
 * A provider whose backend never loads, as a native backend on a platform without its library: registered (test
 * class path only) so that {@link DenseKernelsFactoryTest} can check the fallback and its one message.
 */
public final class UnloadableKernelsProvider implements DenseKernelsProvider {

    @Override
    public String name() {
        return "unloadable";
    }

    @Override
    public DenseKernels open() {
        throw new UnsatisfiedLinkError("no jnifake in java.library.path");
    }
}
