package dev.graft.onnx.graph;

import dev.graft.onnx.ops.Kernel;
import dev.graft.onnx.ops.NodeSpec;
import dev.graft.onnx.proto.NodeDef;

/**
 * A node ready to run: its kernel and where its inputs and outputs live in the value slots.
 *
 * @param def the node as read from the file
 * @param spec the node with its resolved operator version
 * @param kernel the prepared computation
 * @param inputSlots slot of each input, -1 for an omitted optional input
 * @param outputSlots slot of each output, -1 for an unused optional output
 * @param isStatic whether the outputs depend only on constants and input shapes (foldable per input shape)
 */
public record GraphNode(NodeDef def, NodeSpec spec, Kernel kernel, int[] inputSlots, int[] outputSlots, boolean isStatic) {
}
