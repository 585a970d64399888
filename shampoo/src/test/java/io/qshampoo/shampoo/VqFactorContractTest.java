package io.qshampoo.shampoo;

/** {@link KroneckerFactorContract} for {@link Variant#VQ}. */
class VqFactorContractTest extends KroneckerFactorContract {

    @Override
    protected Variant variant() {
        return Variant.VQ;
    }

    /** VQ quantizes by definition; the same EMA unquantized is fp32, tested by {@link Fp32FactorContractTest}. */
    @Override
    protected boolean rootIsTheEmaRootAtFullPrecision() {
        return false;
    }
}
