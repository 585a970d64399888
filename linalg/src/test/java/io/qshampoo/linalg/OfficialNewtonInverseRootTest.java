package io.qshampoo.linalg;

/**
 * The official low-bit Shampoo preset against the shared contract: it often does not converge, and the
 * contract checks that it says so honestly.
 */
class OfficialNewtonInverseRootTest extends InverseRootContract {

    @Override
    protected InverseRoot create() {
        return new CoupledNewtonInverseRoot(NewtonSettings.official());
    }

    @Override
    protected double tolerance() {
        return NewtonSettings.official().tolerance();
    }
}
