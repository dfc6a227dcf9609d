package dev.graft.onnx.export;

import static dev.graft.onnx.export.RoundTrip.check;
import static dev.graft.onnx.export.RoundTrip.input;
import static dev.graft.onnx.export.RoundTrip.train;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.engine.Pool2dSpec;
import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import dev.graft.nn.layers.AdaptiveAvgPool2d;
import dev.graft.nn.layers.BatchNorm1d;
import dev.graft.nn.layers.BatchNorm2d;
import dev.graft.nn.layers.Conv2d;
import dev.graft.nn.layers.Dropout;
import dev.graft.nn.layers.Embedding;
import dev.graft.nn.layers.Flatten;
import dev.graft.nn.layers.GELU;
import dev.graft.nn.layers.Identity;
import dev.graft.nn.layers.LayerNorm;
import dev.graft.nn.layers.Linear;
import dev.graft.nn.layers.MaxPool2d;
import dev.graft.nn.layers.ReLU;
import dev.graft.nn.layers.Sequential;
import dev.graft.onnx.OnnxImporter;
import dev.graft.onnx.OnnxModel;
import dev.graft.onnx.TensorInfo;
import dev.graft.onnx.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exported files against the in-memory models they came from, read back by ONNX Runtime and by
 * graft's importer, at batch sizes 1 and 7 (the batch dimension must stay dynamic). Every model is
 * trained for a few AdamW steps first, so the files must carry trained values, BatchNorm running
 * statistics included. The imported CNN is the one scripts/onnx/make_test_models.py exports from PyTorch.
 */
class OnnxExportTest {

    private static OnnxModel smallCnn() throws Exception {
        return OnnxImporter.load(Path.of(OnnxExportTest.class.getResource("/dev/graft/onnx/small_cnn.onnx").toURI()));
    }

    private static List<Map<String, Value>> images(String name, int... chw) {
        return List.of(input(name, Tensor.randn(11, 1, chw[0], chw[1], chw[2])),
                input(name, Tensor.randn(12, 7, chw[0], chw[1], chw[2])));
    }

    private static Function<Map<String, Value>, Tensor> apply(Module... stages) {
        return in -> {
            Tensor x = in.values().iterator().next().floatTensor();
            for (Module m : stages) {
                x = m.forward(x);
            }
            return x;
        };
    }

    private static void assertSameValues(String what, Tensor want, Tensor got) {
        assertArrayEquals(want.toArray(), got.toArray(), 0f, what + " must be written exactly");
    }

    @Test
    void wholeImportedModelCarriesTrainedWeightsAndStatistics() throws Exception {
        OnnxModel m = smallCnn();
        float[] loadedConv = m.parameter("conv.weight").value().toArray();
        float[] loadedMean = m.namedBuffers().get("bn_running_mean").toArray();
        train(m, 3, () -> m.forward(Tensor.randn(1, 4, 3, 8, 8)).square().mean());
        assertFalse(java.util.Arrays.equals(loadedConv, m.parameter("conv.weight").value().toArray()), "training moved conv");
        assertFalse(java.util.Arrays.equals(loadedMean, m.namedBuffers().get("bn_running_mean").toArray()),
                "training moved the running mean");

        byte[] file = OnnxExport.from(m).toBytes();
        check("exported small CNN", file, images("images", 3, 8, 8), apply(m));

        OnnxModel back = OnnxImporter.load(file);
        assertEquals(m.namedParameters().keySet(), back.namedParameters().keySet());
        assertEquals(m.namedBuffers().keySet(), back.namedBuffers().keySet());
        for (var e : m.namedParameters().entrySet()) {
            assertSameValues(e.getKey(), e.getValue().value(), back.namedParameters().get(e.getKey()).value());
        }
        for (var e : m.namedBuffers().entrySet()) {
            assertSameValues(e.getKey(), e.getValue(), back.namedBuffers().get(e.getKey()));
        }
        assertEquals("conv.weight", back.onnxName("conv_weight"), "initializers keep their ONNX names");
        assertEquals(List.of("logits"), back.outputNames());
        assertEquals("batch", back.inputs().get(0).dims().get(0).param(), "the symbolic batch dimension is kept");
        assertEquals(m.nodes().size(), back.nodes().size());
        assertEquals(13, back.opset());
    }

