package io.qshampoo.shampoo;

/** {@link KroneckerFactorContract} for {@link Variant#FP32}. */
class Fp32FactorContractTest extends KroneckerFactorContract {

    @Override
    protected Variant variant() {
        return Variant.FP32;
    }
}
