package dev.graft.onnx.graph;

import dev.graft.onnx.OnnxException;
import dev.graft.onnx.OnnxFormatException;
import dev.graft.onnx.UnsupportedOnnxException;
import dev.graft.onnx.ops.Arity;
import dev.graft.onnx.ops.Kernel;
import dev.graft.onnx.ops.NodeSpec;
import dev.graft.onnx.ops.OpEntry;
import dev.graft.onnx.ops.OpRegistry;
import dev.graft.onnx.proto.GraphDef;
import dev.graft.onnx.proto.NodeDef;
import dev.graft.onnx.proto.ValueInfoDef;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A validated, topologically sorted graph: every tensor name has a slot, every node a kernel.
 * Building it checks everything that can be checked without data: the opset, that every
 * operator is supported (reporting all unsupported ones at once), unique names, that every input
 * is produced somewhere, and that there is no cycle.
 */
public final class CompiledGraph {

    private final Map<String, Integer> slots;
    private final List<GraphNode> nodes;
    private final List<ValueInfoDef> inputs;
    private final List<String> outputs;
    private final int[] lastUse;
    private final Fusion[] fusionByNode;
    private final int[] fusedLastUse;

    private CompiledGraph(Map<String, Integer> slots, List<GraphNode> nodes, List<ValueInfoDef> inputs,
                          List<String> outputs, Set<String> initializerNames) {
        this.slots = slots;
        this.nodes = nodes;
        this.inputs = inputs;
        this.outputs = outputs;
        this.lastUse = new int[slots.size()];
        java.util.Arrays.fill(lastUse, -1);
        for (int i = 0; i < nodes.size(); i++) {
            for (int in : nodes.get(i).inputSlots()) {
                if (in >= 0) {
                    lastUse[in] = i;
                }
            }
        }
        // graph outputs, inputs and initializers are never dropped
        for (String o : outputs) {
            lastUse[slots.get(o)] = Integer.MAX_VALUE;
        }
        for (var e : slots.entrySet()) {
            if (initializerNames.contains(e.getKey())) {
                lastUse[e.getValue()] = Integer.MAX_VALUE;
            }
        }
        for (ValueInfoDef v : inputs) {
            lastUse[slots.get(v.name())] = Integer.MAX_VALUE;
        }
        Set<Integer> outputSlots = new HashSet<>();
        for (String o : outputs) {
            outputSlots.add(slots.get(o));
        }
        boolean[] initializer = new boolean[slots.size()];
        for (var e : slots.entrySet()) {
            initializer[e.getValue()] = initializerNames.contains(e.getKey());
        }
        this.fusionByNode = Fusions.plan(nodes, slots.size(), outputSlots, initializer);
        // a slot a fused member reads is needed until the fusion runs, at its last member
        this.fusedLastUse = lastUse.clone();
        for (int i = 0; i < nodes.size(); i++) {
            Fusion f = fusionByNode[i];
            if (f == null) {
                continue;
            }
            for (int in : nodes.get(i).inputSlots()) {
                if (in >= 0) {
                    fusedLastUse[in] = Math.max(fusedLastUse[in], f.last());
                }
            }
        }
    }

