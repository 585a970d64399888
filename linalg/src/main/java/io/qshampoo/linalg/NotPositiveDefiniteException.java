package io.qshampoo.linalg;

/**
 * Thrown when a matrix that must be positive definite is not: the Cholesky factorization met a
 * pivot that was not positive. It names the first leading minor that fails and the pivot's value.
 */
public final class NotPositiveDefiniteException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int pivot;
    private final double pivotValue;

    public NotPositiveDefiniteException(String name, int pivot, double pivotValue, double ridge) {
        super(String.format("%s%s is not positive definite: Cholesky pivot %d is %.6e; expected every pivot > 0"
                        + " (a larger ridge, or a positive definite input, fixes this)",
                name, ridge == 0 ? "" : String.format(" + %.3e*I", ridge), pivot, pivotValue));
        this.pivot = pivot;
        this.pivotValue = pivotValue;
    }

    /** Zero-based index of the first failing pivot (the leading minor of order pivot+1 is not PD). */
    public int pivot() {
        return pivot;
    }

    /** The pivot's value, ≤ 0 (or not finite). */
    public double pivotValue() {
        return pivotValue;
    }
}
