package dev.graft.onnx.proto;

import dev.graft.onnx.UnsupportedOnnxException;
import java.util.List;
import java.util.Map;

/**
 * Encodes an ONNX {@code ModelProto} and its parts as {@link Message}s, field numbers as in the
 * ONNX IR specification ({@code onnx.proto}): the counterpart of {@link ModelReader}. Repeated
 * scalars are packed exactly where {@code onnx.proto} declares {@code [packed = true]} (the
 * TensorProto data fields) and unpacked elsewhere (dims, attribute lists), as onnx's own
 * serializer writes them; readers accept either.
 */
public final class ModelWriter {

    private ModelWriter() {
    }

    /**
     * @param irVersion the IR version
     * @param opsets operator set versions by domain ({@code ""}: the default ONNX domain)
     * @param producerName who wrote the file
     * @param producerVersion the producer's version
     * @param graph the main graph, from {@link #graph}
     * @return a {@code ModelProto}
     */
    public static Message model(long irVersion, Map<String, Long> opsets, String producerName, String producerVersion,
                                Message graph) {
        Message m = new Message().varint(1, irVersion).string(2, producerName).string(3, producerVersion);
        for (var e : opsets.entrySet()) {
            Message opset = new Message();
            if (!e.getKey().isEmpty()) {
                opset.string(1, e.getKey());
            }
            m.message(8, opset.varint(2, e.getValue()));
        }
        return m.message(7, graph);
    }

    /**
     * @param name the graph name
     * @param nodes {@code NodeProto}s in a topological order
     * @param initializers {@code TensorProto}s
     * @param inputs {@code ValueInfoProto}s of the inputs to feed
     * @param outputs {@code ValueInfoProto}s of the outputs
     * @return a {@code GraphProto}
     */
    public static Message graph(String name, List<Message> nodes, List<Message> initializers, List<Message> inputs,
                                List<Message> outputs) {
        Message g = new Message();
        for (Message n : nodes) {
            g.message(1, n);
        }
        g.string(2, name);
        for (Message t : initializers) {
            g.message(5, t);
        }
        for (Message v : inputs) {
            g.message(11, v);
        }
        for (Message v : outputs) {
            g.message(12, v);
        }
        return g;
    }

    /**
     * @param node a node, every attribute kept
     * @return a {@code NodeProto}
     * @throws UnsupportedOnnxException if an attribute holds a graph or a string tensor, which graft does not keep
     */
    public static Message node(NodeDef node) {
        Message m = new Message();
        for (String in : node.inputs()) {
            m.string(1, in);
        }
        for (String out : node.outputs()) {
            m.string(2, out);
        }
        if (!node.name().isEmpty()) {
            m.string(3, node.name());
        }
        m.string(4, node.opType());
        for (AttributeDef a : node.attributes().values()) {
            m.message(5, attribute(node, a));
        }
        if (!node.domain().isEmpty()) {
            m.string(7, node.domain());
        }
        return m;
    }

    private static Message attribute(NodeDef node, AttributeDef a) {
        if (a.hasGraph()) {
            throw new UnsupportedOnnxException(node.opType() + " node '" + node.name() + "': graph-valued attribute '"
                    + a.name() + "' cannot be re-encoded (graft does not keep subgraphs)");
        }
        int type = a.type() != 0 ? a.type() : inferType(a);
        Message m = new Message().string(1, a.name());
        switch (type) {
            case 0 -> {
                // IR version 1 left the type out; a reader then sees zero for both f and i, as here
            }
            case AttributeDef.FLOAT -> m.float32(2, a.f());
            case AttributeDef.INT -> m.varint(3, a.i());
            case AttributeDef.STRING -> m.bytes(4, a.s() == null ? new byte[0] : a.s());
            case AttributeDef.TENSOR -> {
                if (a.t() == null) {
                    throw new UnsupportedOnnxException(node.opType() + " node '" + node.name() + "': tensor attribute '"
                            + a.name() + "' has no tensor");
                }
                m.message(5, tensor(a.t(), node, a.name()));
            }
            case AttributeDef.FLOATS -> {
                for (float f : a.floats()) {
                    m.float32(7, f);
                }
            }
            case AttributeDef.INTS -> {
                for (long i : a.ints()) {
                    m.varint(8, i);
                }
            }
            case AttributeDef.STRINGS -> {
                for (byte[] s : a.strings()) {
                    m.bytes(9, s);
                }
            }
            case AttributeDef.TENSORS -> {
                for (TensorDef t : a.tensors()) {
                    m.message(10, tensor(t, node, a.name()));
                }
            }
            default -> throw new UnsupportedOnnxException(node.opType() + " node '" + node.name() + "': attribute '"
                    + a.name() + "' has type " + type + " (graphs, sparse tensors and type protos are not kept by graft)");
        }
        if (type != 0) {
            m.varint(20, type);
        }
        return m;
    }

