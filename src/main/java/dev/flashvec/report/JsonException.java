package dev.flashvec.report;

import java.io.Serial;

/**
 * JSON text that is not valid JSON, or valid JSON that does not have the shape a reader expects; the message
 * says where (line and column, or which member) and what was expected. An {@link IllegalArgumentException},
 * so the command line reports it as a user error in one line.
 */
public final class JsonException extends IllegalArgumentException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** An error described by {@code message}. */
    public JsonException(String message) {
        super(message);
    }
}
