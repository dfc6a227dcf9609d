package dev.graft.transfer.data;

/**
 * A batch could not be produced: the dataset failed while building it, or the loading thread was
 * interrupted. The message names the epoch and batch; the cause is the dataset's own exception.
 */
public final class DataLoaderException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message which batch of which epoch failed
     * @param cause the underlying failure
     */
    public DataLoaderException(String message, Throwable cause) {
        super(message, cause);
    }
}
