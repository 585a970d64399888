package io.qshampoo.linalg;

/** The converging coupled-Newton preset against the shared contract. */
class CoupledNewtonInverseRootTest extends InverseRootContract {

    @Override
    protected InverseRoot create() {
        return new CoupledNewtonInverseRoot(NewtonSettings.converging());
    }

    @Override
    protected double tolerance() {
        return NewtonSettings.converging().tolerance();
    }
}
