package dev.graft.onnx.export;

import static dev.graft.onnx.export.GraphBuilder.attr;

import com.google.protobuf.CodedOutputStream;
import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import dev.graft.onnx.DataType;
import dev.graft.onnx.OnnxImporter;
import dev.graft.onnx.OnnxModel;
import dev.graft.onnx.TensorInfo;
import dev.graft.onnx.Value;
import dev.graft.onnx.ops.OpRegistry;
import dev.graft.onnx.proto.Dim;
import dev.graft.onnx.proto.Message;
import dev.graft.onnx.proto.ModelWriter;
import dev.graft.onnx.proto.NodeDef;
import dev.graft.onnx.proto.TensorEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes a fine-tuned model as a self-contained ONNX file: an imported graph (possibly
 * {@linkplain OnnxModel#cut cut}) with its current parameter and buffer values, followed by nn
 * modules, or a pure nn model.
 *
 * <pre>{@code
 * OnnxModel backbone = OnnxImporter.load(Path.of("resnet18.onnx")).cut("/avgpool/GlobalAveragePool_output_0");
 * Sequential head = new Sequential(new Flatten(), new Linear(512, 5, new Random(0)));
 * // ... fine-tune ...
 * OnnxExport.from(backbone).then(head).outputName("logits").write(Path.of("classifier.onnx"));
 *
 * OnnxExport.from(model, "images", 1, 1, 28, 28).write(Path.of("cnn.onnx"));   // batch dimension becomes "N"
 * }</pre>
 *
 * <p>The imported graph keeps its inputs (with their symbolic dimensions), its nodes with every
 * attribute, its opset and its initializer names; initializers the cut no longer reads are
 * dropped. Modules are written with eval-mode semantics whatever their current mode: Dropout and
 * Identity vanish and BatchNorm uses its running statistics. Values are read when the file is
 * written, so a builder can be kept and written again after more training. Weights are written
 * inline as little-endian {@code raw_data}; models above 2 GiB, which would need external data
 * files, are refused.
 */
public final class OnnxExport {

    /** The opset of a pure nn model unless {@link #opset(int)} says otherwise. */
    public static final int DEFAULT_OPSET = 17;
    /** The oldest opset a pure nn model can be written at (numpy-style broadcasting). */
    public static final int MIN_OPSET = 7;

    private static final String PRODUCER = "graft";

    private final OnnxModel graph;
    private final Module model;
    private final String inputName;
    private final int[] sampleShape;
    private final List<Module> heads = new ArrayList<>();
    private String outputName;
    private int opset = DEFAULT_OPSET;
    private long maxBytes = OnnxImporter.MAX_FILE_BYTES;

    private OnnxExport(OnnxModel graph, Module model, String inputName, int[] sampleShape) {
        this.graph = graph;
        this.model = model;
        this.inputName = inputName;
        this.sampleShape = sampleShape;
    }

    /**
     * Starts from an imported graph: its inputs are the file's inputs, its nodes are written as
     * they were read, with the current values of its parameters and BatchNorm statistics.
     *
     * @param graph the model, whole or cut
     * @return the builder
     */
    public static OnnxExport from(OnnxModel graph) {
        if (graph == null) {
            throw new IllegalArgumentException("OnnxExport.from: graph is null");
        }
        return new OnnxExport(graph, null, null, null);
    }

    /**
     * Starts from a pure nn model (trained from scratch, say) with one float input. An
     * {@link OnnxModel} passed here is exported as by {@link #from(OnnxModel)}, with its own inputs.
     *
     * @param model the model
     * @param inputName the name of the file's input
     * @param sampleShape a shape the model accepts, batch dimension first; the file declares the
     *     batch dimension as the symbolic {@code "N"} (its value here does not matter) and the
     *     others as given. The model runs on zeros at batch sizes 1 and 2 (in eval mode, each
     *     module's mode restored afterwards) to find its output shape.
     * @return the builder
     */
    public static OnnxExport from(Module model, String inputName, int... sampleShape) {
        if (model == null) {
            throw new IllegalArgumentException("OnnxExport.from: model is null");
        }
        if (model instanceof OnnxModel m) {
            return from(m);
        }
        if (inputName == null || inputName.isEmpty()) {
            throw new IllegalArgumentException("OnnxExport.from: the input needs a non-empty name");
        }
        if (sampleShape == null || sampleShape.length < 1) {
            throw new IllegalArgumentException("OnnxExport.from: sampleShape needs at least the batch dimension");
        }
        for (int d : sampleShape) {
            if (d < 1) {
                throw new IllegalArgumentException("OnnxExport.from: sampleShape " + Arrays.toString(sampleShape)
                        + " has a dimension below 1");
            }
        }
        return new OnnxExport(null, model, inputName, sampleShape.clone());
    }

    /**
     * Appends modules after what is there (several calls chain).
     *
     * @param head the modules; a {@code Sequential} is followed recursively
     * @return this
     * @throws OnnxExportException if the imported graph has several outputs (cut it at the one the head reads)
     */
    public OnnxExport then(Module head) {
        if (head == null) {
            throw new IllegalArgumentException("OnnxExport.then: head is null");
        }
        if (graph != null && graph.outputNames().size() != 1) {
            throw new OnnxExportException("a head needs a graph with a single output; this one has "
                    + graph.outputNames() + ": cut it first, e.g. graph.cut(\"" + graph.outputNames().get(0) + "\")");
        }
        heads.add(head);
        return this;
    }

    /**
     * Names the file's output (by default the head's output is {@code "output"} and an imported
     * graph's outputs keep their names).
     *
     * @param name the output tensor name
     * @return this
     */
    public OnnxExport outputName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("OnnxExport.outputName: the name must be non-empty");
        }
        outputName = name;
        return this;
    }

    /**
     * Chooses the opset of a pure nn model (default {@value #DEFAULT_OPSET}); layers whose operator
     * is newer are composed from older ones. An imported graph always keeps its own opset.
     *
     * @param version from {@value #MIN_OPSET} to the newest opset graft reads
     * @return this
     */
    public OnnxExport opset(int version) {
        if (graph != null) {
            throw new OnnxExportException("an imported graph is written at its own opset (" + graph.opset()
                    + "): its nodes' semantics depend on it");
        }
        if (version < MIN_OPSET || version > OpRegistry.MAX_OPSET) {
            throw new IllegalArgumentException("OnnxExport.opset: " + version + " is outside " + MIN_OPSET + ".."
                    + OpRegistry.MAX_OPSET);
        }
        opset = version;
        return this;
    }

    /** Lowers the size limit, so that tests can reach it without allocating gigabytes. */
    OnnxExport maxBytes(long limit) {
        maxBytes = limit;
        return this;
    }

    /**
     * @return the serialized ModelProto
     * @throws OnnxExportException if a module cannot be expressed or the model is too large
     */
    public byte[] toBytes() {
        Message m = build();
        byte[] out = new byte[(int) m.size()];
        CodedOutputStream cos = CodedOutputStream.newInstance(out);
        try {
            m.writeTo(cos);
        } catch (IOException e) {
            throw new IllegalStateException("encoding into memory failed", e);
        }
        cos.checkNoSpaceLeft();
        return out;
    }

    /**
     * Writes the file atomically: into a temporary file beside it, then renamed over it, so a
     * reader never sees a partial model and a failed write leaves any previous file intact.
     *
     * @param out the {@code .onnx} file to create or replace
     * @throws IOException naming the path if it cannot be written
     * @throws OnnxExportException if a module cannot be expressed or the model is too large
     */
    public void write(Path out) throws IOException {
        Message m = build();
        Path target = out.toAbsolutePath();
        Path dir = target.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException("cannot write ONNX model to " + out + ": folder " + dir
                    + (dir != null && Files.exists(dir) ? " is not a folder" : " does not exist"));
        }
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        } catch (IOException e) {
            throw new IOException("cannot write ONNX model to " + out + ": " + e, e);
        }
        try {
            try (OutputStream os = Files.newOutputStream(tmp)) {
                CodedOutputStream cos = CodedOutputStream.newInstance(os, 1 << 16);
                m.writeTo(cos);
                cos.flush();
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new IOException("cannot write ONNX model to " + out + ": " + e, e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    // ---------------------------------------------------------------- assembling the graph

    /** The graph's parts, before encoding. */
    private record Parts(long irVersion, int opset, GraphBuilder graph, List<TensorInfo> inputs,
                         List<TensorInfo> outputs) {
    }

    private Message build() {
        Parts p = graph != null ? fromGraph() : fromModel();
        GraphBuilder g = p.graph();
        List<Message> nodes = new ArrayList<>();
        for (NodeDef n : g.nodes()) {
            nodes.add(ModelWriter.node(n));
        }
        List<Message> inits = new ArrayList<>();
        for (var e : g.initializers().entrySet()) {
            inits.add(TensorEncoder.encode(e.getKey(), e.getValue()));
        }
        List<Message> inputs = new ArrayList<>();
        for (TensorInfo t : p.inputs()) {
            inputs.add(ModelWriter.valueInfo(t.name(), t.type() == null ? 0 : t.type().code(), t.dims()));
        }
        List<Message> outputs = new ArrayList<>();
        for (TensorInfo t : p.outputs()) {
            outputs.add(ModelWriter.valueInfo(t.name(), t.type() == null ? 0 : t.type().code(), t.dims()));
        }
        Message model = ModelWriter.model(p.irVersion(), Map.of("", (long) p.opset()), PRODUCER, "",
                ModelWriter.graph("graft", nodes, inits, inputs, outputs));
        if (model.size() > maxBytes) {
            throw new OnnxExportException("the model needs " + model.size() + " bytes, more than the " + maxBytes
                    + " a single ONNX file can hold (protobuf messages are limited to 2 GiB); graft does not write"
                    + " external data files");
        }
        return model;
    }

    private Parts fromGraph() {
        GraphBuilder g = new GraphBuilder(graph.opset());
        List<TensorInfo> inputs = graph.inputs();
        g.reserve(inputs.stream().map(TensorInfo::name).toList());
        List<NodeDef> nodes = graph.nodeDefs();
        var values = graph.initializers();
        g.addImported(nodes, values);
        ElementTypes types = new ElementTypes(inputs, values, nodes);
        List<TensorInfo> declared = graph.outputs();
        List<List<Dim>> probed = declared.stream().allMatch(o -> o.dims() != null) && heads.isEmpty() ? null
                : probeGraph(inputs);
        long ir = Math.max(4, graph.irVersion());
        if (heads.isEmpty()) {
            List<TensorInfo> outputs = new ArrayList<>();
            for (int i = 0; i < declared.size(); i++) {
                TensorInfo o = declared.get(i);
                outputs.add(new TensorInfo(o.name(), o.type() != null ? o.type() : types.of(o.name()),
                        o.dims() != null || probed == null ? o.dims() : probed.get(i)));
            }
            if (outputName != null) {
                if (outputs.size() != 1) {
                    throw new OnnxExportException("outputName needs a single output; the graph has " + graph.outputNames());
                }
                TensorInfo o = outputs.get(0);
                outputs = List.of(new TensorInfo(name(g, o.name(), false, inputs), o.type(), o.dims()));
            }
            return new Parts(ir, graph.opset(), g, inputs, outputs);
        }
        TensorInfo o = declared.get(0);
        DataType type = o.type() != null ? o.type() : types.of(o.name());
        String x = o.name();
        if (type != null && type != DataType.FLOAT) {
            // nn modules compute in float32, as OnnxModel.forwardAll hands them its outputs
            x = g.op(new Site("", graph), "Cast", List.of(x), attr("to", DataType.FLOAT.code()));
        }
        int rank = o.dims() != null ? o.dims().size() : probed != null && probed.get(0) != null ? probed.get(0).size() : -1;
        ModuleTranslator.Running r = appendHeads(g, new ModuleTranslator.Running(x, rank));
        String out = name(g, r.name(), true, inputs);
        List<Dim> outDims = probed == null ? null : probed.get(probed.size() - 1);
        return new Parts(ir, graph.opset(), g, inputs, List.of(new TensorInfo(out, DataType.FLOAT, outDims)));
    }

    /**
     * Output shapes of the graph by {@link ShapeProbe} (the graph's outputs, then the head's), or
     * null when the graph cannot run on zeros: the shapes are then left undeclared, which ONNX
     * Runtime and graft accept though onnx's checker does not.
     */
    private List<List<Dim>> probeGraph(List<TensorInfo> inputs) {
        List<Module> modules = new ArrayList<>(List.of(graph));
        modules.addAll(heads);
        try {
            return ShapeProbe.probe(modules, inputs, in -> {
                Map<String, Value> outs = graph.run(in);
                List<int[]> shapes = new ArrayList<>();
                for (Value v : outs.values()) {
                    shapes.add(v.shape());
                }
                if (!heads.isEmpty()) {
                    Tensor x = outs.values().iterator().next().toFloat();
                    for (Module h : heads) {
                        x = h.forward(x);
                    }
                    shapes.add(x.shape());
                }
                return shapes;
            });
        } catch (RuntimeException e) {
            return null;
        }
    }

    private Parts fromModel() {
        GraphBuilder g = new GraphBuilder(opset);
        List<Dim> dims = new ArrayList<>();
        dims.add(new Dim(-1, "N"));
        for (int i = 1; i < sampleShape.length; i++) {
            dims.add(new Dim(sampleShape[i], null));
        }
        List<TensorInfo> inputs = List.of(new TensorInfo(inputName, DataType.FLOAT, dims));
        List<Module> modules = new ArrayList<>(List.of(model));
        modules.addAll(heads);
        List<Dim> outDims;
        try {
            outDims = ShapeProbe.probe(modules, inputs, in -> {
                Tensor x = in.get(inputName).floatTensor();
                for (Module m : modules) {
                    x = m.forward(x);
                }
                return List.of(x.shape());
            }).get(0);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("OnnxExport: the model does not accept input of shape " + dims + ": "
                    + e.getMessage(), e);
        }
        g.reserve(List.of(inputName));
        ModuleTranslator.Running r = new ModuleTranslator(g).translate(new Site("", model),
                new ModuleTranslator.Running(inputName, sampleShape.length));
        r = appendHeads(g, r);
        String out = name(g, r.name(), true, inputs);
        return new Parts(irVersionFor(opset), opset, g, inputs, List.of(new TensorInfo(out, DataType.FLOAT, outDims)));
    }

    private ModuleTranslator.Running appendHeads(GraphBuilder g, ModuleTranslator.Running x) {
        ModuleTranslator t = new ModuleTranslator(g);
        ModuleTranslator.Running r = x;
        for (Module head : heads) {
            r = t.translate(new Site("", head), r);
        }
        return r;
    }

    /**
     * Gives the running tensor its output name: the one asked for, else {@code "output"} after a
     * head, else its own. A tensor made by the last appended node is renamed in place; any other
     * (an imported tensor, a graph input) is copied by an Identity node.
     */
    private String name(GraphBuilder g, String running, boolean headAppended, List<TensorInfo> inputs) {
        String wanted = outputName != null ? outputName : headAppended ? "output" : running;
        boolean isInput = inputs.stream().anyMatch(t -> t.name().equals(running));
        if (wanted.equals(running) && !isInput) {
            return running;
        }
        if (g.isTaken(wanted)) {
            if (outputName != null) {
                throw new OnnxExportException("output name '" + wanted + "' is already used by a tensor, node or"
                        + " initializer of the graph; choose another");
            }
            wanted = g.fresh(wanted);
        } else {
            g.reserve(List.of(wanted));
        }
        if (g.lastOutputIsAppended(running)) {
            g.renameLastOutput(wanted);
        } else {
            g.identity(running, wanted);
        }
        return wanted;
    }

    /** The IR version released with each opset (ONNX's versioning table), at least 4 so initializers need not be inputs. */
    private static long irVersionFor(int opset) {
        if (opset <= 9) {
            return 4;
        }
        if (opset <= 11) {
            return opset - 5;
        }
        if (opset <= 14) {
            return 7;
        }
        if (opset <= 18) {
            return 8;
        }
        return opset <= 20 ? 9 : 10;
    }
}
