package dev.graft.transfer.cli;

/**
 * The command line was wrong: an unknown command, an unknown option, a missing or malformed value.
 * {@link Main} prints the message and the command's usage to stderr and exits with status 2.
 */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The command whose usage to print, or {@code null} for the top-level usage. */
    private final transient Command command;

    UsageException(Command command, String message) {
        super(message);
        this.command = command;
    }

    Command command() {
        return command;
    }
}
