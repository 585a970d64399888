package io.qshampoo.shampoo;

/** A factor's inverse root failed (not positive definite, not finite, or not converged) too many times in a row. */
public final class RootFailureException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public RootFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
