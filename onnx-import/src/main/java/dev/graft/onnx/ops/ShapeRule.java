package dev.graft.onnx.ops;

/**
 * What an operator's output shape depends on. The model uses this to decide which shape
 * computations (Shape, Gather, Concat, ...) may be folded once per input shape and cached.
 */
public enum ShapeRule {
    /** Only the shapes of the inputs (and the attributes): elementwise ops, Conv, MatMul, Transpose, ... */
    INPUT_SHAPES,
    /** The shape of the first input and the values of the others: Reshape, Expand, Slice, Pad, Tile, ... */
    FIRST_SHAPE_AND_OTHER_VALUES,
    /** The values of all inputs: ConstantOfShape, Range. */
    INPUT_VALUES
}
