package dev.graft.onnx.ops;

import dev.graft.onnx.OnnxFormatException;
import dev.graft.onnx.UnsupportedOnnxException;
import dev.graft.onnx.Value;
import dev.graft.onnx.proto.AttributeDef;
import dev.graft.onnx.proto.TensorDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A node as an {@link OpFactory} sees it: names, the operator version in force, and typed,
 * checked access to its attributes. Every error names the node.
 *
 * @param name the node name
 * @param opType the operator
 * @param version the operator definition version in force (a "since version" from the ONNX docs)
 * @param inputs input tensor names ("" for omitted optional inputs)
 * @param outputs output tensor names
 * @param attributes raw attributes by name
 */
public record NodeSpec(String name, String opType, int version, List<String> inputs, List<String> outputs,
                       Map<String, AttributeDef> attributes) {

    /** @return {@code "Conv node 'conv1'"}, for messages */
    public String describe() {
        return opType + " node '" + name + "'";
    }

    /** @return whether input {@code i} is given (present and not the empty name) */
    public boolean hasInput(int i) {
        return i < inputs.size() && !inputs.get(i).isEmpty();
    }

    /** @return whether the attribute is present */
    public boolean has(String attr) {
        return attributes.containsKey(attr);
    }

    private AttributeDef get(String attr, int type) {
        AttributeDef a = attributes.get(attr);
        if (a != null && a.type() != type && a.type() != 0) {
            throw new OnnxFormatException(describe() + ": attribute '" + attr + "' has type " + a.type()
                    + ", expected " + type + " (see AttributeProto.AttributeType)");
        }
        return a;
    }

    /** @return the int attribute, or {@code fallback} when absent */
    public long intAttr(String attr, long fallback) {
        AttributeDef a = get(attr, AttributeDef.INT);
        return a == null ? fallback : a.i();
    }

    /** @return the int attribute, which must fit an int, or {@code fallback} when absent */
    public int intAttr(String attr, int fallback) {
        long v = intAttr(attr, (long) fallback);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new OnnxFormatException(describe() + ": attribute '" + attr + "' = " + v + " is out of int range");
        }
        return (int) v;
    }

    /** @return the float attribute, or {@code fallback} when absent */
    public float floatAttr(String attr, float fallback) {
        AttributeDef a = get(attr, AttributeDef.FLOAT);
        return a == null ? fallback : a.f();
    }

    /** @return the string attribute, or {@code fallback} when absent */
    public String stringAttr(String attr, String fallback) {
        AttributeDef a = get(attr, AttributeDef.STRING);
        return a == null || a.s() == null ? fallback : new String(a.s(), StandardCharsets.UTF_8);
    }

    /** @return the ints attribute, or null when absent */
    public long[] intsAttr(String attr) {
        AttributeDef a = get(attr, AttributeDef.INTS);
        return a == null ? null : a.ints();
    }

    /** @return the ints attribute as ints (each must fit), or null when absent */
    public int[] intArrayAttr(String attr) {
        long[] v = intsAttr(attr);
        return v == null ? null : toInts(attr, v);
    }

    /** @return the floats attribute, or null when absent */
    public float[] floatsAttr(String attr) {
        AttributeDef a = get(attr, AttributeDef.FLOATS);
        return a == null ? null : a.floats();
    }

    /** @return the tensor attribute decoded, or null when absent */
    public Value tensorAttr(String attr) {
        AttributeDef a = get(attr, AttributeDef.TENSOR);
        return a == null ? null : TensorDecoder.decode(a.t(), null);
    }

    /**
     * @return {@code values} narrowed to int
     * @throws OnnxFormatException naming the attribute if a value does not fit
     */
    public int[] toInts(String what, long[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] < Integer.MIN_VALUE || values[i] > Integer.MAX_VALUE) {
                throw new OnnxFormatException(describe() + ": " + what + " value " + values[i] + " is out of int range");
            }
            out[i] = (int) values[i];
        }
        return out;
    }

    /** @return an exception saying this node uses an unsupported attribute value */
    public UnsupportedOnnxException unsupported(String what) {
        return new UnsupportedOnnxException(describe() + ": " + what + " is not supported");
    }

    /** @return an exception saying this node is malformed */
    public OnnxFormatException invalid(String what) {
        return new OnnxFormatException(describe() + ": " + what);
    }
}
