package io.qshampoo.oracle;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.ejml.data.DMatrixRMaj;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.RootResult;
import io.qshampoo.linalg.MatrixDiscrepancy;

/**
 * The band of correct answers for Â^(−1/p) in a stated precision, measured rather than bounded: the reference
 * recomputes the root by several legitimate {@link RootRoute}s and records how far each lies from the float64
 * eigen root X*, per element, normwise and in the residual. {@link #judge} then flags a root that lies more
 * than a stated factor beyond that spread.
 *
 * <h2>The band</h2>
 * <pre>
 *   D_ij      = max_k |X_k − X*|_ij                          the routes' largest deviation per element
 *   s_ij      = max(D_ij, rms(D), u_s·|X*_ij|)               per-element scale: a few routes can agree by chance on
 *                                                            one element, so no element's scale falls below the
 *                                                            typical deviation, nor below storing X* in the file
 *   nreSpread = max(max_k NRE(X_k, X*), u_s)
 *   resSpread = max_k max|X_kᵖ·Â − I|
 * </pre>
 * and the residual floor of {@link #residualFloor}. Cost: the routes, O(n³) each (a coupled-Newton route runs
 * 4 emulated products per iteration; about 2 s for n = 128 on one core).
 *
 * @param shifted      Â = A + r·I (float64)
 * @param reference    X*, the float64 eigen root of Â
 * @param p            root order
 * @param kappa        κ(Â)
 * @param precision    the precision the routes worked in
 * @param storage      u_s of the file the other side's root came in
 * @param routes       each route's root and its distances from X*
 * @param scale        s_ij, row-major
 * @param nreSpread    the largest NRE of a route (at least u_s)
 * @param residualSpread the largest residual of a route
 * @param residualFloor  c·n·κ^(1/p)·(u + u_s), see {@link #residualFloor}
 */