    @Test
    void cutModelWithMlpHead() throws Exception {
        OnnxModel backbone = smallCnn().cut("/Reshape_output_0");
        Random init = new Random(3);
        Sequential head = new Sequential(new Linear(64, 16, init), new ReLU(), new Dropout(0.3f, 7L), new Linear(16, 3, init));
        Sequential whole = new Sequential(backbone, head);
        float[] initial = head.get(0).namedParameters().get("weight").value().toArray();
        train(whole, 3, () -> whole.forward(Tensor.randn(2, 5, 3, 8, 8)).square().mean());
        assertFalse(java.util.Arrays.equals(initial, head.getParameter("0.weight").value().toArray()));

        byte[] file = OnnxExport.from(backbone).then(head).outputName("logits").toBytes();
        check("cut CNN + MLP head", file, images("images", 3, 8, 8), apply(backbone, head));

        OnnxModel back = OnnxImporter.load(file);
        assertEquals(List.of("logits"), back.outputNames());
        Set<String> names = back.namedParameters().keySet();
        assertTrue(names.containsAll(List.of("conv_weight", "bn_weight", "0_weight", "0_bias", "3_weight", "3_bias")), names
                .toString());
        assertFalse(names.contains("fc_weight"), "initializers the cut graph no longer reads are dropped: " + names);
        assertSameValues("head weight", head.getParameter("3.weight").value(), back.parameter("3.weight").value());
        assertSameValues("backbone conv", backbone.parameter("conv.weight").value(), back.parameter("conv.weight").value());
    }

    @Test
    void cutModelWithNormalisationAndActivationHead() throws Exception {
        OnnxModel backbone = smallCnn().cut("/Reshape_output_0");
        Random init = new Random(4);
        // opset 13: LayerNorm is composed from older operators, GELU always is (ExportLayersTest covers each layer)
        Sequential head = new Sequential(new Linear(64, 32, init), new BatchNorm1d(32), new GELU(), new LayerNorm(32),
                new GELU(true), new Linear(32, 4, init));
        Sequential whole = new Sequential(backbone, head);
        float[] initialMean = ((BatchNorm1d) head.get(1)).runningMean().toArray();
        train(whole, 3, () -> whole.forward(Tensor.randn(5, 6, 3, 8, 8)).square().mean());
        assertFalse(java.util.Arrays.equals(initialMean, ((BatchNorm1d) head.get(1)).runningMean().toArray()));

        byte[] file = OnnxExport.from(backbone).then(head).toBytes();
        check("cut CNN + BatchNorm1d/LayerNorm/GELU head", file, images("images", 3, 8, 8), apply(backbone, head));
        OnnxModel back = OnnxImporter.load(file);
        assertEquals(List.of("output"), back.outputNames());
        assertSameValues("head running mean", ((BatchNorm1d) head.get(1)).runningMean(),
                back.namedBuffers().get("1_running_mean"));
    }

    private static Sequential pureCnn(Random init) {
        return new Sequential(new Conv2d(1, 8, 3, 1, 1, 1, 1, false, init), new BatchNorm2d(8), new ReLU(),
                new MaxPool2d(2, 2, 0), new Conv2d(8, 12, 3, 2, 1, 1, 1, true, init), new AdaptiveAvgPool2d(1),
                new Flatten(), new Linear(12, 10, init));
    }

    @Test
    void pureNnModel() throws Exception {
        Sequential model = pureCnn(new Random(5));
        train(model, 3, () -> model.forward(Tensor.randn(6, 8, 1, 12, 12)).square().mean());

        byte[] file = OnnxExport.from(model, "images", 1, 1, 12, 12).toBytes();
        check("pure nn CNN", file, images("images", 1, 12, 12), apply(model));

        OnnxModel back = OnnxImporter.load(file);
        assertEquals(17, back.opset());
        TensorInfo in = back.inputs().get(0);
        assertEquals("images", in.name());
        assertEquals("[N, 1, 12, 12]", in.dims().toString());
        assertEquals("[N, 10]", back.declaredOutputs().get(0).dims().toString());
        assertEquals(Set.of("0_weight", "1_weight", "1_bias", "4_weight", "4_bias", "7_weight", "7_bias"),
                back.namedParameters().keySet());
        assertSameValues("BatchNorm running variance", ((BatchNorm2d) model.get(1)).runningVar(),
                back.namedBuffers().get("1_running_var"));
    }

    @Test
    void exportRestoresTrainingMode() {
        Sequential model = pureCnn(new Random(6));
        model.train();
        model.get(1).eval();
        OnnxExport.from(model, "x", 2, 1, 8, 8).toBytes();
        assertTrue(model.isTraining());
        assertFalse(model.get(1).isTraining());
        assertTrue(model.get(0).isTraining());
    }

