package dev.graft.onnx;

/**
 * The model is not a valid ONNX model: truncated or corrupt protobuf, tensors whose data
 * disagrees with their declared shape, dangling or duplicate names, cycles, absurd sizes.
 */
public class OnnxFormatException extends OnnxException {

    private static final long serialVersionUID = 1L;

    /** @param message what was wrong and what was expected */
    public OnnxFormatException(String message) {
        super(message);
    }

    /**
     * @param message what was wrong and what was expected
     * @param cause the underlying error
     */
    public OnnxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
