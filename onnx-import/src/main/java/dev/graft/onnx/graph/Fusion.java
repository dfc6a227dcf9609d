package dev.graft.onnx.graph;

import dev.graft.onnx.Value;

/**
 * A chain of nodes that inference runs as one fused engine op (see {@link Fusions}): the model
 * skips its member nodes and, at the last one, computes the chain's output from the chain's
 * outside inputs. Used only while gradient recording is off; when the kernel declines (returns
 * null, e.g. for shapes or constants it does not handle) the members run one by one instead.
 *
 * @param kind what the chain computes, e.g. {@code attention}
 * @param members the member nodes' indices in execution order, ascending
 * @param inputSlots the chain's outside inputs, in the order the kernel expects (-1 for absent)
 * @param outputSlot the slot of the chain's one result, written by the last member
 * @param kernel computes the result, or returns null to decline
 */
public record Fusion(String kind, int[] members, int[] inputSlots, int outputSlot, Kernel kernel) {

    /** The fused computation. */
    @FunctionalInterface
    public interface Kernel {
        /**
         * @param inputs the values of {@link #inputSlots()}, null where absent
         * @return the chain's result, or null to have the members run one by one
         */
        Value run(Value[] inputs);
    }

    /** @return the index of the last member, where the fused op runs */
    public int last() {
        return members[members.length - 1];
    }
}
