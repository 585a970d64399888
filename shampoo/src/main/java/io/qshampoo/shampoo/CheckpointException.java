package io.qshampoo.shampoo;

/** A checkpoint that cannot be restored: corrupt, truncated, of another version, or for another optimizer. */
public final class CheckpointException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
