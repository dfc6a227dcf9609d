package dev.graft.transfer.cli;

import static dev.graft.transfer.cli.CliFixtures.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.graft.engine.GradMode;
import dev.graft.engine.Tensor;
import dev.graft.onnx.OnnxImporter;
import dev.graft.onnx.OnnxModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft inspect} and {@code graft export} on the shipped CNN. */
class InspectExportCommandTest {

    @TempDir
    Path dir;

    /** One example's shape at a tensor of the model, found by running the cut model on zeros. */
    private static List<Integer> shapeAt(OnnxModel model, String tensor) {
        OnnxModel cut = model.cut(tensor);
        cut.eval();
        try (var noGrad = GradMode.noGrad()) {
            return Arrays.stream(cut.forward(Tensor.zeros(1, 1, 28, 28)).shape()).skip(1).boxed().toList();
        }
    }

    /** The tensor the {@code features} Flatten reads: the pooled [C, H, W] map. */
    private static String pooled(OnnxModel model) {
        return model.nodes().stream().filter(n -> n.outputs().contains("features")).findFirst().orElseThrow()
                .inputs().get(0);
    }

    @Test
    void inspectShowsShapesNodesParametersAndTheCutPoint() throws IOException {
        Path model = CliFixtures.shippedModel(dir);
        OnnxModel imported = OnnxImporter.load(model);
        CliFixtures.Result text = run("inspect", "--model", model.toString()).ok();
        assertTrue(text.out().contains("opset " + imported.opset()), text.out());
        assertTrue(text.out().contains("image  FLOAT  [N, 1, 28, 28]"), text.out());
        for (var node : imported.nodes()) {
            assertTrue(text.out().contains(node.name()), node.name());
        }
        List<Integer> features = shapeAt(imported, "features");
        assertTrue(text.out().contains("cut point: 'features'"), text.out());
        assertTrue(text.out().contains("features per example " + features), text.out());

        JsonObject j = run("inspect", "--model", model.toString(), "--json").ok().json();
        assertEquals(imported.nodes().size(), j.getAsJsonArray("nodes").size());
        long parameters = imported.parameters().stream().mapToLong(p -> p.numel()).sum();
        assertEquals(parameters, j.getAsJsonObject("parameters").get("count").getAsLong());
        JsonObject cut = j.getAsJsonObject("cut");
        assertEquals("features", cut.get("tensor").getAsString());
        assertEquals(features, cut.getAsJsonArray("featureShape").asList().stream().map(e -> e.getAsInt()).toList());
        // What is cut off is the final Gemm's weight and bias.
        var gemm = imported.nodes().get(imported.nodes().size() - 1);
        assertEquals("Gemm", gemm.opType());
        long classifier = imported.parameter(gemm.inputs().get(1)).numel() + imported.parameter(gemm.inputs().get(2)).numel();
        assertEquals(classifier, cut.get("replacedParameters").getAsLong());
        assertEquals(parameters - classifier, cut.get("backboneParameters").getAsLong());
        assertEquals(3, cut.getAsJsonArray("layers").size());
        assertEquals("N", j.getAsJsonArray("inputs").get(0).getAsJsonObject().getAsJsonArray("shape").get(0)
                .getAsString());
    }

    @Test
    void inspectAtAnotherCutAndOfAModelWithoutClassifier() throws IOException {
        Path model = CliFixtures.shippedModel(dir);
        OnnxModel imported = OnnxImporter.load(model);
        String pooled = pooled(imported);
        JsonObject j = run("inspect", "--model", model.toString(), "--cut", pooled, "--json").ok().json();
        List<Integer> shape = shapeAt(imported, pooled);
        assertEquals(3, shape.size());
        assertEquals(shape, j.getAsJsonObject("cut").getAsJsonArray("featureShape").asList().stream()
                .map(e -> e.getAsInt()).toList());
        Path backbone = dir.resolve("backbone.onnx");
        run("export", "--model", model.toString(), "--out", backbone.toString()).ok();
        CliFixtures.Result r = run("inspect", "--model", backbone.toString()).ok();
        assertTrue(r.out().contains("cut point: none found"), r.out());
    }

    @Test
    void exportWritesTheBackboneWithItsWeights() throws IOException {
        Path model = CliFixtures.shippedModel(dir);
        Path out = dir.resolve("features.onnx");
        OnnxModel whole = OnnxImporter.load(model);
        CliFixtures.Result r = run("export", "--model", model.toString(), "--out", out.toString(), "--cut",
                pooled(whole), "--flatten", "--output-name", "embedding").ok();
        int width = shapeAt(whole, "features").get(0);
        assertTrue(r.out().contains("output 'embedding' [N, " + width + "]"), r.out());
        OnnxModel features = OnnxImporter.load(out);
        assertEquals(List.of("embedding"), features.outputNames());
        whole.eval();
        features.eval();
        Tensor x = Tensor.randn(5, 3, 1, 28, 28);
        try (var noGrad = GradMode.noGrad()) {
            assertArrayEquals(whole.cut("features").forward(x).toArray(), features.forward(x).toArray(), 1e-6f);
        }
    }

    @Test
    void badCutsFailInOneLine() throws IOException {
        Path model = CliFixtures.shippedModel(dir);
        run("export", "--model", model.toString(), "--out", dir.resolve("x.onnx").toString(), "--cut", "no_such")
                .failedWithOneLine("export");
        run("inspect", "--model", model.toString(), "--cut", "no_such").failedWithOneLine("inspect");
        run("inspect", "--model", dir.resolve("absent.onnx").toString()).failedWithOneLine("inspect");
    }
}
