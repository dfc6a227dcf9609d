package dev.graft.onnx;

import dev.graft.onnx.proto.Dim;
import java.util.List;

/**
 * A declared graph input or output.
 *
 * @param name the ONNX tensor name
 * @param type the element type, or null when undeclared
 * @param dims the declared dimensions (fixed or symbolic), or null when the rank is unknown
 */
public record TensorInfo(String name, DataType type, List<Dim> dims) {
}
