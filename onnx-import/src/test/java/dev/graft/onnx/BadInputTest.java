package dev.graft.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.engine.Tensor;
import dev.graft.onnx.ModelBuilder.Attr;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed, hostile or unsupported models: each must end in a clear exception naming the problem. */
class BadInputTest {

    private static ModelBuilder relu() {
        return new ModelBuilder().input("x", 2).output("y").node("r", "Relu", List.of("x"), List.of("y"));
    }

    @Test
    void wellFormedModelLoads() {
        OnnxModel m = OnnxImporter.load(relu().build());
        Tensor y = m.forward(Tensor.of(new float[] {-1, 2}, 2));
        assertEquals(0f, y.get(0));
        assertEquals(2f, y.get(1));
    }

    @Test
    void truncatedFileAtEveryLength() {
        byte[] full = relu().floatInit("w", new float[] {1, 2, 3}, 3).build();
        for (int len = 0; len < full.length; len++) {
            byte[] cut = java.util.Arrays.copyOf(full, len);
            assertThrows(OnnxException.class, () -> OnnxImporter.load(cut), "truncated at " + len);
        }
    }

    @Test
    void garbageIsNotAModel() {
        OnnxFormatException e = assertThrows(OnnxFormatException.class,
                () -> OnnxImporter.load("this is not protobuf at all".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("ONNX"), e.getMessage());
    }

    @Test
    void emptyFileHasNoGraph() {
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxImporter.load(new byte[0]));
        assertTrue(e.getMessage().contains("no graph"), e.getMessage());
    }

