package io.qshampoo.oracle;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.EigenInverseRoot;
import io.qshampoo.linalg.MatrixDiscrepancy;
import io.qshampoo.linalg.Ridge;
import io.qshampoo.linalg.RootResult;
import io.qshampoo.linalg.SymmetricEigen;

/**
 * The other side's inverse p-th root X of a symmetric positive semidefinite A, against the float64 eigen
 * reference X* = (A + r·I)^(−1/p) ({@link EigenInverseRoot}): NRE and AE (Li et al. Eq. 9,
 * {@link MatrixDiscrepancy}), the residual max|Xᵖ·(A + r·I) − I| of both roots, the elements where X deviates
 * most, and a verdict NRE ≤ {@link RootTolerance}.
 *
 * <p>A is used through its symmetric part (A + Aᵀ)/2; its asymmetry max|A − Aᵀ|/max|A| is reported (a float32
 * G·Gᵀ is symmetric only up to rounding). Cost: two eigendecompositions and p-th powers of n×n matrices, O(n³).
 *
 * @param reference   X* and its residual
 * @param kappa       κ(A + r·I) = (λmax + r)/(λmin + r)
 * @param lambdaMax   λmax(A)
 * @param lambdaMin   λmin(A)
 * @param asymmetry   max|A − Aᵀ| / max|A|
 * @param discrepancy NRE and AE of X against X*
 * @param residual    max|Xᵖ·(A + r·I) − I| of the other side's root
 * @param rootAsymmetry max|X − Xᵀ| / max|X|
 * @param tolerance   the NRE tolerance and its ingredients
 * @param largest     the elements with the largest |X − X*|, largest first
 */
public record RootCheck(RootResult reference, double kappa, double lambdaMax, double lambdaMin, double asymmetry,
                        MatrixDiscrepancy discrepancy, double residual, double rootAsymmetry,
                        RootTolerance tolerance, List<Deviation> largest) {

    /**
     * One element of X and how far it is from X*.
     *
     * @param row       i
     * @param col       j
     * @param theirs    X_ij
     * @param reference X*_ij
     * @param relative  |X_ij − X*_ij| / max|X*|
     */
    public record Deviation(int row, int col, double theirs, double reference, double relative) {
    }

    /** Number of deviations reported. */
    public static final int LARGEST = 5;

    /** Whether the other side's root is within tolerance. */
    public boolean agrees() {
        return discrepancy.nre() <= tolerance.value();
    }

    /**
     * Compares {@code theirs} with the reference root of {@code a}.
     *
     * @param a               n×n, symmetric up to rounding, positive semidefinite; not modified
     * @param theirs          n×n
     * @param ridge           the ridge both sides add (absolute, or relative to the exact λmax)
     * @param unitRoundoff    u of the other side's computation
     * @param storageRoundoff u_s of the file X came in
     * @param safety          c of {@link RootTolerance}
     * @throws IllegalArgumentException if shapes differ, a value is not finite, or A + r·I is not positive definite
     */
    public static RootCheck of(DMatrixRMaj a, DMatrixRMaj theirs, int p, Ridge ridge, double unitRoundoff,
                               double storageRoundoff, double safety) {
        int n = a.numRows;
        if (theirs.numRows != n || theirs.numCols != n) {
            throw new IllegalArgumentException("the root is " + theirs.numRows + " × " + theirs.numCols
                    + "; the matrix is " + n + " × " + n);
        }
        if (p < 1) {
            throw new IllegalArgumentException("--p is " + p + "; expected a root order >= 1");
        }
        double asymmetry = asymmetry(a);
        DMatrixRMaj sym = shifted(a, 0);
        RootResult ref = new EigenInverseRoot(ridge).compute(sym, p);
        SymmetricEigen eig = SymmetricEigen.of(sym);
        double r = ref.ridge();
        double kappa = (eig.max() + r) / (eig.min() + r);
        MatrixDiscrepancy d = discrepancy(ref.root(), theirs);
        DMatrixRMaj shifted = shifted(a, r);
        double residual = RootResult.residual(theirs, shifted, p, DenseKernels.reference());
        RootTolerance tol = RootTolerance.derive(n, p, kappa, unitRoundoff, storageRoundoff, safety);
        return new RootCheck(ref, kappa, eig.max(), eig.min(), asymmetry, d, residual, asymmetry(theirs), tol,
                largest(ref.root(), theirs));
    }

    /** Â = (A + Aᵀ)/2 + r·I, the matrix whose root is checked (a new matrix). */
    public static DMatrixRMaj shifted(DMatrixRMaj a, double r) {
        int n = a.numRows;
        DMatrixRMaj sym = new DMatrixRMaj(n, n);
        CommonOps_DDRM.transpose(a, sym);
        CommonOps_DDRM.add(0.5, a, 0.5, sym, sym);
        for (int i = 0; i < n; i++) {
            sym.add(i, i, r);
        }
        return sym;
    }

    /** NRE/AE; a zero X has NRE 1 and an undefined angle (NaN); a non-finite X has NRE ∞. */
    private static MatrixDiscrepancy discrepancy(DMatrixRMaj ref, DMatrixRMaj theirs) {
        for (double v : theirs.data) {
            if (!Double.isFinite(v)) {
                return new MatrixDiscrepancy(Double.POSITIVE_INFINITY, Double.NaN, Double.NaN);
            }
        }
        if (CommonOps_DDRM.elementMaxAbs(theirs) == 0) {
            return new MatrixDiscrepancy(1, Double.NaN, Double.NaN);
        }
        return MatrixDiscrepancy.between(ref, theirs);
    }

    static double asymmetry(DMatrixRMaj m) {
        double max = CommonOps_DDRM.elementMaxAbs(m);
        double worst = 0;
        int n = m.numRows;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                worst = Math.max(worst, Math.abs(m.get(i, j) - m.get(j, i)));
            }
        }
        return max == 0 ? 0 : worst / max;
    }

    private static List<Deviation> largest(DMatrixRMaj ref, DMatrixRMaj theirs) {
        double scale = CommonOps_DDRM.elementMaxAbs(ref);
        List<Deviation> all = new ArrayList<>();
        int n = ref.numCols;
        for (int k = 0; k < ref.getNumElements(); k++) {
            double diff = Math.abs(theirs.data[k] - ref.data[k]);
            all.add(new Deviation(k / n, k % n, theirs.data[k], ref.data[k], diff / scale));
        }
        all.sort(Comparator.comparingDouble(Deviation::relative).reversed());
        return List.copyOf(all.subList(0, Math.min(LARGEST, all.size())));
    }
}
