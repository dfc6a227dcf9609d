package dev.graft.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedOutputStream;
import dev.graft.onnx.proto.AttributeDef;
import dev.graft.onnx.proto.Message;
import dev.graft.onnx.proto.ModelDef;
import dev.graft.onnx.proto.ModelReader;
import dev.graft.onnx.proto.ModelWriter;
import dev.graft.onnx.proto.NodeDef;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The node encoder's edge cases: attributes without a type (IR version 1) and graph-valued ones. */
class ModelWriterTest {

    private static AttributeDef untyped(String name, float f, long i, long[] ints) {
        return new AttributeDef(name, 0, f, i, null, null, new float[0], ints, List.of(), List.of(), false);
    }

    private static NodeDef roundTrip(NodeDef node) throws Exception {
        Message model = ModelWriter.model(3, Map.of("", 9L), "test", "", ModelWriter.graph("g", List.of(ModelWriter.node(node)),
                List.of(), List.of(), List.of()));
        byte[] bytes = new byte[(int) model.size()];
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        model.writeTo(out);
        out.checkNoSpaceLeft();
        ModelDef back = ModelReader.read(bytes);
        return back.graph().nodes().get(0);
    }

    @Test
    void untypedAttributesGetTheTypeOfTheirValue() throws Exception {
        NodeDef node = new NodeDef("n", "Foo", "", List.of("x"), List.of("y"), Map.of(
                "alpha", untyped("alpha", 0.5f, 0, new long[0]),
                "axis", untyped("axis", 0, 3, new long[0]),
                "perm", untyped("perm", 0, 0, new long[] {1, 0}),
                "zero", untyped("zero", 0, 0, new long[0])));
        Map<String, AttributeDef> back = roundTrip(node).attributes();
        assertEquals(AttributeDef.FLOAT, back.get("alpha").type());
        assertEquals(0.5f, back.get("alpha").f());
        assertEquals(AttributeDef.INT, back.get("axis").type());
        assertEquals(3, back.get("axis").i());
        assertEquals(AttributeDef.INTS, back.get("perm").type());
        assertEquals(List.of(1L, 0L), java.util.Arrays.stream(back.get("perm").ints()).boxed().toList());
        // nothing tells a zero float from a zero int: it stays untyped, and reads back as both zeros
        assertEquals(0, back.get("zero").type());
        assertEquals(0, back.get("zero").i());
    }

    @Test
    void graphValuedAttributesAreRefusedByName() {
        AttributeDef body = new AttributeDef("then_branch", AttributeDef.GRAPH, 0, 0, null, null, new float[0], new long[0],
                List.of(), List.of(), true);
        NodeDef node = new NodeDef("branch", "If", "", List.of("c"), List.of("y"), Map.of("then_branch", body));
        UnsupportedOnnxException e = assertThrows(UnsupportedOnnxException.class, () -> ModelWriter.node(node));
        assertTrue(e.getMessage().contains("'branch'") && e.getMessage().contains("'then_branch'"), e.getMessage());
    }
}
