package dev.graft.engine;

/** How {@link Tensor#pad} fills the new border (the modes of ONNX Pad). */
public enum PadMode {
    /** A constant value. */
    CONSTANT,
    /** The mirror image of the interior, not repeating the edge element. */
    REFLECT,
    /** The edge element repeated. */
    EDGE
}
