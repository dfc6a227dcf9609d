package dev.graft.transfer.data;

import java.io.IOException;

/**
 * A data file that could be read but does not hold what its format promises: a bad IDX header,
 * a truncated payload, a CSV line with the wrong number of fields, an image folder without images.
 * The message names the file (and line, where there is one), what was found and what was expected.
 */
public final class MalformedDataException extends IOException {

    private static final long serialVersionUID = 1L;

    /** @param message what was wrong, where, and what was expected */
    public MalformedDataException(String message) {
        super(message);
    }

    /**
     * @param message what was wrong, where, and what was expected
     * @param cause the lower-level failure
     */
    public MalformedDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
