package io.qshampoo.oracle;

import org.ejml.data.DMatrixRMaj;

import io.qshampoo.linalg.CoupledNewtonInverseRoot;
import io.qshampoo.linalg.EigenInverseRoot;
import io.qshampoo.linalg.NewtonSettings;
import io.qshampoo.linalg.Ridge;

/**
 * One legitimate way to compute Â^(−1/p) in a given {@link Precision}, Â = A + r·I: what a correct
 * implementation on the other side might do. {@link RootCalibration} runs several and takes their spread as the
 * band of correct answers. Every route starts from Â stored in the working format (float32 below fp64; the
 * ridge already added in float64, as one addition on the device would) and returns X rounded to the format.
 */
public enum RootRoute {

    /** The float64 eigen root rounded element by element to the format: the best any stored root can be. */
    EXACT_ROUNDED("float64 eigen root, rounded to the format"),
    /** Eigendecomposition in the format (float32 tridiagonal QR), V·diag(w)·Vᵀ summed left to right. */
    EIGEN_SEQUENTIAL("eigen root in the format, sequential sums"),
    /** The same eigendecomposition, V·diag(w)·Vᵀ summed as a tree. */
    EIGEN_PAIRWISE("eigen root in the format, pairwise sums"),
    /** Coupled Newton (Guo &amp; Higham) run to its rounding floor, products summed left to right. */
    NEWTON_SEQUENTIAL("coupled Newton root in the format, sequential sums"),
    /** Coupled Newton with products summed in runs of 32 (a tiled GEMM). */
    NEWTON_BLOCKED("coupled Newton root in the format, blocked sums");

    private final String description;

    RootRoute(String description) {
        this.description = description;
    }

    /** The name on the command line: "exact-rounded", "eigen-sequential", …. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /**
     * The route named {@code id}.
     *
     * @throws IllegalArgumentException if no route has that name (the message lists them)
     */
    public static RootRoute fromId(String id) {
        for (RootRoute r : values()) {
            if (r.id().equals(id)) {
                return r;
            }
        }
        throw new IllegalArgumentException("--routes names '" + id + "'; expected some of "
                + java.util.Arrays.stream(values()).map(RootRoute::id).collect(java.util.stream.Collectors.joining(", ")));
    }

    /** One line for reports. */
    public String description() {
        return description;
    }

    /**
     * X ≈ Â^(−1/p) by this route.
     *
     * @param shifted   Â = A + r·I in float64, symmetric positive definite; not modified
     * @param exact     the float64 eigen root of Â (used by {@link #EXACT_ROUNDED})
     * @param precision the format the route works in
     */
    public DMatrixRMaj compute(DMatrixRMaj shifted, DMatrixRMaj exact, int p, Precision precision) {
        if (this == EXACT_ROUNDED) {
            return rounded(exact, precision);
        }
        // Inputs stored as a device stores them: float32 below fp64 (tf32 and bf16 round inside the products).
        DMatrixRMaj input = rounded(shifted, precision == Precision.FP64 ? Precision.FP64 : Precision.FP32);
        DMatrixRMaj x = switch (this) {
            case EIGEN_SEQUENTIAL -> new EigenInverseRoot(Ridge.absolute(0),
                    new RoundedKernels(precision, RoundedKernels.Summation.SEQUENTIAL)).compute(input, p).root();
            case EIGEN_PAIRWISE -> new EigenInverseRoot(Ridge.absolute(0),
                    new RoundedKernels(precision, RoundedKernels.Summation.PAIRWISE)).compute(input, p).root();
            case NEWTON_SEQUENTIAL -> newton(input, p, precision, RoundedKernels.Summation.SEQUENTIAL);
            case NEWTON_BLOCKED -> newton(input, p, precision, RoundedKernels.Summation.BLOCKED);
            default -> throw new IllegalStateException(name());
        };
        return rounded(x, precision);
    }

    /**
     * Coupled Newton stopped at max|M − I| ≤ √n·u, the rounding floor of the coupled iterate M (rounding errors of
     * n-term sums grow like √n·u, Higham, <i>Accuracy and Stability</i>, §3.5): a looser stop ends the iteration
     * early (at n·u a bf16 iteration for n = 128 stops at NRE 0.3, against 0.03 here), a tighter one is not reached
     * (fp32, n = 128: the floor is met after 12 iterations; at u it runs all 60 without improving NRE). At most 60
     * iterations: the small eigenvalues of M grow by at least ((p + 1)/p)ᵖ per step, so κ up to 1e12 converges well
     * within that.
     */
    private static DMatrixRMaj newton(DMatrixRMaj input, int p, Precision precision, RoundedKernels.Summation order) {
        int n = input.numRows;
        double tolerance = Math.max(Math.sqrt(n) * precision.unitRoundoff(), 1e-13);
        NewtonSettings s = new NewtonSettings(60, tolerance, Double.POSITIVE_INFINITY, Ridge.absolute(0));
        return new CoupledNewtonInverseRoot(s, new RoundedKernels(precision, order)).compute(input, p).root();
    }

    /** m with every element rounded to the format (a new matrix). */
    static DMatrixRMaj rounded(DMatrixRMaj m, Precision precision) {
        DMatrixRMaj r = new DMatrixRMaj(m.numRows, m.numCols);
        for (int i = 0; i < m.getNumElements(); i++) {
            r.data[i] = precision.round(m.data[i]);
        }
        return r;
    }
}
