package dev.graft.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.engine.Tensor;
import dev.graft.onnx.ModelBuilder.Attr;
import dev.graft.onnx.ops.OpEntry;
import dev.graft.onnx.ops.OpRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-operator version table and operators whose attributes became inputs across opsets. */
class OpsetVersionTest {

    @Test
    void versionTableIsAscendingAndResolvesEveryOpsetItAllows() {
        for (OpEntry e : OpRegistry.standard().entries().values()) {
            int[] v = e.sinceVersions();
            for (int i = 1; i < v.length; i++) {
                assertTrue(v[i] > v[i - 1], e.opType() + " versions not ascending");
            }
            assertTrue(v[v.length - 1] <= OpRegistry.MAX_OPSET, e.opType());
        }
        OpEntry squeeze = OpRegistry.standard().find("Squeeze");
        assertEquals(11, squeeze.versionAt(12));
        assertEquals(13, squeeze.versionAt(13));
        assertEquals(21, squeeze.versionAt(21));
        assertEquals(-1, OpRegistry.standard().find("Gelu").versionAt(19));
        assertEquals(18, OpRegistry.standard().find("ReduceMean").versionAt(19));
    }

    private static Tensor run(byte[] model, Tensor x) {
        OnnxModel m = OnnxImporter.load(model);
        return m.run(Map.of("x", Value.of(x))).get("y").floatTensor();
    }

    @Test
    void squeezeAxesMoveFromAttributeToInputAtOpset13() {
        Tensor x = Tensor.rand(1L, 1, 3, 1);
        byte[] v11 = new ModelBuilder().opset(11).input("x", 1, 3, 1).output("y")
                .node("s", "Squeeze", List.of("x"), List.of("y"), Attr.ints("axes", 0)).build();
        assertArrayEquals(new int[] {3, 1}, run(v11, x).shape());
        byte[] v13 = new ModelBuilder().opset(13).input("x", 1, 3, 1).output("y")
                .node("c", "Constant", List.of(), List.of("axes"), Attr.tensor("value", 7, new long[] {1}, le(-1)))
                .node("s", "Squeeze", List.of("x", "axes"), List.of("y")).build();
        assertArrayEquals(new int[] {1, 3}, run(v13, x).shape());
    }

    @Test
    void reduceMeanAxesMoveToInputAtOpset18() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        byte[] v13 = new ModelBuilder().opset(13).input("x", 2, 3).output("y")
                .node("r", "ReduceMean", List.of("x"), List.of("y"), Attr.ints("axes", 1), Attr.i("keepdims", 0)).build();
        assertArrayEquals(new float[] {2, 5}, run(v13, x).toArray());
        byte[] v18 = new ModelBuilder().opset(18).input("x", 2, 3).output("y")
                .node("c", "Constant", List.of(), List.of("axes"), Attr.tensor("value", 7, new long[] {1}, le(0)))
                .node("r", "ReduceMean", List.of("x", "axes"), List.of("y"), Attr.i("keepdims", 0)).build();
        assertArrayEquals(new float[] {2.5f, 3.5f, 4.5f}, run(v18, x).toArray());
    }

    @Test
    void clipBoundsMoveFromAttributesToInputsAtOpset11() {
        Tensor x = Tensor.of(new float[] {-2, 0.5f, 2}, 3);
        byte[] v7 = new ModelBuilder().opset(7).input("x", 3).output("y")
                .node("c", "Clip", List.of("x"), List.of("y"), Attr.f("min", -1), Attr.f("max", 1)).build();
        assertArrayEquals(new float[] {-1, 0.5f, 1}, run(v7, x).toArray());
        byte[] v13 = new ModelBuilder().opset(13).input("x", 3).output("y")
                .floatInit("lo", new float[] {0})
                .node("c", "Clip", List.of("x", "lo"), List.of("y")).build();
        assertArrayEquals(new float[] {0, 0.5f, 2}, run(v13, x).toArray());
    }

    @Test
    void shapeSubgraphOnIntegersFeedsReshape() {
        // Shape -> Gather -> Unsqueeze -> Concat -> Reshape, as exporters write x.view(x.size(0), -1)
        byte[] m = new ModelBuilder().opset(13).input("x", -1, 3, 4).output("y")
                .node("shape", "Shape", List.of("x"), List.of("s"))
                .node("zero", "Constant", List.of(), List.of("i0"), Attr.tensor("value", 7, new long[0], le(0)))
                .node("gather", "Gather", List.of("s", "i0"), List.of("n"))
                .node("ax", "Constant", List.of(), List.of("axes"), Attr.tensor("value", 7, new long[] {1}, le(0)))
                .node("unsq", "Unsqueeze", List.of("n", "axes"), List.of("n1"))
                .node("minus", "Constant", List.of(), List.of("m1"), Attr.tensor("value", 7, new long[] {1}, le(-1)))
                .node("cat", "Concat", List.of("n1", "m1"), List.of("target"), Attr.i("axis", 0))
                .node("reshape", "Reshape", List.of("x", "target"), List.of("y")).build();
        OnnxModel model = OnnxImporter.load(m);
        for (int batch : new int[] {2, 5, 2}) {
            Tensor in = Tensor.rand(batch, batch, 3, 4); // seed, then shape
            Tensor y = model.run(Map.of("x", Value.of(in))).get("y").floatTensor();
            assertArrayEquals(new int[] {batch, 12}, y.shape());
            assertArrayEquals(in.toArray(), y.toArray());
        }
    }

    private static byte[] le(long... v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            b.putLong(x);
        }
        return b.array();
    }
}
