package io.qshampoo.linalg.openblas;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.DenseKernelsContract;

/**
 * The {@link DenseKernelsContract} on OpenBLAS. Not skipped when the native library fails to load: this module's
 * build runs on the platforms it ships jars for, so a load failure here is a failure.
 */
class OpenBlasKernelsContractTest extends DenseKernelsContract {

    @Override
    protected DenseKernels kernels() {
        return OpenBlasKernels.open();
    }
}
