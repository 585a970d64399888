package io.qshampoo.oracle.npy;

/**
 * A file (or npz entry) that is not a well-formed {@code .npy} array of a supported type: bad magic, unknown
 * version, malformed header, unsupported dtype, truncated or over-long payload. The message always starts with
 * the file's name, then says what was found and what was expected. An {@link IllegalArgumentException}, so the
 * command line reports it as bad input (exit code 2).
 */
public final class NpyFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String source;

    /**
     * @param source the file (or "archive.npz:entry") the problem is in
     * @param detail what was found and what was expected
     */
    public NpyFormatException(String source, String detail) {
        super(source + ": " + detail);
        this.source = source;
    }

    /** The file (or npz entry) the problem is in. */
    public String source() {
        return source;
    }
}
