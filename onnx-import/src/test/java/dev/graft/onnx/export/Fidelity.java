package dev.graft.onnx.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads ONNX files with protobuf's own generic parser (no ONNX schema, none of graft's code) to
 * compare an exported graph with the original field by field.
 */
final class Fidelity {

    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int NODE_DOC_STRING = 6;
    private static final int TENSOR_NAME = 8;

    private Fidelity() {
    }

    private static UnknownFieldSet graph(byte[] model) throws InvalidProtocolBufferException {
        List<ByteString> g = UnknownFieldSet.parseFrom(model).getField(MODEL_GRAPH).getLengthDelimitedList();
        assertEquals(1, g.size(), "one graph");
        return UnknownFieldSet.parseFrom(g.get(0));
    }

    /**
     * @return every node as protobuf would serialize it canonically, without its doc_string (which
     *     graft does not keep), counted
     */
    static Map<ByteString, Integer> nodes(byte[] model) throws InvalidProtocolBufferException {
        Map<ByteString, Integer> out = new HashMap<>();
        for (ByteString n : graph(model).getField(GRAPH_NODE).getLengthDelimitedList()) {
            ByteString canonical = UnknownFieldSet.parseFrom(n).toBuilder().clearField(NODE_DOC_STRING).build().toByteString();
            out.merge(canonical, 1, Integer::sum);
        }
        return out;
    }

    /** @return initializer name to its serialized TensorProto */
    static Map<String, ByteString> initializers(byte[] model) throws InvalidProtocolBufferException {
        Map<String, ByteString> out = new HashMap<>();
        for (ByteString t : graph(model).getField(GRAPH_INITIALIZER).getLengthDelimitedList()) {
            List<ByteString> name = UnknownFieldSet.parseFrom(t).getField(TENSOR_NAME).getLengthDelimitedList();
            out.put(name.isEmpty() ? "" : name.get(0).toStringUtf8(), t);
        }
        return out;
    }

    /** Asserts that the exported file has exactly the original's nodes, each byte for byte. */
    static void assertSameNodes(String what, byte[] original, byte[] exported) throws InvalidProtocolBufferException {
        Map<ByteString, Integer> want = nodes(original);
        Map<ByteString, Integer> got = nodes(exported);
        List<String> missing = new ArrayList<>();
        for (var e : want.entrySet()) {
            if (!e.getValue().equals(got.get(e.getKey()))) {
                missing.add(UnknownFieldSet.parseFrom(e.getKey()).toString());
            }
        }
        assertEquals(List.of(), missing.size() > 3 ? missing.subList(0, 3) : missing, what + ": nodes not reproduced exactly ("
                + missing.size() + " of " + want.size() + ")");
        assertEquals(want, got, what + ": the exported graph has nodes the original does not");
    }
}
