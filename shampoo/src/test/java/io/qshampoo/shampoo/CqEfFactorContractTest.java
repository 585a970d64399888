package io.qshampoo.shampoo;

/** {@link KroneckerFactorContract} for {@link Variant#CQ_EF}. */
class CqEfFactorContractTest extends KroneckerFactorContract {

    @Override
    protected Variant variant() {
        return Variant.CQ_EF;
    }
}