public record RootCalibration(DMatrixRMaj shifted, DMatrixRMaj reference, int p, double kappa, Precision precision,
                              double storage, List<Route> routes, double[] scale, double nreSpread,
                              double residualSpread, double residualFloor) {

    /**
     * One route's answer.
     *
     * @param route    which route
     * @param root     its X
     * @param nre      NRE(X, X*)
     * @param residual max|Xᵖ·Â − I|
     */
    public record Route(RootRoute route, DMatrixRMaj root, double nre, double residual) {
    }

    /** c of the residual floor (the same constant as {@link RootTolerance#DEFAULT_SAFETY}). */
    public static final double RESIDUAL_SAFETY = RootTolerance.DEFAULT_SAFETY;

    /** The routes of a default calibration. */
    public static Set<RootRoute> allRoutes() {
        return EnumSet.allOf(RootRoute.class);
    }

    /**
     * Runs the routes.
     *
     * @param shifted   Â = A + r·I, symmetric positive definite, float64; not modified
     * @param reference X*, the float64 eigen root of Â
     * @param kappa     κ(Â)
     * @param storage   u_s of the other side's file (2^−24 for float32)
     */
    public static RootCalibration of(DMatrixRMaj shifted, DMatrixRMaj reference, int p, double kappa,
                                     Precision precision, double storage, Set<RootRoute> which) {
        if (which.isEmpty()) {
            throw new IllegalArgumentException("no calibration routes; expected at least one of "
                    + EnumSet.allOf(RootRoute.class));
        }
        List<Route> routes = new ArrayList<>();
        for (RootRoute r : which) {
            DMatrixRMaj x = r.compute(shifted, reference, p, precision);
            routes.add(new Route(r, x, MatrixDiscrepancy.between(reference, x).nre(), RootResult.residual(x, shifted, p, DenseKernels.reference())));
        }
        return fromRoutes(shifted, reference, p, kappa, precision, storage, routes);
    }

    /** The band of routes already computed (e.g. a subset, to test one route against the others). */
    public static RootCalibration fromRoutes(DMatrixRMaj shifted, DMatrixRMaj reference, int p, double kappa,
                                             Precision precision, double storage, List<Route> routes) {
        if (routes.isEmpty()) {
            throw new IllegalArgumentException("no calibration routes");
        }
        int n = reference.numRows;
        double[] worst = new double[n * n];
        double nreSpread = storage;
        double resSpread = 0;
        for (Route route : routes) {
            DMatrixRMaj x = route.root();
            nreSpread = Math.max(nreSpread, route.nre());
            resSpread = Math.max(resSpread, route.residual());
            for (int k = 0; k < n * n; k++) {
                worst[k] = Math.max(worst[k], Math.abs(x.data[k] - reference.data[k]));
            }
        }
        double sumSq = 0;
        for (double d : worst) {
            sumSq += d * d;
        }
        double rms = Math.sqrt(sumSq / worst.length);
        double[] scale = new double[n * n];
        for (int k = 0; k < n * n; k++) {
            scale[k] = Math.max(Math.max(worst[k], rms), storage * Math.abs(reference.data[k]));
        }
        return new RootCalibration(shifted, reference, p, kappa, precision, storage, List.copyOf(routes), scale,
                nreSpread, resSpread, residualFloor(n, p, kappa, precision.unitRoundoff(), storage));
    }

    /**
     * The residual a correct root certainly may have, c·n·κ^(1/p)·(u + u_s).
     *
     * <p><b>Derivation.</b>
     * X = Â^(−1/p) is defined by X·Â^(1/p) = I. Write a root as X = X* + F. A root computed in unit roundoff u and
     * stored with u_s has a forward error of the size its own roundings make, ‖F‖₂ ≤ c·n·(u + u_s)·‖X*‖₂ (the
     * n·u of a dot product, Higham, <i>Accuracy and Stability</i>, §3.5; the exact root rounded to the file alone
     * has ‖F‖₂ ≤ ‖F‖_F ≤ u_s·‖X*‖_F ≤ √n·u_s·‖X*‖₂). Then
     * <pre>
     *   ‖X·Â^(1/p) − I‖₂ = ‖F·X*⁻¹‖₂ ≤ ‖F‖₂·λmax(Â)^(1/p) ≤ c·n·(u + u_s)·λmin(Â)^(−1/p)·λmax(Â)^(1/p)
     *                                                    = c·n·(u + u_s)·κ^(1/p),
     * </pre>
     * and every entry is at most the 2-norm. The residual reported, Xᵖ·Â − I, is to first order
     * Σ_{k&lt;p} X*ᵏ·(F·X*⁻¹)·X*⁻ᵏ: the term k = 0 is the one above; the terms k ≥ 1 are similarity transforms of
     * it by X*ᵏ, which can enlarge an entry by up to κ^(k/p) when F is aligned with the extreme eigenvectors
     * (so the worst case is κ·c·n·u, the territory of {@link RootTolerance}), and which, for rounding errors
     * that are not aligned with them, largely average out. No closed form captures that averaging for a given
     * A, so the floor covers the k = 0 term and the residual band of {@link #judge} is
     * max(floor, factor × the routes' largest residual): the routes show what the k ≥ 1 terms do for this A.
     * (Measured, n = 128, numpy float32 eigh roots: residual 1.3e-5 at κ = 1e3, where the floor (float32 file) is 3.4e-4;
     * 2.0e-3 at κ = 5e5, where it is 1.6e-3 — there the routes' residuals carry the band.)
     */
    public static double residualFloor(int n, int p, double kappa, double unitRoundoff, double storage) {
        return RESIDUAL_SAFETY * n * Math.pow(kappa, 1.0 / p) * (unitRoundoff + storage);
    }

    /**
     * Judges the other side's root against this band and the worst-case bound.
     *
     * @param theirs    their X (n×n, finite)
     * @param nre       NRE(X, X*), already computed by {@link RootCheck}
     * @param residual  max|Xᵖ·Â − I| of their X
     * @param bound     the worst-case NRE tolerance of {@link RootTolerance}
     * @param factor    how far beyond the spread a correct root may lie (≥ 1)
     */
    public CalibratedVerdict judge(DMatrixRMaj theirs, double nre, double residual, double bound, double factor) {
        if (!(factor >= 1) || !Double.isFinite(factor)) {
            throw new IllegalArgumentException("calibration factor is " + factor + "; expected a finite value >= 1");
        }
        int n = reference.numRows;
        double worst = 0;
        int at = 0;
        boolean finite = true;
        for (int k = 0; k < n * n; k++) {
            double v = theirs.data[k];
            if (!Double.isFinite(v)) {
                finite = false;
                at = k;
                break;
            }
            double r = Math.abs(v - reference.data[k]) / scale[k];
            if (r > worst) {
                worst = r;
                at = k;
            }
        }
        if (!finite) {
            worst = Double.POSITIVE_INFINITY;
        }
        double resThreshold = Math.max(residualFloor, factor * residualSpread);
        List<CalibratedVerdict.Test> tests = List.of(
                new CalibratedVerdict.Test("bound", "NRE against the worst-case tolerance", nre, bound),
                new CalibratedVerdict.Test("spread-nre", "NRE against factor × the routes' largest NRE", nre,
                        factor * nreSpread),
                new CalibratedVerdict.Test("spread-element", "max |X − X*|_ij / s_ij against the factor", worst,
                        factor),
                new CalibratedVerdict.Test("residual", "max|Xᵖ(A + rI) − I| against max(floor, factor × the routes' largest)",
                        finite ? residual : Double.POSITIVE_INFINITY, resThreshold));
        return new CalibratedVerdict(factor, tests, at / n, at % n, theirs.data[at], reference.data[at], scale[at]);
    }
}
