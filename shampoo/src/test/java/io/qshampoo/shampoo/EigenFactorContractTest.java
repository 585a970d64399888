package io.qshampoo.shampoo;

/** {@link KroneckerFactorContract} for {@link Variant#EIGEN4}. */
class EigenFactorContractTest extends KroneckerFactorContract {

    @Override
    protected Variant variant() {
        return Variant.EIGEN4;
    }

    /** One QR subspace step per update tracks the EMA's eigenvectors, it does not equal them. */
    @Override
    protected boolean rootIsTheEmaRootAtFullPrecision() {
        return false;
    }
}
