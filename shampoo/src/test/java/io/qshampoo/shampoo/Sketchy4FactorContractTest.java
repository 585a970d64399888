package io.qshampoo.shampoo;

/** {@link KroneckerFactorContract} for {@link Variant#SKETCHY4}: the sketch's directions in 4 bits. */
class Sketchy4FactorContractTest extends KroneckerFactorContract {

    @Override
    protected Variant variant() {
        return Variant.SKETCHY4;
    }

    /** The sketch sums β^(T−t)·G·Gᵀ without Eq. 2's (1 − β) (Obs. 6), and it is quantized: another statistic. */
    @Override
    protected boolean rootIsTheEmaRootAtFullPrecision() {
        return false;
    }
}
