package dev.graft.transfer.text;

import com.google.protobuf.CodedOutputStream;
import dev.graft.onnx.OnnxImporter;
import dev.graft.onnx.OnnxModel;
import dev.graft.onnx.TensorInfo;
import dev.graft.onnx.proto.AttributeDef;
import dev.graft.onnx.proto.Dim;
import dev.graft.onnx.proto.Message;
import dev.graft.onnx.proto.ModelWriter;
import dev.graft.onnx.proto.NodeDef;
import dev.graft.onnx.proto.TensorDef;
import dev.graft.onnx.proto.TensorEncoder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A BERT-style encoder with sentence pooling appended as ONNX nodes: the attention-mask mean of
 * its token vectors, scaled to unit length (what {@link SentenceEncoder} computes, the
 * sentence-transformers recipe). Because the pooling is part of the graph, the same imported model
 * trains with autograd through every node, and exports, with a head after it, as one ONNX file whose
 * inputs are still the tokenizer's ids and mask.
 */
final class PooledEncoderGraph {

    /** The pooled graph's only output, {@code [batch, dim]}. */
    static final String OUTPUT = "sentence_embedding";

    /** Node and tensor names of the appended pooling start with this, which no exporter uses. */
    private static final String PREFIX = "/graft_pooling/";

    private PooledEncoderGraph() {
    }

    /**
     * @param encoder an encoder whose first output is the token vectors {@code [batch, tokens, dim]}
     *     and which has {@code input_ids} and {@code attention_mask} inputs
     * @return a new model (its own copy of the weights) whose output {@value #OUTPUT} is the pooled,
     *     unit-length sentence vector; frozen state and mode are not copied
     * @throws IllegalArgumentException if the encoder lacks those inputs
     */
    static OnnxModel build(OnnxModel encoder) {
        List<String> inputs = encoder.inputs().stream().map(TensorInfo::name).toList();
        if (!inputs.contains("input_ids") || !inputs.contains("attention_mask")) {
            throw new IllegalArgumentException("a text encoder needs inputs input_ids and attention_mask; this model's "
                    + "inputs are " + inputs);
        }
        OnnxModel tokens = encoder.cut(encoder.outputNames().get(0));
        String hidden = tokens.outputNames().get(0);
        int opset = tokens.opset();
        List<NodeDef> nodes = new ArrayList<>(tokens.nodeDefs());
        nodes.add(node("Cast", List.of("attention_mask"), "mask", attr("to", 1)));
        axes(nodes, opset, "Unsqueeze", "mask", "mask3", 2, null);
        nodes.add(node("Mul", List.of(hidden, PREFIX + "mask3"), "masked"));
        axes(nodes, opset, "ReduceSum", "masked", "sum", 1, 0L);
        axes(nodes, opset, "ReduceSum", "mask3", "count", 1, 0L);
        // sentence-transformers clamps the token count at 1e-9 and the norm at 1e-12: an all-padding row gives zeros
        nodes.add(constant("min_count", 1e-9f));
        nodes.add(node("Max", List.of(PREFIX + "count", PREFIX + "min_count"), "count_clamped"));
        nodes.add(node("Div", List.of(PREFIX + "sum", PREFIX + "count_clamped"), "mean"));
        nodes.add(node("Mul", List.of(PREFIX + "mean", PREFIX + "mean"), "square"));
        axes(nodes, opset, "ReduceSum", "square", "square_sum", 1, 1L);
        nodes.add(node("Sqrt", List.of(PREFIX + "square_sum"), "norm"));
        nodes.add(constant("min_norm", 1e-12f));
        nodes.add(node("Max", List.of(PREFIX + "norm", PREFIX + "min_norm"), "norm_clamped"));
        nodes.add(new NodeDef(PREFIX + "Normalize", "Div", "", List.of(PREFIX + "mean", PREFIX + "norm_clamped"),
                List.of(OUTPUT), Map.of()));

        List<Message> nodeMessages = new ArrayList<>();
        for (NodeDef n : nodes) {
            nodeMessages.add(ModelWriter.node(n));
        }
        List<Message> initializers = new ArrayList<>();
        for (var e : tokens.initializers().entrySet()) {
            initializers.add(TensorEncoder.encode(e.getKey(), e.getValue()));
        }
        List<Message> inputMessages = new ArrayList<>();
        for (TensorInfo t : tokens.inputs()) {
            inputMessages.add(ModelWriter.valueInfo(t.name(), t.type() == null ? 0 : t.type().code(), t.dims()));
        }
        List<Message> outputs = List.of(ModelWriter.valueInfo(OUTPUT, 1,
                List.of(new Dim(-1, "batch"), new Dim(-1, null))));
        Message model = ModelWriter.model(Math.max(4, tokens.irVersion()), Map.of("", (long) opset), "graft", "",
                ModelWriter.graph("graft_pooled_encoder", nodeMessages, initializers, inputMessages, outputs));
        byte[] bytes = new byte[(int) model.size()];
        CodedOutputStream cos = CodedOutputStream.newInstance(bytes);
        try {
            model.writeTo(cos);
        } catch (IOException e) {
            throw new IllegalStateException("encoding into memory failed", e);
        }
        return OnnxImporter.load(bytes);
    }

    private static NodeDef node(String op, List<String> in, String out, AttributeDef... attributes) {
        Map<String, AttributeDef> a = new LinkedHashMap<>();
        for (AttributeDef d : attributes) {
            a.put(d.name(), d);
        }
        return new NodeDef(PREFIX + out, op, "", in, List.of(PREFIX + out), a);
    }

    /**
     * Appends a node over one axis: the axes are an attribute before opset 13 and a second input
     * from then on (for Unsqueeze and ReduceSum alike), given by a Constant node.
     */
    private static void axes(List<NodeDef> nodes, int opset, String op, String in, String out, long axis,
                             Long keepDims) {
        List<AttributeDef> attributes = new ArrayList<>();
        if (keepDims != null) {
            attributes.add(attr("keepdims", keepDims));
        }
        List<String> inputs = new ArrayList<>(List.of(PREFIX + in));
        if (opset < 13) {
            attributes.add(new AttributeDef("axes", AttributeDef.INTS, 0, 0, null, null, new float[0], new long[] {axis},
                    List.of(), List.of(), false));
        } else {
            TensorDef t = new TensorDef("", 7, new long[] {1}, null, null, null, new long[] {axis}, null, null, 0, null);
            nodes.add(node("Constant", List.of(), out + "_axes", new AttributeDef("value", AttributeDef.TENSOR, 0, 0, null,
                    t, new float[0], new long[0], List.of(), List.of(), false)));
            inputs.add(PREFIX + out + "_axes");
        }
        nodes.add(node(op, inputs, out, attributes.toArray(AttributeDef[]::new)));
    }

    private static NodeDef constant(String out, float value) {
        TensorDef t = new TensorDef("", 1, new long[0], null, new float[] {value}, null, null, null, null, 0, null);
        return node("Constant", List.of(), out, new AttributeDef("value", AttributeDef.TENSOR, 0, 0, null, t,
                new float[0], new long[0], List.of(), List.of(), false));
    }

    private static AttributeDef attr(String name, long value) {
        return new AttributeDef(name, AttributeDef.INT, 0, value, null, null, new float[0], new long[0], List.of(),
                List.of(), false);
    }
}
