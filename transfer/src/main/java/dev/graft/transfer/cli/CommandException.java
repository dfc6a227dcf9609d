package dev.graft.transfer.cli;

/**
 * A command could not do its work for a reason the user can act on: a missing file, unreadable
 * data, a model without a cut point. {@link Main} prints the message as one line, without a stack
 * trace, and exits with status 1.
 */
final class CommandException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong and, where it helps, what was expected */
    CommandException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause the underlying failure, kept for {@code GRAFT_DEBUG=1}
     */
    CommandException(String message, Throwable cause) {
        super(message, cause);
    }
}
