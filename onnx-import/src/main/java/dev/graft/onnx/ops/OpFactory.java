package dev.graft.onnx.ops;

/** Builds a {@link Kernel} for one node, reading and checking its attributes at load time. */
@FunctionalInterface
public interface OpFactory {

    /**
     * @param node the node, its resolved operator version and attributes
     * @return the prepared kernel
     * @throws dev.graft.onnx.OnnxFormatException if an attribute is missing or malformed
     * @throws dev.graft.onnx.UnsupportedOnnxException if an attribute value is valid ONNX but not implemented
     */
    Kernel create(NodeSpec node);
}
