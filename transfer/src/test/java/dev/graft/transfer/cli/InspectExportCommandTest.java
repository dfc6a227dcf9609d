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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft inspect} and {@code graft export} on the shipped CNN. */
class InspectExportCommandTest {

    @TempDir
    Path dir;

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
        assertTrue(text.out().contains("cut point: 'features'"), text.out());
        assertTrue(text.out().contains("features per example [64]"), text.out());

        JsonObject j = run("inspect", "--model", model.toString(), "--json").ok().json();
        assertEquals(imported.nodes().size(), j.getAsJsonArray("nodes").size());
        long parameters = imported.parameters().stream().mapToLong(p -> p.numel()).sum();
        assertEquals(parameters, j.getAsJsonObject("parameters").get("count").getAsLong());
        JsonObject cut = j.getAsJsonObject("cut");
        assertEquals("features", cut.get("tensor").getAsString());
        assertEquals(64, cut.getAsJsonArray("featureShape").get(0).getAsInt());
        // The cut-off classifier is the final Gemm: 64 x 5 weights and 5 biases.
        assertEquals(64 * 5 + 5, cut.get("replacedParameters").getAsLong());
        assertEquals(parameters - 325, cut.get("backboneParameters").getAsLong());
        assertEquals(3, cut.getAsJsonArray("layers").size());
        assertEquals("N", j.getAsJsonArray("inputs").get(0).getAsJsonObject().getAsJsonArray("shape").get(0)
                .getAsString());
    }

    @Test
    void inspectAtAnotherCutAndOfAModelWithoutClassifier() throws IOException {
        Path model = CliFixtures.shippedModel(dir);
        String pooled = "/features/features.11/GlobalAveragePool_output_0";
        JsonObject j = run("inspect", "--model", model.toString(), "--cut", pooled, "--json").ok().json();
        assertEquals(List.of(64, 1, 1), j.getAsJsonObject("cut").getAsJsonArray("featureShape").asList().stream()
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
        CliFixtures.Result r = run("export", "--model", model.toString(), "--out", out.toString(), "--cut",
                "/features/features.11/GlobalAveragePool_output_0", "--flatten", "--output-name", "embedding").ok();
        assertTrue(r.out().contains("output 'embedding' [N, 64]"), r.out());
        OnnxModel whole = OnnxImporter.load(model);
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
