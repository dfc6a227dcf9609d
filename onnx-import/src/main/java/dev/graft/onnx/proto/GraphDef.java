package dev.graft.onnx.proto;

import java.util.List;

/**
 * The main graph of a model ({@code GraphProto}).
 *
 * @param name the graph name
 * @param nodes the nodes in file order (not necessarily sorted)
 * @param initializers constant tensors, by name
 * @param inputs declared inputs (may include initializer names, as older exporters did)
 * @param outputs declared outputs
 * @param valueInfo declared intermediate tensors
 * @param sparseInitializerCount how many sparse initializers there were (not supported)
 */
public record GraphDef(String name, List<NodeDef> nodes, List<TensorDef> initializers, List<ValueInfoDef> inputs,
                       List<ValueInfoDef> outputs, List<ValueInfoDef> valueInfo, int sparseInitializerCount) {
}
