package dev.graft.onnx;

/**
 * The model is valid ONNX but uses something this importer does not implement: an operator, an
 * operator version, an element type or an attribute value. The message lists every such use at once.
 */
public class UnsupportedOnnxException extends OnnxException {

    private static final long serialVersionUID = 1L;

    /** @param message every unsupported feature found, with the nodes that use it */
    public UnsupportedOnnxException(String message) {
        super(message);
    }
}