    /**
     * @param graph the decoded graph
     * @param opset the model's default-domain opset
     * @param constantInitializers initializer names whose values never change (non-float ones)
     * @param outputNames the outputs to compute (the graph's own, or a cut point)
     * @return the compiled graph, holding only the nodes those outputs need
     */
    public static CompiledGraph compile(GraphDef graph, int opset, Set<String> constantInitializers, List<String> outputNames) {
        OpRegistry registry = OpRegistry.standard();
        Set<String> inits = new HashSet<>();
        for (var t : graph.initializers()) {
            if (t.name().isEmpty()) {
                throw new OnnxFormatException("an initializer has no name");
            }
            if (!inits.add(t.name())) {
                throw new OnnxFormatException("initializer '" + t.name() + "' is defined twice");
            }
        }
        List<ValueInfoDef> realInputs = new ArrayList<>();
        Set<String> inputNames = new HashSet<>();
        for (ValueInfoDef v : graph.inputs()) {
            if (!inputNames.add(v.name())) {
                throw new OnnxFormatException("graph input '" + v.name() + "' is declared twice");
            }
            if (!inits.contains(v.name())) {
                realInputs.add(v);
            }
        }
        // producers: which node makes each tensor; names must be assigned once (SSA)
        Map<String, Integer> producer = new HashMap<>();
        Set<String> nodeNames = new HashSet<>();
        List<String> resolvedNames = new ArrayList<>();
        for (int i = 0; i < graph.nodes().size(); i++) {
            NodeDef n = graph.nodes().get(i);
            String name = n.name().isEmpty() ? n.opType() + "_" + i : n.name();
            if (!nodeNames.add(name)) {
                throw new OnnxFormatException("node name '" + name + "' is used by more than one node");
            }
            resolvedNames.add(name);
            for (String out : n.outputs()) {
                if (out.isEmpty()) {
                    continue;
                }
                if (inits.contains(out) || inputNames.contains(out)) {
                    throw new OnnxFormatException("node '" + name + "' (" + n.opType() + ") writes '" + out
                            + "', which is already a graph input or initializer");
                }
                if (producer.put(out, i) != null) {
                    throw new OnnxFormatException("tensor '" + out + "' is produced by more than one node (second: '"
                            + name + "')");
                }
            }
        }
        // keep only what the requested outputs need, walking back iteratively (no recursion on deep graphs)
        boolean[] needed = new boolean[graph.nodes().size()];
        ArrayDeque<String> work = new ArrayDeque<>();
        for (String out : outputNames) {
            if (!producer.containsKey(out) && !inits.contains(out) && !inputNames.contains(out)) {
                throw new OnnxFormatException("output '" + out + "' is not produced by any node, input or initializer");
            }
            work.add(out);
        }
        Set<String> seen = new HashSet<>();
        while (!work.isEmpty()) {
            String t = work.poll();
            if (!seen.add(t)) {
                continue;
            }
            Integer p = producer.get(t);
            if (p == null) {
                continue;
            }
            if (!needed[p]) {
                needed[p] = true;
                for (String in : graph.nodes().get(p).inputs()) {
                    if (!in.isEmpty()) {
                        work.add(in);
                    }
                }
            }
        }
        // every input must exist; report unsupported operators all at once
        Map<String, List<String>> unsupported = new TreeMap<>();
        for (int i = 0; i < needed.length; i++) {
            if (!needed[i]) {
                continue;
            }
            NodeDef n = graph.nodes().get(i);
            for (String in : n.inputs()) {
                if (!in.isEmpty() && !producer.containsKey(in) && !inits.contains(in) && !inputNames.contains(in)) {
                    throw new OnnxFormatException("node '" + resolvedNames.get(i) + "' (" + n.opType() + ") reads '" + in
                            + "', which no node, graph input or initializer provides");
                }
            }
            String key = n.domain().isEmpty() ? n.opType() : n.domain() + "::" + n.opType();
            OpEntry e = n.domain().isEmpty() ? registry.find(n.opType()) : null;
            if (e == null) {
                unsupported.computeIfAbsent(key, k -> new ArrayList<>()).add(resolvedNames.get(i));
            } else if (e.versionAt(opset) < 0) {
                unsupported.computeIfAbsent(key + " (not defined in opset " + opset + ")", k -> new ArrayList<>())
                        .add(resolvedNames.get(i));
            }
        }
        if (!unsupported.isEmpty()) {
            throw new UnsupportedOnnxException("unsupported operators: " + describe(unsupported));
        }
        List<Integer> order = topologicalOrder(graph, needed, producer, resolvedNames);
        // slots: inputs, initializers, then node outputs in execution order
        Map<String, Integer> slots = new LinkedHashMap<>();
        for (ValueInfoDef v : realInputs) {
            slots.put(v.name(), slots.size());
        }
        for (var t : graph.initializers()) {
            slots.putIfAbsent(t.name(), slots.size());
        }
        for (int i : order) {
            for (String out : graph.nodes().get(i).outputs()) {
                if (!out.isEmpty()) {
                    slots.put(out, slots.size());
                }
            }
        }
        boolean[] staticSlot = new boolean[slots.size()];
        boolean[] determined = new boolean[slots.size()];
        for (ValueInfoDef v : realInputs) {
            determined[slots.get(v.name())] = true;
        }
        for (String name : inits) {
            int s = slots.get(name);
            determined[s] = true;
            staticSlot[s] = constantInitializers.contains(name);
        }
        List<GraphNode> nodes = new ArrayList<>();
        Map<String, List<String>> unsupportedUses = new TreeMap<>();
        for (int i : order) {
            NodeDef n = graph.nodes().get(i);
            OpEntry e = registry.find(n.opType());
            NodeSpec spec = new NodeSpec(resolvedNames.get(i), n.opType(), e.versionAt(opset), n.inputs(), n.outputs(),
                    n.attributes());
            int required = Arity.required(n.opType(), spec.version());
            for (int j = 0; j < required; j++) {
                if (!spec.hasInput(j)) {
                    throw new OnnxFormatException(spec.describe() + " needs at least " + required + " inputs, got "
                            + n.inputs() + " (input " + j + " is missing)");
                }
            }
            for (var a : n.attributes().values()) {
                if (a.hasGraph()) {
                    throw new UnsupportedOnnxException(spec.describe() + ": graph-valued attribute '" + a.name()
                            + "' (control flow) is not supported");
                }
            }
            Kernel k;
            try {
                k = e.factory().create(spec);
            } catch (UnsupportedOnnxException ex) {
                unsupportedUses.computeIfAbsent(ex.getMessage(), m -> new ArrayList<>()).add(spec.name());
                continue;
            } catch (OnnxException ex) {
                throw ex;
            } catch (RuntimeException ex) {
                // a malformed node (too few inputs, bad attribute values) surfaces here from the factory
                throw new OnnxFormatException(spec.describe() + ": " + ex, ex);
            }
            int[] ins = new int[n.inputs().size()];
            boolean allStatic = true;
            boolean allDetermined = true;
            boolean othersStatic = true;
            for (int j = 0; j < ins.length; j++) {
                String in = n.inputs().get(j);
                ins[j] = in.isEmpty() ? -1 : slots.get(in);
                if (ins[j] >= 0) {
                    allStatic &= staticSlot[ins[j]];
                    allDetermined &= determined[ins[j]];
                    if (j > 0) {
                        othersStatic &= staticSlot[ins[j]];
                    }
                }
            }
            int[] outs = new int[n.outputs().size()];
            for (int j = 0; j < outs.length; j++) {
                outs[j] = n.outputs().get(j).isEmpty() ? -1 : slots.get(n.outputs().get(j));
            }
            boolean shapeOf = (n.opType().equals("Shape") || n.opType().equals("Size")) && ins.length > 0
                    && ins[0] >= 0 && determined[ins[0]];
            boolean isStatic = shapeOf || (allStatic && !n.opType().equals("Dropout"));
            boolean outDetermined = isStatic || switch (e.shapeRule()) {
                case INPUT_SHAPES -> allDetermined;
                case FIRST_SHAPE_AND_OTHER_VALUES -> allDetermined && othersStatic;
                case INPUT_VALUES -> allStatic;
            };
            for (int o : outs) {
                if (o >= 0) {
                    staticSlot[o] = isStatic;
                    determined[o] = outDetermined;
                }
            }
            nodes.add(new GraphNode(n, spec, k, ins, outs, isStatic));
        }
        if (!unsupportedUses.isEmpty()) {
            throw new UnsupportedOnnxException("unsupported uses of operators: " + describe(unsupportedUses));
        }
        return new CompiledGraph(slots, nodes, realInputs, List.copyOf(outputNames), inits);
    }

