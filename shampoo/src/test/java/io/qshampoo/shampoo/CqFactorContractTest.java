package io.qshampoo.shampoo;

/** {@link KroneckerFactorContract} for {@link Variant#CQ}. */
class CqFactorContractTest extends KroneckerFactorContract {

    @Override
    protected Variant variant() {
        return Variant.CQ;
    }
}
