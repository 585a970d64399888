package io.qshampoo.linalg;

/** The exact eigen root against the shared contract. */
class EigenInverseRootTest extends InverseRootContract {

    @Override
    protected InverseRoot create() {
        return new EigenInverseRoot(Ridge.relative(1e-6));
    }

    @Override
    protected double tolerance() {
        return 0;
    }
}
