package dev.graft.onnx.export;

import dev.graft.onnx.OnnxException;

/**
 * A model cannot be written as ONNX: a module type the exporter cannot express, an operator the
 * target opset does not define in the form needed, a name clash, or a model too large for a
 * single ONNX file. The message names the module (its path and class) or the tensor concerned
 * and says what is supported.
 */
public class OnnxExportException extends OnnxException {

    private static final long serialVersionUID = 1L;

    /** @param message what could not be exported and what is supported instead */
    public OnnxExportException(String message) {
        super(message);
    }
}
