package dev.graft.onnx.proto;

import java.util.List;

/**
 * A node attribute ({@code AttributeProto}). Only the field named by {@link #type} is meaningful.
 * Graph-valued attributes (If, Loop, Scan bodies) are not decoded; {@link #hasGraph} records that one was present.
 *
 * @param name the attribute name
 * @param type the {@code AttributeProto.AttributeType} number (1 float, 2 int, 3 string, 4 tensor, 5 graph,
 *             6 floats, 7 ints, 8 strings, 9 tensors, 10 graphs)
 * @param f the float value
 * @param i the int value
 * @param s the string value (bytes), or null
 * @param t the tensor value, or null
 * @param floats the float list, or an empty array
 * @param ints the int list, or an empty array
 * @param strings the string list
 * @param tensors the tensor list
 * @param hasGraph whether a graph or graph list was present
 */
public record AttributeDef(String name, int type, float f, long i, byte[] s, TensorDef t, float[] floats, long[] ints,
                           List<byte[]> strings, List<TensorDef> tensors, boolean hasGraph) {

    /** AttributeType FLOAT. */
    public static final int FLOAT = 1;
    /** AttributeType INT. */
    public static final int INT = 2;
    /** AttributeType STRING. */
    public static final int STRING = 3;
    /** AttributeType TENSOR. */
    public static final int TENSOR = 4;
    /** AttributeType GRAPH. */
    public static final int GRAPH = 5;
    /** AttributeType FLOATS. */
    public static final int FLOATS = 6;
    /** AttributeType INTS. */
    public static final int INTS = 7;
    /** AttributeType STRINGS. */
    public static final int STRINGS = 8;
    /** AttributeType TENSORS. */
    public static final int TENSORS = 9;
}