    private static String describe(Map<String, List<String>> byKind) {
        StringBuilder sb = new StringBuilder();
        for (var e : byKind.entrySet()) {
            if (sb.length() > 0) {
                sb.append("; ");
            }
            List<String> names = e.getValue();
            sb.append(e.getKey()).append(" (node").append(names.size() > 1 ? "s " : " ")
                    .append(String.join(", ", names.size() > 8 ? names.subList(0, 8) : names))
                    .append(names.size() > 8 ? ", ... " + names.size() + " in all" : "").append(')');
        }
        return sb.toString();
    }

    /** Kahn's algorithm over the needed nodes; what is left over lies on or behind a cycle. */
    private static List<Integer> topologicalOrder(GraphDef graph, boolean[] needed, Map<String, Integer> producer,
                                                  List<String> names) {
        int n = needed.length;
        int[] pending = new int[n];
        List<List<Integer>> consumers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            consumers.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            if (!needed[i]) {
                continue;
            }
            for (String in : graph.nodes().get(i).inputs()) {
                Integer p = in.isEmpty() ? null : producer.get(in);
                if (p != null) {
                    pending[i]++;
                    consumers.get(p).add(i);
                }
            }
        }
        ArrayDeque<Integer> ready = new ArrayDeque<>();
        for (int i = 0; i < n; i++) {
            if (needed[i] && pending[i] == 0) {
                ready.add(i);
            }
        }
        List<Integer> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            int i = ready.poll();
            order.add(i);
            for (int c : consumers.get(i)) {
                if (--pending[c] == 0) {
                    ready.add(c);
                }
            }
        }
        int count = 0;
        for (boolean b : needed) {
            count += b ? 1 : 0;
        }
        if (order.size() != count) {
            List<String> stuck = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (needed[i] && pending[i] > 0) {
                    stuck.add(names.get(i));
                }
            }
            throw new OnnxFormatException("the graph has a cycle through node(s) "
                    + String.join(", ", stuck.size() > 10 ? stuck.subList(0, 10) : stuck));
        }
        return order;
    }

    /** @return tensor name to slot */
    public Map<String, Integer> slots() {
        return slots;
    }

    /** @return nodes in execution order */
    public List<GraphNode> nodes() {
        return nodes;
    }

    /** @return the graph inputs that are not initializers */
    public List<ValueInfoDef> inputs() {
        return inputs;
    }

    /** @return the outputs computed */
    public List<String> outputs() {
        return outputs;
    }

    /**
     * @param step a node index
     * @return the fusion that node belongs to (see {@link Fusions}), or null
     */
    public Fusion fusion(int step) {
        return fusionByNode[step];
    }

    /** @return the fusions found, in execution order of their last node */
    public List<Fusion> fusions() {
        List<Fusion> out = new ArrayList<>();
        for (int i = 0; i < fusionByNode.length; i++) {
            if (fusionByNode[i] != null && fusionByNode[i].last() == i) {
                out.add(fusionByNode[i]);
            }
        }
        return out;
    }

    /** @return {@link #lastUse()} when the fusions run: a slot a member reads lives until its fusion's last node */
    public int[] fusedLastUse() {
        return fusedLastUse;
    }

    /** @return for each slot, the index of the last node that reads it (MAX_VALUE for slots never dropped) */
    public int[] lastUse() {
        return lastUse;
    }
}
