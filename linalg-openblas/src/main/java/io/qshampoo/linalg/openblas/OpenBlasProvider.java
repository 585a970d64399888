package io.qshampoo.linalg.openblas;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.DenseKernelsFactory;
import io.qshampoo.linalg.DenseKernelsProvider;

/**
 * Offers {@link OpenBlasKernels} to {@link DenseKernelsFactory} under the name {@code openblas}. Loading this class
 * loads nothing native; {@link #open()} does.
 */
public final class OpenBlasProvider implements DenseKernelsProvider {

    @Override
    public String name() {
        return DenseKernelsFactory.OPENBLAS;
    }

    @Override
    public DenseKernels open() {
        return OpenBlasKernels.open();
    }
}
