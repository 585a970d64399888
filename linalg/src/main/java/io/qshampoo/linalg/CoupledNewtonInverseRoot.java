package io.qshampoo.linalg;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;

/**
 * Inverse p-th root by the coupled Newton (Schur–Newton) iteration of Guo &amp; Higham (2006), in the
 * form Shampoo implementations use (Gupta et al. 2018; Wang et al. 2024 code):
 *
 * <pre>
 *   Â = A + r·I,  z = (1 + p) / (2‖Â‖_F),  X₀ = z^(1/p)·I,  M₀ = z·Â
 *   Tₖ = ((p + 1)·I − Mₖ) / p,  Xₖ₊₁ = Xₖ·Tₖ,  Mₖ₊₁ = Tₖᵖ·Mₖ
 * </pre>
 *
 * Invariant (exact arithmetic): Mₖ = Xₖᵖ·Â, so Mₖ → I means Xₖ → Â^(−1/p). The iteration stops when
 * max|Mₖ − I| ≤ tolerance, after {@code maxIterations}, or when the error grows by more than
 * {@code growthLimit} (the iterate that grew it is discarded). The result always carries the iteration
 * count, the recomputed residual and whether the tolerance was met.
 *
 * <p>The input is first checked to be positive definite (a Cholesky factorization, n³/3 flops).
 *
 * <p>Cost per iteration for p = 4: three n×n products (Tᵖ by two squarings, then Tᵖ·M) plus X·T — 8n³
 * flops; the residual check adds three products.
 */
public final class CoupledNewtonInverseRoot implements InverseRoot {

    private final NewtonSettings settings;
    private final DenseKernels kernels;

    public CoupledNewtonInverseRoot(NewtonSettings settings) {
        this(settings, DenseKernels.reference());
    }

    public CoupledNewtonInverseRoot(NewtonSettings settings, DenseKernels kernels) {
        if (settings == null || kernels == null) {
            throw new IllegalArgumentException("settings and kernels must be non-null");
        }
        this.settings = settings;
        this.kernels = kernels;
    }

    public NewtonSettings settings() {
        return settings;
    }

    @Override
    public RootResult compute(DMatrixRMaj a, int p) {
        MatrixChecks.requireSymmetric(a, "matrix");
        MatrixChecks.requirePositive(p, "root order p");
        double r = settings.ridge().valueFor(a, kernels);
        DMatrixRMaj shifted = MatrixPower.shifted(a, r);
        // The iteration has no way to report an indefinite input; a Cholesky (n³/3, small beside the
        // iteration) refuses it with the failing pivot instead.
        new Cholesky(kernels).lower(shifted);
        return iterate(shifted, r, p);
    }

    /**
     * The iteration on A as given, symmetric or not, as the official naive 4-bit code runs it on a dequantized
     * statistic: no symmetry or definiteness check (an unsuitable input shows as a root that did not converge, or as
     * an {@link ArithmeticException} when the iteration diverged to a non-finite root); the ridge needs a
     * power-iteration or absolute {@link Ridge} (an exact λmax needs symmetry).
     */
    @Override
    public RootResult computeAsGiven(DMatrixRMaj a, int p) {
        MatrixChecks.requireSquare(a, "matrix");
        MatrixChecks.requireFinite(a, "matrix");
        MatrixChecks.requirePositive(p, "root order p");
        double r = settings.ridge().valueFor(a, kernels);
        return iterate(MatrixPower.shifted(a, r), r, p);
    }

    private RootResult iterate(DMatrixRMaj shifted, double r, int p) {
        // z = (1 + p)/(2‖Â‖_F) overflows for a subnormal Â (and underflows near overflow). The iteration is
        // equivariant under Â ↦ 2^(−p·q)·Â, X ↦ 2^q·X, exactly in floating point, so such a matrix is iterated at
        // order 1 and X scaled back; matrices in the usual range are not touched (their results stay bit-identical).
        double max = CommonOps_DDRM.elementMaxAbs(shifted);
        if (max > 0 && Double.isFinite(max) && (max < 0x1p-500 || max > 0x1p500)) {
            int q = Math.floorDiv(Math.getExponent(max * 0x1p54) - 54, p); // getExponent(subnormal) is −1023
            DMatrixRMaj scaled = shifted.copy();
            for (int i = 0; i < scaled.getNumElements(); i++) {
                scaled.data[i] = Math.scalb(scaled.data[i], -p * q);
            }
            RootResult s = iterate(scaled, r, p);
            DMatrixRMaj x = s.root();
            for (int i = 0; i < x.getNumElements(); i++) {
                x.data[i] = Math.scalb(x.data[i], -q);
                if (!Double.isFinite(x.data[i])) {
                    throw new IllegalArgumentException(String.format("the inverse %d-th root of matrix + %.3e*I does not"
                            + " fit in a double: its largest magnitude is %.6e; expected an order-%d root below"
                            + " Double.MAX_VALUE (add a larger ridge)", p, r, max, p));
                }
            }
            return new RootResult(x, p, r, s.iterations(), RootResult.residual(x, shifted, p, kernels), s.converged());
        }
        final int n = shifted.numRows;
        double norm = NormOps_DDRM.normF(shifted);
        if (norm == 0) {
            throw new IllegalArgumentException("matrix + " + r + "*I is the zero " + MatrixChecks.shape(shifted)
                    + " matrix; expected a nonzero matrix (the zero matrix has no inverse root)");
        }
        double z = (1.0 + p) / (2.0 * norm);

        DMatrixRMaj x = MatrixPower.scaledIdentity(n, Math.pow(z, 1.0 / p));
        DMatrixRMaj m = shifted.copy();
        CommonOps_DDRM.scale(z, m);
        double error = MatrixPower.maxAbsDistanceToIdentity(m);

        DMatrixRMaj t = new DMatrixRMaj(n, n);
        DMatrixRMaj xNext = new DMatrixRMaj(n, n);
        DMatrixRMaj mNext = new DMatrixRMaj(n, n);
        int iterations = 0;
        while (error > settings.tolerance() && iterations < settings.maxIterations()) {
            // T = ((p + 1)·I − M) / p
            for (int k = 0; k < n * n; k++) {
                t.data[k] = -m.data[k] / p;
            }
            for (int i = 0; i < n; i++) {
                t.data[i * n + i] += (p + 1.0) / p;
            }
            kernels.mult(x, t, xNext);
            kernels.mult(MatrixPower.of(t, p, kernels), m, mNext);
            double newError = MatrixPower.maxAbsDistanceToIdentity(mNext);
            if (!(newError <= error * settings.growthLimit())) {
                break; // diverging (or NaN): keep the previous iterate
            }
            DMatrixRMaj swap = x;
            x = xNext;
            xNext = swap;
            swap = m;
            m = mNext;
            mNext = swap;
            error = newError;
            iterations++;
        }
        for (int k = 0; k < n * n; k++) {
            if (!Double.isFinite(x.data[k])) {
                // only on the as-given path (an asymmetric or indefinite input) without a growth guard
                throw new ArithmeticException("coupled Newton iteration for the inverse " + p + "-th root diverged: root["
                        + k / n + ", " + k % n + "] is " + x.data[k] + " after " + iterations + " iterations (error "
                        + error + "); expected a finite root (use a growth limit, or a symmetric positive definite input)");
            }
        }
        double residual = RootResult.residual(x, shifted, p, kernels);
        return new RootResult(x, p, r, iterations, residual, error <= settings.tolerance());
    }

    @Override
    public String toString() {
        return "coupled Newton root, " + settings;
    }
}