    @Test
    void rawDataDisagreeingWithShape() {
        byte[] m = relu().rawInit("w", 1, new byte[10], 3).build();
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxImporter.load(m));
        assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("12 bytes") && e.getMessage().contains("10"),
                e.getMessage());
    }

    @Test
    void absurdDimensionsRefusedBeforeAllocation() {
        byte[] m = relu().rawInit("huge", 1, new byte[4], 1L << 40, 1L << 40).build();
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxImporter.load(m));
        assertTrue(e.getMessage().contains("'huge'"), e.getMessage());
        byte[] neg = relu().rawInit("neg", 1, new byte[4], -3).build();
        assertThrows(OnnxFormatException.class, () -> OnnxImporter.load(neg));
    }

    @Test
    void absurdRuntimeShapeRefusedBeforeAllocation() {
        byte[] shape = ModelBuilder.write(o -> {
            for (long d : new long[] {1L << 20, 1L << 20}) {
                o.writeInt64(7, d);
            }
        });
        byte[] m = new ModelBuilder().output("y")
                .node("c", "Constant", List.of(), List.of("s"), Attr.tensor("value", 7, new long[] {2}, int64Raw(1L << 20, 1L << 20)))
                .node("k", "ConstantOfShape", List.of("s"), List.of("y")).build();
        OnnxModel model = OnnxImporter.load(m);
        OnnxException e = assertThrows(OnnxException.class, () -> model.run(Map.of()));
        assertTrue(e.getMessage().contains("ConstantOfShape"), e.getMessage());
        assertTrue(shape.length > 0);
    }

    private static byte[] int64Raw(long... v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            b.putLong(x);
        }
        return b.array();
    }

    @Test
    void cycleIsReported() {
        byte[] m = new ModelBuilder().input("x", 2).output("y")
                .node("a", "Add", List.of("x", "b_out"), List.of("a_out"))
                .node("b", "Relu", List.of("a_out"), List.of("b_out"))
                .node("c", "Relu", List.of("a_out"), List.of("y")).build();
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxImporter.load(m));
        assertTrue(e.getMessage().contains("cycle") && e.getMessage().contains("a") && e.getMessage().contains("b"),
                e.getMessage());
    }

    @Test
    void missingInputIsNamed() {
        byte[] m = new ModelBuilder().input("x", 2).output("y")
                .node("a", "Add", List.of("x", "nowhere"), List.of("y")).build();
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxImporter.load(m));
        assertTrue(e.getMessage().contains("'nowhere'") && e.getMessage().contains("'a'"), e.getMessage());
    }

    @Test
    void duplicateNamesAreReported() {
        byte[] nodes = new ModelBuilder().input("x", 2).output("y")
                .node("same", "Relu", List.of("x"), List.of("t"))
                .node("same", "Relu", List.of("t"), List.of("y")).build();
        assertTrue(assertThrows(OnnxFormatException.class, () -> OnnxImporter.load(nodes)).getMessage().contains("'same'"));
        byte[] tensors = new ModelBuilder().input("x", 2).output("y")
                .node("a", "Relu", List.of("x"), List.of("y"))
                .node("b", "Relu", List.of("x"), List.of("y")).build();
        assertTrue(assertThrows(OnnxFormatException.class, () -> OnnxImporter.load(tensors)).getMessage().contains("'y'"));
        byte[] inits = relu().floatInit("w", new float[] {1}, 1).floatInit("w", new float[] {2}, 1).build();
        assertTrue(assertThrows(OnnxFormatException.class, () -> OnnxImporter.load(inits)).getMessage().contains("'w'"));
    }

    @Test
    void everyUnsupportedOperatorListedAtOnce() {
        byte[] m = new ModelBuilder().input("x", 2).output("y")
                .node("n1", "FancyOp", List.of("x"), List.of("a"))
                .node("n2", "Relu", List.of("a"), List.of("b"))
                .node("n3", "OtherOp", List.of("b"), List.of("c"))
                .node("n4", "FancyOp", List.of("c"), List.of("y")).build();
        UnsupportedOnnxException e = assertThrows(UnsupportedOnnxException.class, () -> OnnxImporter.load(m));
        String msg = e.getMessage();
        assertTrue(msg.contains("FancyOp") && msg.contains("OtherOp") && msg.contains("n1") && msg.contains("n3")
                && msg.contains("n4") && !msg.contains("Relu"), msg);
    }

    @Test
    void opsetOutsideTheSupportedRange() {
        UnsupportedOnnxException newer = assertThrows(UnsupportedOnnxException.class,
                () -> OnnxImporter.load(relu().opset(22).build()));
        assertTrue(newer.getMessage().contains("22") && newer.getMessage().contains("21"), newer.getMessage());
        assertThrows(UnsupportedOnnxException.class, () -> OnnxImporter.load(relu().opset(0).build()));
    }

    @Test
    void operatorNotYetDefinedAtTheModelsOpset() {
        byte[] m = new ModelBuilder().opset(13).input("x", 2).output("y")
                .node("g", "Gelu", List.of("x"), List.of("y")).build();
        UnsupportedOnnxException e = assertThrows(UnsupportedOnnxException.class, () -> OnnxImporter.load(m));
        assertTrue(e.getMessage().contains("Gelu") && e.getMessage().contains("opset 13"), e.getMessage());
    }

    @Test
    void wrongInputsAtRunTime() {
        OnnxModel m = OnnxImporter.load(relu().build());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> m.run(Map.of())).getMessage().contains("'x'"));
        assertThrows(IllegalArgumentException.class, () -> m.forward(Tensor.zeros(3)));
        assertThrows(IllegalArgumentException.class,
                () -> m.run(Map.of("x", Value.of(Tensor.zeros(2)), "z", Value.of(Tensor.zeros(2)))));
    }

    @Test
    void externalDataOutsideTheModelFolderIsRefused(@TempDir Path dir) throws Exception {
        Path inside = Files.createDirectory(dir.resolve("model"));
        Files.write(dir.resolve("secret.bin"), new byte[12]);
        Files.write(inside.resolve("weights.bin"), floats(1, 2, 3));
        for (String bad : List.of("../secret.bin", dir.resolve("secret.bin").toString(), "sub/../../secret.bin")) {
            Path f = inside.resolve("m.onnx");
            Files.write(f, relu().externalInit("w", bad, 3).build());
            OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxImporter.load(f), bad);
            assertTrue(e.getMessage().contains("'w'"), e.getMessage());
        }
        Files.createSymbolicLink(inside.resolve("link.bin"), dir.resolve("secret.bin"));
        Path f = inside.resolve("m.onnx");
        Files.write(f, relu().externalInit("w", "link.bin", 3).build());
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxImporter.load(f));
        assertTrue(e.getMessage().contains("outside"), e.getMessage());
        Files.write(f, relu().externalInit("w", "weights.bin", 3).build());
        OnnxModel ok = OnnxImporter.load(f);
        assertEquals(List.of(1f, 2f, 3f), List.of(ok.parameter("w").value().get(0), ok.parameter("w").value().get(1),
                ok.parameter("w").value().get(2)));
        Files.write(f, relu().externalInit("w", "missing.bin", 3).build());
        assertThrows(OnnxFormatException.class, () -> OnnxImporter.load(f));
    }

    private static byte[] floats(float... v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }
}
