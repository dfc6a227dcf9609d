package dev.graft.onnx.ops;

import dev.graft.onnx.Value;

/** One node's computation, prepared at load time with its attributes already checked. */
@FunctionalInterface
public interface Kernel {

    /**
     * @param inputs the node's inputs in order; null for an omitted optional input
     * @param ctx run-time state: training mode, buffers, random numbers
     * @return the node's outputs in order (trailing optional outputs may be absent)
     */
    Value[] run(Value[] inputs, RunContext ctx);
}