    @Test
    void unsupportedModuleIsNamedWithItsPathAndTheSupportedList() {
        Sequential model = new Sequential(new Linear(4, 4, new Random(0)),
                new Sequential(new ReLU(), new Embedding(10, 4, new Random(0))));
        OnnxExportException e = assertThrows(OnnxExportException.class,
                () -> OnnxExport.from(model, "x", 1, 4).toBytes());
        assertTrue(e.getMessage().contains("'1.1'"), e.getMessage());
        assertTrue(e.getMessage().contains("dev.graft.nn.layers.Embedding"), e.getMessage());
        assertTrue(e.getMessage().contains("Linear, Conv2d"), e.getMessage());

        Module custom = new Module() {
            @Override
            public Tensor forward(Tensor input) {
                return input;
            }
        };
        OnnxExportException c = assertThrows(OnnxExportException.class,
                () -> OnnxExport.from(new Sequential(new ReLU()), "x", 1, 4).then(custom).toBytes());
        assertTrue(c.getMessage().contains("'<root>'") && c.getMessage().contains(custom.getClass().getName()),
                c.getMessage());

        OnnxExportException pool = assertThrows(OnnxExportException.class,
                () -> OnnxExport.from(new AdaptiveAvgPool2d(2), "x", 1, 1, 4, 4).toBytes());
        assertTrue(pool.getMessage().contains("output size 1"), pool.getMessage());
    }

    @Test
    void operatorsNewerThanTheOpsetAreRefusedNamingThem() {
        OnnxExportException e = assertThrows(OnnxExportException.class,
                () -> OnnxExport.from(new Sequential(new Linear(4, 4, new Random(0)), new GELU()), "x", 1, 4).opset(8)
                        .toBytes());
        assertTrue(e.getMessage().contains("Erf") && e.getMessage().contains("opset 9") && e.getMessage().contains("'1'"),
                e.getMessage());
        assertThrows(OnnxExportException.class, () -> OnnxExport.from(smallCnn()).opset(17));
    }

    @Test
    void ceilModePoolingIntoThePaddingIsRefused() {
        // ONNX Runtime 1.17 keeps a last window that starts in the end padding (output 5 rows from 7 here), PyTorch
        // and graft drop it (4): no file could match both
        Module pool = new MaxPool2d(new Pool2dSpec(2, 2, 2, 2, 1, 1, 1, 1, true));
        OnnxExportException e = assertThrows(OnnxExportException.class,
                () -> OnnxExport.from(pool, "x", 1, 1, 7, 6).toBytes());
        assertTrue(e.getMessage().contains("ceil-mode pooling with padding") && e.getMessage().contains("'<root>'"),
                e.getMessage());
    }

    @Test
    void outputNameClashIsRefused() throws Exception {
        OnnxExportException e = assertThrows(OnnxExportException.class,
                () -> OnnxExport.from(smallCnn()).then(new Identity()).outputName("images").toBytes());
        assertTrue(e.getMessage().contains("'images'"), e.getMessage());
    }

    @Test
    void outputOfAnIdentityHeadOrARenamedGraphIsCopied() throws Exception {
        OnnxModel m = smallCnn();
        m.eval();
        byte[] renamed = OnnxExport.from(m).outputName("scores").toBytes();
        assertEquals(List.of("scores"), OnnxImporter.load(renamed).outputNames());
        check("renamed output", renamed, images("images", 3, 8, 8), apply(m));
        byte[] identity = OnnxExport.from(new Identity(), "x", 1, 3).toBytes();
        check("identity model", identity, List.of(input("x", Tensor.randn(1, 2, 3))), apply(new Identity()));
    }

    @Test
    void writeIsAtomicAndReplacesTheFile(@TempDir Path dir) throws Exception {
        Sequential model = pureCnn(new Random(7));
        model.eval();
        Path out = dir.resolve("model.onnx");
        Files.writeString(out, "old contents");
        OnnxExport export = OnnxExport.from(model, "images", 1, 1, 8, 8);
        export.write(out);
        assertArrayEquals(export.toBytes(), Files.readAllBytes(out));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(out), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void unwritablePathGivesAnIOExceptionNamingIt(@TempDir Path dir) throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("plain-file"), "x");
        Path out = notAFolder.resolve("model.onnx");
        IOException e = assertThrows(IOException.class,
                () -> OnnxExport.from(new ReLU(), "x", 1, 2).write(out));
        assertTrue(e.getMessage().contains(out.toString()), e.getMessage());
        Path missing = dir.resolve("no/such/folder/model.onnx");
        IOException m = assertThrows(IOException.class, () -> OnnxExport.from(new ReLU(), "x", 1, 2).write(missing));
        assertTrue(m.getMessage().contains(missing.toString()) && m.getMessage().contains("does not exist"), m.getMessage());
    }

    @Test
    void modelsAboveTheSizeLimitAreRefusedBeforeWriting(@TempDir Path dir) {
        Sequential model = pureCnn(new Random(8));
        Path out = dir.resolve("big.onnx");
        OnnxExportException e = assertThrows(OnnxExportException.class,
                () -> OnnxExport.from(model, "images", 1, 1, 8, 8).maxBytes(1000).write(out));
        assertTrue(e.getMessage().contains("2 GiB") && e.getMessage().contains("external data"), e.getMessage());
        assertFalse(Files.exists(out));
    }
}
