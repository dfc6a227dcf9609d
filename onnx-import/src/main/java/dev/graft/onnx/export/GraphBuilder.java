package dev.graft.onnx.export;

import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import dev.graft.onnx.Value;
import dev.graft.onnx.ops.OpEntry;
import dev.graft.onnx.ops.OpRegistry;
import dev.graft.onnx.proto.AttributeDef;
import dev.graft.onnx.proto.NodeDef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The graph being exported: nodes in a topological order, initializers with their values, and
 * every name in use, so that appended nodes and tensors never collide with the imported graph's.
 * Each emitted operator is checked against the target opset: it must be defined there, in a
 * version whose semantics are those the exporter relies on.
 */
final class GraphBuilder {

    /**
     * The oldest opset at which each emitted operator has the form the exporter writes: numpy
     * broadcasting for the binary ops (opset 7; earlier versions need a {@code broadcast}
     * attribute), inference-only BatchNormalization (7; version 6 defaults to training), Cast
     * with a numeric {@code to} (6), AveragePool with {@code count_include_pad} (7), Erf (9),
     * HardSwish (14), LayerNormalization (17).
     */
    private static final Map<String, Integer> FORM_SINCE = Map.ofEntries(
            Map.entry("Add", 7), Map.entry("Sub", 7), Map.entry("Mul", 7), Map.entry("Div", 7),
            Map.entry("Gemm", 7), Map.entry("BatchNormalization", 7), Map.entry("AveragePool", 7),
            Map.entry("Cast", 6), Map.entry("Relu", 6), Map.entry("Tanh", 6), Map.entry("Sigmoid", 6),
            Map.entry("Sqrt", 6), Map.entry("Exp", 6), Map.entry("LeakyRelu", 6), Map.entry("HardSigmoid", 6),
            Map.entry("Clip", 6), Map.entry("Erf", 9), Map.entry("HardSwish", 14), Map.entry("LayerNormalization", 17));

    private final int opset;
    private final OpRegistry registry = OpRegistry.standard();
    private final List<NodeDef> nodes = new ArrayList<>();
    private final Map<String, Value> initializers = new LinkedHashMap<>();
    private final Set<String> taken = new HashSet<>();
    private int imported;

    /** @param opset the default-domain opset of the file */
    GraphBuilder(int opset) {
        this.opset = opset;
    }

    /** @return the target opset */
    int opset() {
        return opset;
    }

    /** Adds nodes of an imported graph as they are, reserving their names. */
    void addImported(List<NodeDef> importedNodes, Map<String, Value> values) {
        for (NodeDef n : importedNodes) {
            reserve(List.of(n.name()));
            reserve(n.inputs());
            reserve(n.outputs());
        }
        reserve(values.keySet());
        nodes.addAll(importedNodes);
        imported = nodes.size();
        initializers.putAll(values);
    }

    /** Marks names as used (graph inputs, imported tensors). */
    void reserve(Collection<String> names) {
        for (String n : names) {
            if (!n.isEmpty()) {
                taken.add(n);
            }
        }
    }

    /** @return whether a tensor, node or initializer already has this name */
    boolean isTaken(String name) {
        return taken.contains(name);
    }

    /** @return {@code base}, or {@code base_2}, {@code base_3}, ... if taken; the result is reserved */
    String fresh(String base) {
        String name = base;
        for (int k = 2; !taken.add(name); k++) {
            name = base + "_" + k;
        }
        return name;
    }

    /** @return the nodes so far */
    List<NodeDef> nodes() {
        return nodes;
    }

    /** @return the initializers so far, by name */
    Map<String, Value> initializers() {
        return initializers;
    }

    /**
     * Appends a node with one output.
     *
     * @param site the module being exported, for names and messages
     * @return the output tensor's name
     * @throws OnnxExportException if the operator is not available in the needed form at the target opset
     */
    String op(Site site, String opType, List<String> inputs, AttributeDef... attributes) {
        require(site, opType);
        String node = fresh(site.scope() + "/" + opType);
        String out = fresh(node + "_output_0");
        Map<String, AttributeDef> attrs = new LinkedHashMap<>();
        for (AttributeDef a : attributes) {
            attrs.put(a.name(), a);
        }
        nodes.add(new NodeDef(node, opType, "", List.copyOf(inputs), List.of(out), attrs));
        return out;
    }

