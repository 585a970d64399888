package io.qshampoo.linalg.openblas;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.NumericalHostilityContract;

/** The {@link NumericalHostilityContract} on OpenBLAS (a load failure is a failure, as in the kernels' contract). */
class OpenBlasNumericalHostilityProperties extends NumericalHostilityContract {

    @Override
    protected DenseKernels kernels() {
        return OpenBlasKernels.open();
    }
}
