package dev.graft.onnx;

import java.util.List;
import java.util.Set;

/**
 * A node of an imported graph, as seen from outside.
 *
 * @param name the node name (generated as {@code OpType_index} when the file left it empty)
 * @param opType the operator
 * @param version the operator definition version in force
 * @param inputs input tensor names ("" for omitted optional inputs)
 * @param outputs output tensor names
 * @param attributes the attribute names present
 */
public record NodeInfo(String name, String opType, int version, List<String> inputs, List<String> outputs,
                       Set<String> attributes) {
}
