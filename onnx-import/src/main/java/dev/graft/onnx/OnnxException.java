package dev.graft.onnx;

/** Base of every error the ONNX importer reports about a model it was given. */
public class OnnxException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what was wrong and what was expected */
    public OnnxException(String message) {
        super(message);
    }

    /**
     * @param message what was wrong and what was expected
     * @param cause the underlying error
     */
    public OnnxException(String message, Throwable cause) {
        super(message, cause);
    }
}
