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
