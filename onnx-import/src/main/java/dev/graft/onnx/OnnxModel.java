package dev.graft.onnx;

import dev.graft.engine.GradMode;
import dev.graft.engine.Tensor;
import dev.graft.engine.Workspace;
import dev.graft.nn.Module;
import dev.graft.nn.Parameter;
import dev.graft.onnx.graph.CompiledGraph;
import dev.graft.onnx.graph.Fusion;
import dev.graft.onnx.graph.GraphNode;
import dev.graft.onnx.ops.OpRegistry;
import dev.graft.onnx.ops.RunContext;
import dev.graft.onnx.proto.AttributeDef;
import dev.graft.onnx.proto.Dim;
import dev.graft.onnx.proto.ModelDef;
import dev.graft.onnx.proto.NodeDef;
import dev.graft.onnx.proto.TensorDecoder;
import dev.graft.onnx.proto.TensorDef;
import dev.graft.onnx.proto.ValueInfoDef;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * An imported ONNX graph as an nn {@link Module}. Float initializers are {@link Parameter}s
 * (trainable until frozen), BatchNormalization running statistics are buffers, and running the
 * graph records the engine's autograd tape, so the model can be fine-tuned like any other module.
 *
 * <p>Parameter and buffer names are the ONNX initializer names with {@code '.'} replaced by
 * {@code '_'} (module names may not contain dots); {@link #onnxName(String)} and
 * {@link #moduleName(String)} translate. Shape computations (Shape, Gather, Concat, ... on
 * constants and input shapes) are folded once per distinct input shape and cached.
 * {@link #run(Map)} may be called from several threads at once in inference; training (which
 * updates BatchNorm buffers) is single-threaded, as for any module.
 */
public final class OnnxModel extends Module {

    private static final int STATIC_CACHE_ENTRIES = 8;

    private final ModelDef def;
    private final Path modelDir;
    private final int opset;
    private final CompiledGraph graph;
    private final Map<String, Value> decoded;
    private final Map<String, Parameter> params = new HashMap<>();
    private final Map<String, DataType> paramTypes = new HashMap<>();
    private final Set<String> bufferNames = new HashSet<>();
    private final Map<String, Value> constants = new HashMap<>();
    /** Per parameter, its value when last run without the tape and a view of it that does not require grad. */
    private final Map<String, Tensor[]> inferenceViews = new ConcurrentHashMap<>();
    /** Workspaces of finished inference runs, for the next ones (one per concurrent run). */
    private final Deque<Workspace> workspaces = new ConcurrentLinkedDeque<>();
    private final Map<String, String> toModule = new LinkedHashMap<>();
    private final Map<String, String> toOnnx = new LinkedHashMap<>();
    private final Map<String, Map<Integer, Value>> staticCache = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<Integer, Value>> eldest) {
            return size() > STATIC_CACHE_ENTRIES;
        }
    };
    private final Random random = new Random(0);
    private final Map<String, GraphNode> nodesByName = new LinkedHashMap<>();

    OnnxModel(ModelDef def, Path modelDir) {
        this(def, modelDir, null, null);
    }

    private OnnxModel(ModelDef def, Path modelDir, Map<String, Value> decodedInitializers, List<String> outputs) {
        this.def = def;
        this.modelDir = modelDir;
        this.opset = checkOpset(def);
        if (def.graph().sparseInitializerCount() > 0) {
            throw new UnsupportedOnnxException("sparse initializers are not supported ("
                    + def.graph().sparseInitializerCount() + " present)");
        }
        this.decoded = decodedInitializers != null ? decodedInitializers : decodeInitializers(def, modelDir);
        Set<String> constantNames = new HashSet<>();
        for (var e : decoded.entrySet()) {
            if (e.getValue().kind() != DataType.Kind.FLOAT) {
                constantNames.add(e.getKey());
            }
        }
        List<String> outs = outputs;
        if (outs == null) {
            outs = new ArrayList<>();
            for (ValueInfoDef v : def.graph().outputs()) {
                outs.add(v.name());
            }
            if (outs.isEmpty()) {
                throw new OnnxFormatException("the graph declares no outputs");
            }
        }
        checkDeclaredTypes(def);
        this.graph = CompiledGraph.compile(def.graph(), opset, constantNames, outs);
        registerState(outputs == null);
        for (GraphNode n : graph.nodes()) {
            nodesByName.put(n.spec().name(), n);
        }
    }

    private static int checkOpset(ModelDef def) {
        Long v = def.opsets().get("");
        if (v == null) {
            if (def.opsets().isEmpty() && def.irVersion() < 3) {
                throw new UnsupportedOnnxException("the model imports no operator set (IR version " + def.irVersion()
                        + "); opsets " + OpRegistry.MIN_OPSET + " to " + OpRegistry.MAX_OPSET + " are supported");
            }
            throw new UnsupportedOnnxException("the model imports only the operator sets " + def.opsets().keySet()
                    + "; graft implements the default ONNX domain only");
        }
        if (v < OpRegistry.MIN_OPSET || v > OpRegistry.MAX_OPSET) {
            throw new UnsupportedOnnxException("the model uses ONNX opset " + v + "; opsets " + OpRegistry.MIN_OPSET
                    + " to " + OpRegistry.MAX_OPSET + " are supported");
        }
        return v.intValue();
    }

    /** Graph inputs and outputs must be tensors of a type graft can hold. */
    private static void checkDeclaredTypes(ModelDef def) {
        List<String> bad = new ArrayList<>();
        List<ValueInfoDef> io = new ArrayList<>(def.graph().inputs());
        io.addAll(def.graph().outputs());
        for (ValueInfoDef v : io) {
            if (!v.isTensor()) {
                bad.add("'" + v.name() + "' (not a tensor)");
            } else if (v.elemType() != 0 && DataType.fromCode(v.elemType()).kind() == DataType.Kind.UNSUPPORTED) {
                bad.add("'" + v.name() + "' (" + DataType.fromCode(v.elemType()) + ")");
            }
        }
        if (!bad.isEmpty()) {
            throw new UnsupportedOnnxException("unsupported graph input or output types: " + String.join(", ", bad));
        }
    }

    private static Map<String, Value> decodeInitializers(ModelDef def, Path dir) {
        Map<String, Value> out = new LinkedHashMap<>();
        for (TensorDef t : def.graph().initializers()) {
            if (out.put(t.name(), TensorDecoder.decode(t, dir)) != null) {
                throw new OnnxFormatException("initializer '" + t.name() + "' is defined twice");
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * Registers float initializers as parameters, BatchNorm statistics as buffers: all of them for
     * a whole model, only those the kept nodes read for a cut one.
     */
    private void registerState(boolean all) {
        Set<String> used = new LinkedHashSet<>();
        if (all) {
            used.addAll(decoded.keySet());
        }
        Set<String> runningStats = new HashSet<>();
        for (GraphNode n : graph.nodes()) {
            for (String in : n.def().inputs()) {
                if (decoded.containsKey(in)) {
                    used.add(in);
                }
            }
            if (n.def().opType().equals("BatchNormalization") && n.def().inputs().size() >= 5) {
                runningStats.add(n.def().inputs().get(3));
                runningStats.add(n.def().inputs().get(4));
            }
        }
        for (String out : graph.outputs()) {
            if (decoded.containsKey(out)) {
                used.add(out);
            }
        }
        Set<String> taken = new HashSet<>();
        for (String name : used) {
            Value v = decoded.get(name);
            if (v.kind() != DataType.Kind.FLOAT) {
                constants.put(name, v);
                continue;
            }
            String moduleName = uniqueName(name, taken);
            toModule.put(name, moduleName);
            toOnnx.put(moduleName, name);
            if (runningStats.contains(name)) {
                registerBuffer(moduleName, v.floatTensor());
                bufferNames.add(name);
            } else {
                params.put(name, registerParameter(moduleName, v.floatTensor()));
            }
            paramTypes.put(name, v.type());
        }
    }

    private static String uniqueName(String onnxName, Set<String> taken) {
        String base = onnxName.replace('.', '_');
        if (base.isEmpty()) {
            base = "initializer";
        }
        String name = base;
        for (int k = 2; !taken.add(name); k++) {
            name = base + "_" + k;
        }
        return name;
    }

    // ---------------------------------------------------------------- description

    /** @return the default-domain opset the model imports */
    public int opset() {
        return opset;
    }

    /** @return the declared inputs that must be fed (initializers excluded) */
    public List<TensorInfo> inputs() {
        List<TensorInfo> out = new ArrayList<>();
        for (ValueInfoDef v : graph.inputs()) {
            out.add(info(v));
        }
        return out;
    }

    /** @return the declared graph outputs (a cut model returns its cut tensor instead) */
    public List<TensorInfo> declaredOutputs() {
        List<TensorInfo> out = new ArrayList<>();
        for (ValueInfoDef v : def.graph().outputs()) {
            out.add(info(v));
        }
        return out;
    }

    /** @return the names of the outputs {@link #run(Map)} returns */
    public List<String> outputNames() {
        return graph.outputs();
    }

    private static TensorInfo info(ValueInfoDef v) {
        DataType type = v.elemType() == 0 ? null : DataType.fromCode(v.elemType());
        return new TensorInfo(v.name(), type, v.dims() == null ? null : List.copyOf(v.dims()));
    }

    /** @return every node in execution order */
    public List<NodeInfo> nodes() {
        List<NodeInfo> out = new ArrayList<>();
        for (GraphNode n : graph.nodes()) {
            out.add(nodeInfo(n));
        }
        return out;
    }

    /**
     * @param name a node name
     * @return that node
     * @throws IllegalArgumentException if there is no such node
     */
    public NodeInfo node(String name) {
        GraphNode n = nodesByName.get(name);
        if (n == null) {
            throw new IllegalArgumentException("no node named '" + name + "' in the model (it has " + nodesByName.size()
                    + " nodes; see nodes())");
        }
        return nodeInfo(n);
    }

    private static NodeInfo nodeInfo(GraphNode n) {
        NodeDef d = n.def();
        return new NodeInfo(n.spec().name(), d.opType(), n.spec().version(), d.inputs(), d.outputs(),
                d.attributes().keySet());
    }

    /**
     * @param moduleName a parameter or buffer name as {@link #namedParameters()} shows it
     * @return the ONNX initializer name
     */
    public String onnxName(String moduleName) {
        String n = toOnnx.get(moduleName);
        if (n == null) {
            throw new IllegalArgumentException("no parameter or buffer named '" + moduleName + "'");
        }
        return n;
    }

    /**
     * @param onnxName an ONNX initializer name
     * @return the parameter or buffer name in this module
     */
    public String moduleName(String onnxName) {
        String n = toModule.get(onnxName);
        if (n == null) {
            throw new IllegalArgumentException("no float initializer named '" + onnxName + "' in the model");
        }
        return n;
    }

    /**
     * @param onnxName an ONNX initializer name
     * @return the parameter holding it
     * @throws IllegalArgumentException if it is not a parameter (absent, integer, or a running statistic)
     */
    public Parameter parameter(String onnxName) {
        Parameter p = params.get(onnxName);
        if (p == null) {
            throw new IllegalArgumentException("no parameter for initializer '" + onnxName + "'");
        }
        return p;
    }

    // ---------------------------------------------------------------- export view

    /** @return the IR version of the file the model was read from */
    public long irVersion() {
        return def.irVersion();
    }

    /**
     * The nodes that compute {@link #outputNames()}, as read from the file, in execution order (a
     * topological order), for re-encoding by {@link dev.graft.onnx.export.OnnxExport}. Tensor
     * attributes stored as external data come back inline.
     *
     * @return the kept nodes, unmodifiable
     */
    public List<NodeDef> nodeDefs() {
        List<NodeDef> out = new ArrayList<>();
        for (GraphNode n : graph.nodes()) {
            out.add(inlineExternalAttributes(n.def()));
        }
        return Collections.unmodifiableList(out);
    }

    private NodeDef inlineExternalAttributes(NodeDef d) {
        boolean external = false;
        for (AttributeDef a : d.attributes().values()) {
            external |= a.t() != null && a.t().externalData() != null;
            for (TensorDef t : a.tensors()) {
                external |= t.externalData() != null;
            }
        }
        if (!external) {
            return d;
        }
        Map<String, AttributeDef> attrs = new LinkedHashMap<>();
        for (AttributeDef a : d.attributes().values()) {
            List<TensorDef> tensors = new ArrayList<>();
            for (TensorDef t : a.tensors()) {
                tensors.add(TensorDecoder.inlineExternal(t, modelDir));
            }
            attrs.put(a.name(), new AttributeDef(a.name(), a.type(), a.f(), a.i(), a.s(),
                    a.t() == null ? null : TensorDecoder.inlineExternal(a.t(), modelDir), a.floats(), a.ints(),
                    a.strings(), tensors, a.hasGraph()));
        }
        return new NodeDef(d.name(), d.opType(), d.domain(), d.inputs(), d.outputs(), attrs);
    }

    /**
     * The initializers the kept nodes read (and any output that is an initializer), in file order,
     * with their current values: parameters and BatchNorm running statistics as trained, integer
     * constants as loaded. Each value keeps the element type the file declared (a float16
     * parameter is held as float32 but typed {@link DataType#FLOAT16}). Initializers only the cut-off
     * part of the graph read are left out.
     *
     * @return ONNX initializer name to value, unmodifiable
     */
    public Map<String, Value> initializers() {
        Set<String> used = new HashSet<>(graph.outputs());
        for (GraphNode n : graph.nodes()) {
            used.addAll(n.def().inputs());
        }
        Map<String, Value> out = new LinkedHashMap<>();
        for (String name : decoded.keySet()) {
            if (!used.contains(name)) {
                continue;
            }
            Parameter p = params.get(name);
            if (p != null) {
                out.put(name, Value.of(p.value().detach(), paramTypes.get(name)));
            } else if (bufferNames.contains(name)) {
                out.put(name, Value.of(buffer(toModule.get(name)), paramTypes.get(name)));
            } else {
                out.put(name, constants.getOrDefault(name, decoded.get(name)));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * @return the outputs {@link #run(Map)} returns, each with the element type and shape the file
     *     declares for it (as a graph output or in {@code value_info}); type and dims are null when
     *     the file declares none, as for most cut points
     */
    public List<TensorInfo> outputs() {
        Map<String, ValueInfoDef> declared = new HashMap<>();
        for (ValueInfoDef v : def.graph().valueInfo()) {
            declared.put(v.name(), v);
        }
        for (ValueInfoDef v : def.graph().inputs()) {
            declared.put(v.name(), v);
        }
        for (ValueInfoDef v : def.graph().outputs()) {
            declared.put(v.name(), v);
        }
        List<TensorInfo> out = new ArrayList<>();
        for (String name : graph.outputs()) {
            ValueInfoDef v = declared.get(name);
            out.add(v != null && v.isTensor() ? info(v) : new TensorInfo(name, null, null));
        }
        return out;
    }

    // ---------------------------------------------------------------- running

    /**
     * The op chains that inference (gradient recording off) runs as single fused engine ops, by
     * kind: {@code attention}, {@code feedForward}, {@code gelu}, {@code layerNorm}, {@code linear},
     * {@code linearGelu}. With recording on, every node runs as written.
     *
     * @return kind to number of chains, in order of first occurrence
     */
    public Map<String, Integer> fusedChains() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Fusion f : graph.fusions()) {
            out.merge(f.kind(), 1, Integer::sum);
        }
        return out;
    }

    /**
     * The nodes that inference runs inside fused chains, by kind of chain (see {@link #fusedChains()}).
     *
     * @return kind to number of member nodes, in order of first occurrence
     */
    public Map<String, Integer> fusedNodes() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Fusion f : graph.fusions()) {
            out.merge(f.kind(), f.members().length, Integer::sum);
        }
        return out;
    }

    /**
     * Runs a single-input model and returns its first output.
     *
     * @throws IllegalStateException if the model has more than one input or its first output is not floating
     */
    @Override
    public Tensor forward(Tensor input) {
        if (graph.inputs().size() != 1) {
            throw new IllegalStateException("forward(Tensor) needs a model with one input; this one has "
                    + graph.inputs().size() + ": " + inputNames() + " (use run(Map))");
        }
        Map<String, Value> in = Map.of(graph.inputs().get(0).name(), Value.of(input));
        return run(in).get(graph.outputs().get(0)).floatTensor();
    }

    /**
     * Runs the model on float inputs given in declaration order, returning every output as a float tensor.
     */
    public List<Tensor> forwardAll(Tensor... inputs) {
        if (inputs.length != graph.inputs().size()) {
            throw new IllegalArgumentException("model has " + graph.inputs().size() + " inputs " + inputNames() + ", got "
                    + inputs.length);
        }
        Map<String, Value> in = new LinkedHashMap<>();
        for (int i = 0; i < inputs.length; i++) {
            in.put(graph.inputs().get(i).name(), Value.of(inputs[i]));
        }
        List<Tensor> out = new ArrayList<>();
        for (Value v : run(in).values()) {
            out.add(v.toFloat());
        }
        return out;
    }

    private List<String> inputNames() {
        List<String> names = new ArrayList<>();
        for (ValueInfoDef v : graph.inputs()) {
            names.add(v.name());
        }
        return names;
    }

    /**
     * Runs the graph. With gradient recording off, chains of nodes run as fused kernels (see
     * {@link #fusedChains()}) whose results live in a {@link Workspace}: an intermediate's array is
     * reused by a later result of the same size once no node will read it, and the arrays of one
     * run serve the next (the model keeps about its largest live intermediates between runs). The
     * returned values are never reused.
     *
     * @param inputs a value for every declared input, by name
     * @return every output by name, in declaration order
     * @throws IllegalArgumentException if an input is missing, unknown, or of the wrong type or shape
     * @throws OnnxException naming the node if a node fails
     */
    public Map<String, Value> run(Map<String, Value> inputs) {
        Value[] slots = new Value[graph.slots().size()];
        StringBuilder key = new StringBuilder();
        for (ValueInfoDef v : graph.inputs()) {
            Value given = inputs.get(v.name());
            if (given == null) {
                throw new IllegalArgumentException("missing input '" + v.name() + "'; the model needs " + inputNames());
            }
            checkInput(v, given);
            slots[graph.slots().get(v.name())] = given;
            key.append(given.type()).append(Arrays.toString(given.shape())).append(';');
        }
        for (String name : inputs.keySet()) {
            if (!inputNames().contains(name)) {
                throw new IllegalArgumentException("unknown input '" + name + "'; the model's inputs are " + inputNames());
            }
        }
        for (var e : graph.slots().entrySet()) {
            String name = e.getKey();
            Parameter p = params.get(name);
            if (p != null) {
                slots[e.getValue()] = Value.of(valueForRun(name, p), paramTypes.get(name));
            } else if (bufferNames.contains(name)) {
                slots[e.getValue()] = Value.of(buffer(toModule.get(name)), paramTypes.get(name));
            } else if (constants.containsKey(name)) {
                slots[e.getValue()] = constants.get(name);
            }
        }
        Map<Integer, Value> cached;
        synchronized (staticCache) {
            cached = staticCache.get(key.toString());
        }
        Map<Integer, Value> fresh = cached == null ? new HashMap<>() : null;
        // fused chains (attention, GELU, layer norm, linear) record no gradient: inference only
        boolean fuse = !GradMode.isEnabled();
        int[] lastUse = fuse ? graph.fusedLastUse() : graph.lastUse();
        RunContext ctx = context();
        // the fused kernels' results are recycled along the run and from run to run
        Workspace ws = fuse ? workspace() : null;
        try (Workspace.Run ignored = ws == null ? null : ws.open()) {
            runNodes(slots, cached, fresh, fuse, lastUse, ctx, ws);
        } finally {
            if (ws != null) {
                workspaces.push(ws);
            }
        }
        if (fresh != null && !fresh.isEmpty()) {
            synchronized (staticCache) {
                staticCache.put(key.toString(), fresh);
            }
        }
        Map<String, Value> result = new LinkedHashMap<>();
        for (String o : graph.outputs()) {
            Value v = slots[graph.slots().get(o)];
            if (v == null) {
                v = inputs.get(o);
            }
            result.put(o, v);
        }
        return result;
    }

    /** Runs every node in order, or takes a static node's outputs from {@code cached}. */
    private void runNodes(Value[] slots, Map<Integer, Value> cached, Map<Integer, Value> fresh, boolean fuse,
                          int[] lastUse, RunContext ctx, Workspace ws) {
        int step = -1;
        for (GraphNode n : graph.nodes()) {
            step++;
            if (cached != null && n.isStatic()) {
                for (int o : n.outputSlots()) {
                    if (o >= 0) {
                        slots[o] = cached.get(o);
                    }
                }
                continue;
            }
            Fusion f = fuse ? graph.fusion(step) : null;
            if (f == null) {
                runNode(n, slots, ctx, fresh, ws);
                drop(n, slots, lastUse, step, ws);
            } else if (f.last() == step) {
                runFusion(f, slots, ctx, fresh, lastUse, ws);
            }
        }
    }

    private Workspace workspace() {
        Workspace ws = workspaces.poll();
        return ws != null ? ws : new Workspace();
    }

    /** Fills a slot, telling the workspace, if any, that the slot now holds {@code v}. */
    private static void put(Value[] slots, int slot, Value v, Workspace ws) {
        slots[slot] = v;
        if (ws != null && v != null && v.kind() == DataType.Kind.FLOAT) {
            ws.hold(v.floatTensor());
        }
    }

    /** Empties a slot, telling the workspace, if any, that the slot let go of its value. */
    private static void clear(Value[] slots, int slot, Workspace ws) {
        Value v = slots[slot];
        slots[slot] = null;
        if (ws != null && v != null && v.kind() == DataType.Kind.FLOAT) {
            ws.letGo(v.floatTensor());
        }
    }

    /**
     * A parameter's value as this run reads it. Without the tape, it is a view that does not
     * require grad, the same view for as long as the parameter keeps its value: kernels keep data
     * derived from such tensors (a convolution's packed weights), so inference packs the weights
     * once instead of on every run.
     */
    private Tensor valueForRun(String name, Parameter p) {
        Tensor v = p.value();
        if (GradMode.isEnabled() || !v.requiresGrad()) {
            return v;
        }
        Tensor[] sourceAndView = inferenceViews.get(name);
        if (sourceAndView == null || sourceAndView[0] != v) {
            sourceAndView = new Tensor[] {v, v.detach()};
            inferenceViews.put(name, sourceAndView);
        }
        return sourceAndView[1];
    }

    /** Runs one node: reads its inputs from the slots, writes its outputs there. */
    private void runNode(GraphNode n, Value[] slots, RunContext ctx, Map<Integer, Value> fresh, Workspace ws) {
        Value[] in = new Value[n.inputSlots().length];
        for (int j = 0; j < in.length; j++) {
            in[j] = n.inputSlots()[j] < 0 ? null : slots[n.inputSlots()[j]];
        }
        Value[] out;
        try {
            out = n.kernel().run(in, ctx);
        } catch (OnnxException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new OnnxException(n.spec().describe() + " failed on inputs " + describe(in) + ": " + e.getMessage(), e);
        }
        int[] os = n.outputSlots();
        for (int j = 0; j < os.length; j++) {
            if (os[j] < 0) {
                continue;
            }
            if (j >= out.length) {
                throw new UnsupportedOnnxException(n.spec().describe() + ": output " + j + " ('"
                        + n.def().outputs().get(j) + "') is not produced by graft's implementation");
            }
            put(slots, os[j], out[j], ws);
            if (fresh != null && n.isStatic()) {
                fresh.put(os[j], out[j]);
            }
        }
    }

    /** Drops the intermediates no later node reads, so inference holds only live tensors. */
    private static void drop(GraphNode n, Value[] slots, int[] lastUse, int step, Workspace ws) {
        for (int used : n.inputSlots()) {
            if (used >= 0 && lastUse[used] == step) {
                clear(slots, used, ws);
            }
        }
    }

    /**
     * Runs a fused chain at its last node: the fused op if it accepts the inputs, else its member
     * nodes one by one (they were skipped, so everything they read is still in the slots).
     */
    private void runFusion(Fusion f, Value[] slots, RunContext ctx, Map<Integer, Value> fresh, int[] lastUse, Workspace ws) {
        Value[] in = new Value[f.inputSlots().length];
        for (int j = 0; j < in.length; j++) {
            in[j] = f.inputSlots()[j] < 0 ? null : slots[f.inputSlots()[j]];
        }
        Value out;
        try {
            out = f.kernel().run(in);
        } catch (RuntimeException e) {
            throw new OnnxException("fused " + f.kind() + " ending at " + graph.nodes().get(f.last()).spec().describe()
                    + " failed on inputs " + describe(in) + ": " + e.getMessage(), e);
        }
        if (out != null) {
            put(slots, f.outputSlot(), out, ws);
        } else {
            for (int m : f.members()) {
                runNode(graph.nodes().get(m), slots, ctx, fresh, ws);
            }
        }
        // what the members were the last readers of is dead now
        for (int m : f.members()) {
            for (int used : graph.nodes().get(m).inputSlots()) {
                if (used >= 0 && lastUse[used] == f.last()) {
                    clear(slots, used, ws);
                }
            }
        }
    }

    private static String describe(Value[] in) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < in.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(in[i] == null ? "absent" : in[i].toString());
        }
        return sb.append(')').toString();
    }

    private void checkInput(ValueInfoDef v, Value given) {
        if (v.elemType() != 0) {
            DataType declared = DataType.fromCode(v.elemType());
            if (declared.kind() != given.kind()) {
                throw new IllegalArgumentException("input '" + v.name() + "' is declared " + declared + ", got " + given.type());
            }
        }
        if (v.dims() == null) {
            return;
        }
        int[] s = given.shape();
        if (s.length != v.dims().size()) {
            throw new IllegalArgumentException("input '" + v.name() + "' is declared with shape " + v.dims()
                    + ", got " + Arrays.toString(s));
        }
        for (int i = 0; i < s.length; i++) {
            Dim d = v.dims().get(i);
            if (d.isFixed() && d.value() != s[i]) {
                throw new IllegalArgumentException("input '" + v.name() + "' is declared with shape " + v.dims()
                        + ", got " + Arrays.toString(s) + " (dimension " + i + ")");
            }
        }
    }

    private RunContext context() {
        return new RunContext() {
            @Override
            public boolean training() {
                return isTraining();
            }

            @Override
            public boolean isParameter(String tensorName) {
                return params.containsKey(tensorName);
            }

            @Override
            public boolean isTrainable(String tensorName) {
                Parameter p = params.get(tensorName);
                return p != null && p.trainable();
            }

            @Override
            public void updateBuffer(String tensorName, Tensor value) {
                if (bufferNames.contains(tensorName)) {
                    setBuffer(toModule.get(tensorName), value);
                }
            }

            @Override
            public Random random() {
                return random;
            }
        };
    }

    // ---------------------------------------------------------------- cutting

    /**
     * A backbone: the part of the graph that computes {@code tensorName}, returning it as the
     * only output. Parameters and buffers are copied with their current values and trainable
     * flags; the new model is independent of this one.
     *
     * @param tensorName any tensor in the graph (a node output, an input or an initializer), or the
     *                   name of a node, meaning its first output
     * @throws OnnxFormatException if no such tensor or node exists
     */
    public OnnxModel cut(String tensorName) {
        String target = tensorName;
        if (!graph.slots().containsKey(tensorName) && nodesByName.containsKey(tensorName)) {
            target = nodesByName.get(tensorName).def().outputs().get(0);
        }
        OnnxModel m = new OnnxModel(def, modelDir, decoded, List.of(target));
        for (var e : m.params.entrySet()) {
            Parameter mine = params.get(e.getKey());
            if (mine != null) {
                e.getValue().set(mine.value());
                e.getValue().setTrainable(mine.trainable());
            }
        }
        for (String b : m.bufferNames) {
            if (bufferNames.contains(b)) {
                m.setBuffer(m.toModule.get(b), buffer(toModule.get(b)));
            }
        }
        if (!isTraining()) {
            m.eval();
        }
        return m;
    }

    @Override
    public String toString() {
        return "OnnxModel(opset " + opset + ", " + graph.nodes().size() + " nodes, inputs " + inputNames()
                + ", outputs " + graph.outputs() + ")";
    }
}
