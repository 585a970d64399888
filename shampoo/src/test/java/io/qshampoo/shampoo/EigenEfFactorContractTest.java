package io.qshampoo.shampoo;

/** {@link KroneckerFactorContract} for {@link Variant#EIGEN4_EF}. */
class EigenEfFactorContractTest extends KroneckerFactorContract {

    @Override
    protected Variant variant() {
        return Variant.EIGEN4_EF;
    }

    /** As eigen4: one QR subspace step per update tracks the EMA's eigenvectors, it does not equal them. */
    @Override
    protected boolean rootIsTheEmaRootAtFullPrecision() {
        return false;
    }
}