    /** @return whether {@code tensor} is the only output of the last node, and that node was appended (not imported) */
    boolean lastOutputIsAppended(String tensor) {
        return nodes.size() > imported && nodes.get(nodes.size() - 1).outputs().equals(List.of(tensor));
    }

    /** Renames the output of the last node, which {@link #lastOutputIsAppended} has confirmed is ours. */
    void renameLastOutput(String name) {
        NodeDef last = nodes.get(nodes.size() - 1);
        nodes.set(nodes.size() - 1, new NodeDef(last.name(), last.opType(), last.domain(), last.inputs(), List.of(name),
                last.attributes()));
    }

    /** Appends an Identity node copying {@code from} into {@code to}. */
    void identity(String from, String to) {
        nodes.add(new NodeDef(fresh("/Identity"), "Identity", "", List.of(from), List.of(to), Map.of()));
    }

    private void require(Site site, String opType) {
        OpEntry e = registry.find(opType);
        int since = Math.max(FORM_SINCE.getOrDefault(opType, 1), e == null ? Integer.MAX_VALUE : e.sinceVersions()[0]);
        if (e == null || e.versionAt(opset) < 0 || opset < since) {
            throw new OnnxExportException(site.describe() + " needs the ONNX operator " + opType + " (opset " + since
                    + " or later in the form the exporter writes), but the model's opset is " + opset);
        }
    }

    /**
     * Fails unless the target opset is at least {@code since}.
     *
     * @param what the feature, for the message
     */
    void requireOpset(Site site, int since, String what) {
        if (opset < since) {
            throw new OnnxExportException(site.describe() + ": " + what + " needs opset " + since
                    + " or later, but the model's opset is " + opset);
        }
    }

    /** Adds a module parameter or buffer as a float initializer under its dotted name; returns the name used. */
    String parameter(String name, Tensor value) {
        String n = fresh(name);
        initializers.put(n, Value.of(value.detach()));
        return n;
    }

    /** Adds a float constant the translation needs (a scalar, a vector of ones); returns its name. */
    String constant(Site site, String label, Tensor value) {
        String n = fresh(site.scope() + "/" + label);
        initializers.put(n, Value.of(value));
        return n;
    }

    /** Adds an int64 vector constant (axes, shapes); returns its name. */
    String int64s(Site site, String label, long... values) {
        String n = fresh(site.scope() + "/" + label);
        initializers.put(n, Value.of(LongTensor.of(values.clone(), values.length)));
        return n;
    }

    /**
     * A reduction keeping the reduced axes, with {@code axes} as an attribute or, from the opset
     * where the operator takes them as an input (ReduceSum 13, the others 18), as an input.
     */
    String reduce(Site site, String opType, String x, long axis) {
        boolean axesInput = opType.equals("ReduceSum") ? opset >= 13 : opset >= 18;
        if (axesInput) {
            return op(site, opType, List.of(x, int64s(site, opType + "_axes", axis)), attr("keepdims", 1));
        }
        return op(site, opType, List.of(x), ints("axes", axis), attr("keepdims", 1));
    }

    /** @return an INT attribute */
    static AttributeDef attr(String name, long value) {
        return new AttributeDef(name, AttributeDef.INT, 0, value, null, null, new float[0], new long[0], List.of(),
                List.of(), false);
    }

    /** @return a FLOAT attribute */
    static AttributeDef attr(String name, float value) {
        return new AttributeDef(name, AttributeDef.FLOAT, value, 0, null, null, new float[0], new long[0], List.of(),
                List.of(), false);
    }

    /** @return an INTS attribute */
    static AttributeDef ints(String name, long... values) {
        return new AttributeDef(name, AttributeDef.INTS, 0, 0, null, null, new float[0], values.clone(), List.of(),
                List.of(), false);
    }
}
