package io.qshampoo.cli;

import io.qshampoo.linalg.DenseKernelsFactory;
import picocli.CommandLine.Option;

/**
 * {@code --kernels ejml|openblas}, a mixin of the commands that do dense linear algebra. The choice travels as the
 * system property {@value DenseKernelsFactory#PROPERTY}, which the experiments and the trainer read through
 * {@link io.qshampoo.linalg.DenseKernels#fromProperty()}; {@link #apply()} sets it for the command and its
 * {@link Scope} restores it, so commands run one after another in one JVM (the demo, tests) do not leak a choice.
 * Without the option the property as given to the JVM holds, and without that EJML (the bit-stable reference).
 */
final class KernelsOption {

    @Option(names = "--kernels", paramLabel = "NAME", description = "Dense kernels: ejml (pure Java, the bit-stable "
            + "reference) or openblas (native OpenBLAS/LAPACK, about 10x faster; where it cannot load, ejml runs and "
            + "the reason is printed). Default: the system property qshampoo.kernels, else ejml.")
    String name;

    /** Restores the property on close. */
    interface Scope extends AutoCloseable {
        /** The backend that runs, its threads and any fallback reason. */
        DenseKernelsFactory.Selection selection();

        @Override
        void close();
    }

    /**
     * Selects the backend (printing a fallback reason once) and makes it the default for this command.
     *
     * @throws IllegalArgumentException if the name is not a backend
     */
    Scope apply() {
        String before = System.getProperty(DenseKernelsFactory.PROPERTY);
        DenseKernelsFactory.Selection s = name == null ? DenseKernelsFactory.fromProperty()
                : DenseKernelsFactory.select(name);
        System.setProperty(DenseKernelsFactory.PROPERTY, s.kernels().name());
        return new Scope() {
            @Override
            public DenseKernelsFactory.Selection selection() {
                return s;
            }

            @Override
            public void close() {
                if (before == null) {
                    System.clearProperty(DenseKernelsFactory.PROPERTY);
                } else {
                    System.setProperty(DenseKernelsFactory.PROPERTY, before);
                }
            }
        };
    }
}
