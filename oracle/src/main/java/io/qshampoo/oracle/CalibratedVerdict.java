package io.qshampoo.oracle;

import java.util.Comparator;
import java.util.List;

/**
 * The verdict of {@code check root}: four tests, each a measured value against a threshold, and the one that
 * decided — the failing test furthest beyond its threshold, or, when all pass, the one closest to its threshold.
 *
 * @param factor   the calibration factor (how far beyond the routes' spread a correct root may lie)
 * @param tests    bound (worst case), spread-nre, spread-element, residual
 * @param row      row of the element with the largest scaled deviation
 * @param col      its column
 * @param theirs   their value there
 * @param reference X* there
 * @param scale    s_ij there
 */
public record CalibratedVerdict(double factor, List<Test> tests, int row, int col, double theirs, double reference,
                                double scale) {

    /**
     * One test.
     *
     * @param name      short id
     * @param what      what it compares
     * @param measured  the measured value
     * @param threshold the largest value that passes
     */
    public record Test(String name, String what, double measured, double threshold) {

        /** measured / threshold (∞ for a non-finite measurement). */
        public double ratio() {
            return Double.isNaN(measured) ? Double.POSITIVE_INFINITY : measured / threshold;
        }

        /** Whether the measured value is within the threshold. */
        public boolean passes() {
            return measured <= threshold;
        }
    }

    /** Whether every test passes. */
    public boolean agrees() {
        return tests.stream().allMatch(Test::passes);
    }

    /** The test that decided the verdict. */
    public Test decidedBy() {
        return tests.stream().max(Comparator.comparingDouble(Test::ratio)).orElseThrow();
    }

    /** The named test. */
    public Test test(String name) {
        return tests.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no test '" + name + "'"));
    }
}
