package io.qshampoo.linalg;

/**
 * Thrown when a matrix that must be positive definite is not. It names where that was detected: the
 * first non-positive Cholesky pivot, or the smallest eigenvalue, and its value.
 */
public final class NotPositiveDefiniteException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int index;
    private final double value;

    private NotPositiveDefiniteException(String message, int index, double value) {
        super(message);
        this.index = index;
        this.value = value;
    }

    /** The Cholesky factorization of name + ridge·I met a non-positive pivot. */
    public static NotPositiveDefiniteException choleskyPivot(String name, int pivot, double pivotValue, double ridge) {
        return new NotPositiveDefiniteException(String.format(
                "%s%s is not positive definite: Cholesky pivot %d is %.6e; expected every pivot > 0",
                name, ridgeText(ridge), pivot, pivotValue), pivot, pivotValue);
    }

    /** The smallest eigenvalue of name + ridge·I is not positive. */
    public static NotPositiveDefiniteException eigenvalue(String name, int order, double smallest, double ridge) {
        return new NotPositiveDefiniteException(String.format(
                "%s%s is not positive definite: its smallest eigenvalue (index %d, descending order) is %.6e;"
                        + " expected every eigenvalue > 0", name, ridgeText(ridge), order - 1, smallest),
                order - 1, smallest);
    }

    private static String ridgeText(double ridge) {
        return ridge == 0 ? "" : String.format(" + %.3e*I", ridge);
    }

    /** Zero-based index of the failing pivot, or of the smallest eigenvalue in descending order. */
    public int index() {
        return index;
    }

    /** The failing pivot's or eigenvalue's value: ≤ 0 or not finite. */
    public double value() {
        return value;
    }
}
