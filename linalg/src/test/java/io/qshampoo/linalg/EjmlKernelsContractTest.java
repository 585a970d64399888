package io.qshampoo.linalg;

/** The {@link DenseKernelsContract} on the EJML reference backend. */
class EjmlKernelsContractTest extends DenseKernelsContract {

    @Override
    protected DenseKernels kernels() {
        return DenseKernels.reference();
    }
}
