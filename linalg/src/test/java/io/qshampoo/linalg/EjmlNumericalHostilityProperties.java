package io.qshampoo.linalg;

/** The {@link NumericalHostilityContract} on the EJML reference backend. */
class EjmlNumericalHostilityProperties extends NumericalHostilityContract {

    @Override
    protected DenseKernels kernels() {
        return DenseKernels.reference();
    }
}
