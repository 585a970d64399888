package io.qshampoo.shampoo;

/** {@link KroneckerFactorContract} for {@link Variant#VQ}. */
class VqFactorContractTest extends KroneckerFactorContract {

    @Override
    protected Variant variant() {
        return Variant.VQ;
    }
}