    /** IR version 1 files carry no attribute type: it follows from the one value field present. */
    private static int inferType(AttributeDef a) {
        if (a.s() != null) {
            return AttributeDef.STRING;
        }
        if (a.t() != null) {
            return AttributeDef.TENSOR;
        }
        if (a.floats().length > 0) {
            return AttributeDef.FLOATS;
        }
        if (a.ints().length > 0) {
            return AttributeDef.INTS;
        }
        if (!a.strings().isEmpty()) {
            return AttributeDef.STRINGS;
        }
        if (!a.tensors().isEmpty()) {
            return AttributeDef.TENSORS;
        }
        if (a.f() != 0) {
            return AttributeDef.FLOAT;
        }
        return a.i() != 0 ? AttributeDef.INT : 0;
    }

    private static Message tensor(TensorDef t, NodeDef node, String attribute) {
        if (t.stringCount() > 0) {
            throw new UnsupportedOnnxException(node.opType() + " node '" + node.name() + "': attribute '" + attribute
                    + "' holds a string tensor, which graft does not keep");
        }
        if (t.externalData() != null) {
            throw new IllegalArgumentException(node.opType() + " node '" + node.name() + "': attribute '" + attribute
                    + "' still refers to external data; inline it first (TensorDecoder.inlineExternal)");
        }
        return tensor(t);
    }

    /**
     * @param t a tensor as read, with inline data
     * @return a {@code TensorProto} holding the same fields
     */
    public static Message tensor(TensorDef t) {
        Message m = new Message();
        for (long d : t.dims()) {
            m.varint(1, d);
        }
        m.varint(2, t.dataType());
        if (t.floatData() != null) {
            m.packedFloats(4, t.floatData());
        }
        if (t.int32Data() != null) {
            long[] wide = new long[t.int32Data().length];
            for (int i = 0; i < wide.length; i++) {
                wide[i] = t.int32Data()[i];
            }
            m.packedVarints(5, wide);
        }
        if (t.int64Data() != null) {
            m.packedVarints(7, t.int64Data());
        }
        if (!t.name().isEmpty()) {
            m.string(8, t.name());
        }
        if (t.raw() != null) {
            m.bytes(9, t.raw());
        }
        if (t.doubleData() != null) {
            m.packedDoubles(10, t.doubleData());
        }
        if (t.uint64Data() != null) {
            m.packedVarints(11, t.uint64Data());
        }
        return m;
    }

    /**
     * @param name the tensor name
     * @param elemType the {@code TensorProto.DataType} number, 0 to leave the type out
     * @param dims the dimensions (fixed, symbolic or unknown), or null to leave the shape out
     * @return a {@code ValueInfoProto} of a tensor
     */
    public static Message valueInfo(String name, int elemType, List<Dim> dims) {
        Message tensorType = new Message();
        if (elemType != 0) {
            tensorType.varint(1, elemType);
        }
        if (dims != null) {
            Message shape = new Message();
            for (Dim d : dims) {
                Message dim = new Message();
                if (d.isFixed()) {
                    dim.varint(1, d.value());
                } else if (d.param() != null) {
                    dim.string(2, d.param());
                }
                shape.message(1, dim);
            }
            tensorType.message(2, shape);
        }
        return new Message().string(1, name).message(2, new Message().message(1, tensorType));
    }
}
