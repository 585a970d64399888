package io.qshampoo.linalg;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/** Shared QuickTheories set-up for the linalg properties. */
final class Qt {

    /** Unit roundoff of float64. */
    static final double U = 0x1p-53;

    private Qt() {
    }

    /** Examples per property: system property QT_EXAMPLES (200 by default, 5000 with -Pextended). */
    static QuickTheory qt() {
        return QuickTheory.qt().withExamples(Integer.getInteger("QT_EXAMPLES", 200));
    }

    /** Seeds for java.util.Random; they shrink toward 0 like any long. */
    static Gen<Long> seeds() {
        return SourceDSL.longs().all();
    }

    /** log10 of a condition number in [0, maxLog10]. */
    static Gen<Integer> log10Condition(int maxLog10) {
        return SourceDSL.integers().between(0, maxLog10);
    }

    static DMatrixRMaj spd(int n, double condition, long seed) {
        return SyntheticMatrices.spdWithCondition(n, condition, new Random(seed));
    }

    /**
     * The exact root (A + r·I)^(−1/p) of {@code spd(n, condition, seed)} from its construction A = U·Λ·Uᵀ (same seed,
     * same U and Λ), independent of any eigensolver: U·diag((λᵢ + r)^(−1/p))·Uᵀ in float64. It differs from the
     * root of the rounded A by O(κ·u).
     */
    static DMatrixRMaj spdRoot(int n, double condition, long seed, double ridge, int p) {
        DMatrixRMaj u = SyntheticMatrices.haarOrthogonal(n, new Random(seed));
        DMatrixRMaj uw = u.copy();
        for (int j = 0; j < n; j++) {
            double t = n == 1 ? 0 : (double) j / (n - 1);
            double w = Math.pow(Math.pow(condition, -t) + ridge, -1.0 / p);
            for (int i = 0; i < n; i++) {
                uw.data[i * n + j] *= w;
            }
        }
        DMatrixRMaj x = new DMatrixRMaj(n, n);
        org.ejml.dense.row.CommonOps_DDRM.multTransB(uw, u, x);
        return x;
    }

    static double relativeFrobenius(DMatrixRMaj reference, DMatrixRMaj other) {
        double num = 0;
        double den = 0;
        for (int k = 0; k < reference.getNumElements(); k++) {
            double d = reference.data[k] - other.data[k];
            num += d * d;
            den += reference.data[k] * reference.data[k];
        }
        return Math.sqrt(num / den);
    }
}
