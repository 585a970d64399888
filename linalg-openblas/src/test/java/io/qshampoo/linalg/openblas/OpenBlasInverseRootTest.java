package io.qshampoo.linalg.openblas;

import org.junit.jupiter.api.Nested;

import io.qshampoo.linalg.CoupledNewtonInverseRoot;
import io.qshampoo.linalg.EigenInverseRoot;
import io.qshampoo.linalg.InverseRoot;
import io.qshampoo.linalg.InverseRootContract;
import io.qshampoo.linalg.NewtonSettings;
import io.qshampoo.linalg.Ridge;

/** The linalg inverse roots, on OpenBLAS kernels, against the shared {@link InverseRootContract}. */
class OpenBlasInverseRootTest {

    @Nested
    class Eigen extends InverseRootContract {
        @Override
        protected InverseRoot create() {
            return new EigenInverseRoot(Ridge.relative(1e-6), OpenBlasKernels.open());
        }

        @Override
        protected double tolerance() {
            return 0;
        }
    }

    @Nested
    class ConvergingNewton extends InverseRootContract {
        @Override
        protected InverseRoot create() {
            return new CoupledNewtonInverseRoot(NewtonSettings.converging(), OpenBlasKernels.open());
        }

        @Override
        protected double tolerance() {
            return NewtonSettings.converging().tolerance();
        }
    }
}
