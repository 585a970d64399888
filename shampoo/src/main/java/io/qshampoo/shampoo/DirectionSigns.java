package io.qshampoo.shampoo;

import org.ejml.data.DMatrixRMaj;

/**
 * The sign convention of sketchy4's stored directions: each row of Uᵀ (one direction) is negated where needed so
 * that its component of largest magnitude is positive (the first such component where several have the same
 * magnitude).
 *
 * <p>Why the quantized sketch needs one: a direction of Frequent Directions, like an eigenvector, is determined only
 * up to its sign, and the SVD behind it picks a sign by the accidents of its implementation (LAPACK and EJML differ).
 * Without a convention the sign would not matter to Ĝ in exact arithmetic, but it matters to its quantized
 * storage: the linear-2 and dynamic tables are not symmetric about 0 (4-bit linear-2 holds 0 and +1/225 but not
 * −1/225), so Q(−u) ≠ −Q(u), and two implementations that differ only in the SVD's signs would store different Ĝ and drift
 * apart by the quantization error rather than by rounding. With the convention the stored sketch is a function of
 * the sketched statistic alone, and an implementation that follows it stores the same codes up to rounding flips.
 * The convention is ambiguous only where two components have magnitudes equal to within rounding and opposite
 * signs.
 *
 * <p>Cost: one pass over the w×n matrix, O(w·n).
 */
final class DirectionSigns {

    private DirectionSigns() {
    }

    /**
     * Negates, in place, every row of {@code ut} whose component of largest magnitude is negative.
     *
     * @param ut w×n, one direction per row
     * @return the number of rows negated
     */
    static int normalize(DMatrixRMaj ut) {
        int negated = 0;
        for (int r = 0; r < ut.numRows; r++) {
            int row = r * ut.numCols;
            int largest = row;
            for (int i = row + 1; i < row + ut.numCols; i++) {
                if (Math.abs(ut.data[i]) > Math.abs(ut.data[largest])) {
                    largest = i;
                }
            }
            if (ut.data[largest] < 0) {
                for (int i = row; i < row + ut.numCols; i++) {
                    ut.data[i] = -ut.data[i];
                }
                negated++;
            }
        }
        return negated;
    }
}
