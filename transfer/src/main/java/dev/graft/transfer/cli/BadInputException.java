package dev.graft.transfer.cli;

/**
 * The input does not fit the command: data of the wrong kind for the model, a missing or empty
 * column. {@link Main} prints the one-line message to stderr and exits with status 2, as for a wrong
 * command line, but without the usage text, which would bury the one line that matters.
 */
final class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what was wrong and what was expected */
    BadInputException(String message) {
        super(message);
    }

    /**
     * @param message what was wrong and what was expected
     * @param cause the underlying failure, kept for {@code GRAFT_DEBUG=1}
     */
    BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
