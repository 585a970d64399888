package io.qshampoo.shampoo;

import io.qshampoo.linalg.CoupledNewtonInverseRoot;
import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.EigenInverseRoot;
import io.qshampoo.linalg.InverseRoot;
import io.qshampoo.linalg.NewtonSettings;
import io.qshampoo.linalg.Ridge;

/** How the inverse 4th roots of the dense variants are computed; the ridge is always ε·λmax (Li Eq. 6). */
public enum RootMethod {
    /** Exact eigen root, λmax exact: the reference (and the cheapest on the CPU). */
    EIGEN,
    /** Coupled Newton, official low-bit Shampoo preset (10 iterations, λmax by ≤ 10 power steps). */
    NEWTON_OFFICIAL,
    /** Coupled Newton run to convergence (see {@link NewtonSettings#converging()}). */
    NEWTON_CONVERGING;

    /**
     * The root computation with ridge epsilon·λmax. The eigen root is built without its residual check
     * ({@link EigenInverseRoot#unchecked}): the check never decides whether an eigen root is kept, so the optimizer's
     * roots and trajectories are the same with it, at a third less cost per root. The Newton roots keep theirs: it is
     * their stopping test.
     */
    public InverseRoot create(double epsilon, DenseKernels kernels) {
        return switch (this) {
            case EIGEN -> EigenInverseRoot.unchecked(Ridge.relative(epsilon), kernels);
            case NEWTON_OFFICIAL -> new CoupledNewtonInverseRoot(
                    NewtonSettings.official().withRidge(Ridge.relativePower(epsilon, 10)), kernels);
            case NEWTON_CONVERGING -> new CoupledNewtonInverseRoot(
                    NewtonSettings.converging().withRidge(Ridge.relative(epsilon)), kernels);
        };
    }
}
