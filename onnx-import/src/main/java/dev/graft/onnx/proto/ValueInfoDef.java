package dev.graft.onnx.proto;

import java.util.List;

/**
 * A declared graph input, output or intermediate ({@code ValueInfoProto}).
 *
 * @param name the tensor name
 * @param elemType the {@code TensorProto.DataType} number, 0 when undeclared
 * @param dims the declared dimensions, or null when the rank is unknown
 * @param isTensor false for sequences, maps and other non-tensor types
 */
public record ValueInfoDef(String name, int elemType, List<Dim> dims, boolean isTensor) {
}
