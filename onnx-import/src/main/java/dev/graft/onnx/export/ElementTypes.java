package dev.graft.onnx.export;

import dev.graft.onnx.DataType;
import dev.graft.onnx.TensorInfo;
import dev.graft.onnx.Value;
import dev.graft.onnx.proto.AttributeDef;
import dev.graft.onnx.proto.NodeDef;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Element types of the tensors of an imported graph, from its declared inputs, its initializers
 * and each operator's typing rule. A graph output must declare its type, and a cut point usually
 * has none in the file; an appended head needs to know whether the running tensor is float32.
 * Operators not listed take the type of their first input, which is the rule for nearly all of them.
 */
final class ElementTypes {

    private static final Set<String> BOOLEAN_OUTPUT = Set.of("Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual",
            "Not", "And", "Or", "Xor", "IsNaN", "IsInf");
    private static final Set<String> INT64_OUTPUT = Set.of("Shape", "Size", "NonZero", "ArgMax", "ArgMin",
            "NonMaxSuppression");

    private final Map<String, DataType> types = new HashMap<>();

    /**
     * @param inputs the graph inputs, with their declared types
     * @param initializers the initializers, with their types
     * @param nodes the nodes in a topological order
     */
    ElementTypes(List<TensorInfo> inputs, Map<String, Value> initializers, List<NodeDef> nodes) {
        for (TensorInfo t : inputs) {
            if (t.type() != null) {
                types.put(t.name(), t.type());
            }
        }
        for (var e : initializers.entrySet()) {
            types.put(e.getKey(), e.getValue().type());
        }
        for (NodeDef n : nodes) {
            for (int i = 0; i < n.outputs().size(); i++) {
                DataType t = outputType(n, i);
                if (t != null && !n.outputs().get(i).isEmpty()) {
                    types.put(n.outputs().get(i), t);
                }
            }
        }
    }

    /** @return the element type of a tensor, or null when it cannot be told */
    DataType of(String tensor) {
        return types.get(tensor);
    }

    private DataType input(NodeDef n, int i) {
        return i < n.inputs().size() ? types.get(n.inputs().get(i)) : null;
    }

    private DataType outputType(NodeDef n, int output) {
        String op = n.opType();
        if (BOOLEAN_OUTPUT.contains(op)) {
            return DataType.BOOL;
        }
        if (INT64_OUTPUT.contains(op)) {
            return DataType.INT64;
        }
        if (output > 0 && (op.equals("TopK") || op.equals("MaxPool") || op.equals("Unique"))) {
            return DataType.INT64;
        }
        return switch (op) {
            case "Cast" -> typeAttribute(n, "to", null);
            case "CastLike" -> input(n, 1);
            case "EyeLike" -> typeAttribute(n, "dtype", input(n, 0));
            case "Constant" -> constantType(n);
            case "ConstantOfShape" -> {
                AttributeDef v = n.attributes().get("value");
                yield v != null && v.t() != null ? DataType.fromCode(v.t().dataType()) : DataType.FLOAT;
            }
            case "Where" -> input(n, 1);
            case "OneHot" -> input(n, 2);
            case "QuantizeLinear" -> n.inputs().size() > 2 && !n.inputs().get(2).isEmpty() ? input(n, 2) : DataType.UINT8;
            case "DequantizeLinear" -> input(n, 1);
            case "DynamicQuantizeLinear" -> output == 1 ? DataType.FLOAT : DataType.UINT8;
            default -> input(n, 0);
        };
    }

    private static DataType typeAttribute(NodeDef n, String name, DataType fallback) {
        AttributeDef a = n.attributes().get(name);
        if (a == null) {
            return fallback;
        }
        if (a.s() != null) {
            // Cast-1 names the type as a string ("FLOAT")
            String s = new String(a.s(), StandardCharsets.UTF_8);
            for (DataType t : DataType.values()) {
                if (t.name().equalsIgnoreCase(s)) {
                    return t;
                }
            }
            return fallback;
        }
        return DataType.fromCode((int) a.i());
    }

    private static DataType constantType(NodeDef n) {
        for (AttributeDef a : n.attributes().values()) {
            switch (a.name()) {
                case "value" -> {
                    return a.t() == null ? null : DataType.fromCode(a.t().dataType());
                }
                case "value_float", "value_floats" -> {
                    return DataType.FLOAT;
                }
                case "value_int", "value_ints" -> {
                    return DataType.INT64;
                }
                default -> {
                }
            }
        }
        return null;
    }
}
