package io.qshampoo.shampoo;

/** {@link KroneckerFactorContract} for {@link Variant#SKETCHY}. */
class SketchyFactorContractTest extends KroneckerFactorContract {

    @Override
    protected Variant variant() {
        return Variant.SKETCHY;
    }

    /** The sketch sums β^(T−t)·G·Gᵀ without Eq. 2's (1 − β) (Obs. 6): another statistic. */
    @Override
    protected boolean rootIsTheEmaRootAtFullPrecision() {
        return false;
    }
}
