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

    /**
     * symmetricEigen is LAPACK's MRRR ({@code dsyevr}): orthogonal to O(n·u/gaptol) only. At n = 21 a Gaussian
     * symmetric matrix gave ‖VᵀV − I‖_F = 9.7e-13 (-DQT_SEED=23437977056705), 2.1× the 100·n·2u of a QR-based solver
     * and 0.21× this bound.
     */
    @Override
    protected double eigenvectorOrthogonalityConstant() {
        return 1000;
    }
}
