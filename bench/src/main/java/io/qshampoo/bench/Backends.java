package io.qshampoo.bench;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.DenseKernelsFactory;

/** The dense kernels a benchmark names, which must be the ones that run: no EJML measured under another name. */
public final class Backends {

    private Backends() {
    }

    /**
     * The kernels called {@code name}.
     *
     * @throws IllegalStateException when that backend did not load (the factory would fall back to EJML)
     */
    public static DenseKernels loaded(String name) {
        DenseKernelsFactory.Selection s = DenseKernelsFactory.select(name);
        if (s.fellBack()) {
            throw new IllegalStateException(name + " did not load (" + s.fallbackReason() + "); not measuring EJML "
                    + "under its name");
        }
        return s.kernels();
    }
}
