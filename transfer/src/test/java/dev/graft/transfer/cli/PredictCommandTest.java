package dev.graft.transfer.cli;

import static dev.graft.transfer.cli.CliFixtures.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.graft.engine.Tensor;
import dev.graft.transfer.data.ImageTransform;
import dev.graft.transfer.report.FontCheck;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft predict} on a model {@code graft fine-tune} wrote, checked against fine-tune's report and ONNX Runtime. */
class PredictCommandTest {

    @TempDir
    static Path dir;
    static Path images;
    static Path classifier;
    static JsonObject fineTune;

    @BeforeAll
    static void fineTune() throws IOException {
        FontCheck.require();
        Path model = CliFixtures.shippedModel(dir);
        images = dir.resolve("images");
        CliFixtures.imageFolder(images, 14, 10);
        Files.writeString(images.resolve("test/sandal/corrupt.jpg"), "no JPEG here");
        classifier = dir.resolve("out/clf.onnx");
        fineTune = run("fine-tune", "--model", model.toString(), "--data", images.toString(), "--out",
                classifier.toString(), "--mean", "0.3139", "--std", "0.3626", "--epochs", "10", "--lr", "0.01",
                "--head", "mlp:16:0.1", "--json").ok().json();
    }

    @Test
    void accuracyOnTheTestFolderIsTheOneFineTuneReported() {
        JsonObject p = run("predict", "--model", classifier.toString(), "--input", images.resolve("test").toString(),
                "--top", "2", "--json").ok().json();
        assertEquals(30, p.get("count").getAsInt());
        assertEquals(30, p.get("labelled").getAsInt());
        assertEquals(fineTune.get("testAccuracy").getAsDouble(), p.get("accuracy").getAsDouble(), 1e-12);
        assertEquals(1, p.getAsJsonArray("skipped").size());
        JsonObject first = p.getAsJsonArray("predictions").get(0).getAsJsonObject();
        JsonArray top = first.getAsJsonArray("top");
        assertEquals(2, top.size());
        assertEquals(first.get("class").getAsString(), top.get(0).getAsJsonObject().get("class").getAsString());
        assertTrue(top.get(0).getAsJsonObject().get("probability").getAsDouble()
                >= top.get(1).getAsJsonObject().get("probability").getAsDouble());
    }

    @Test
    void onnxRuntimeGivesThePredictedProbabilities() throws IOException, OrtException {
        JsonObject p = run("predict", "--model", classifier.toString(), "--input", images.resolve("test").toString(),
                "--top", "3", "--json").ok().json();
        JsonObject side = com.google.gson.JsonParser.parseString(
                Files.readString(dir.resolve("out/clf.graft.json"))).getAsJsonObject();
        assertEquals("logits", side.get("output").getAsString());
        ImageTransform transform = ImageTransform.eval(1, 28, 28, new float[] {0.3139f}, new float[] {0.3626f});
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(classifier.toString(), new OrtSession.SessionOptions())) {
            for (var e : p.getAsJsonArray("predictions")) {
                JsonObject pred = e.getAsJsonObject();
                Tensor x = transform.toTensor(ImageIO.read(Path.of(pred.get("input").getAsString()).toFile()));
                float[] logits;
                try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.toArray()), new long[] {1, 1, 28, 28});
                     OrtSession.Result r = s.run(Map.of(side.getAsJsonObject("input").get("name").getAsString(), t))) {
                    logits = ((float[][]) r.get("logits").orElseThrow().getValue())[0];
                }
                double[] probability = softmax(logits);
                for (var t : pred.getAsJsonArray("top")) {
                    int c = side.getAsJsonArray("classes").asList().indexOf(t.getAsJsonObject().get("class"));
                    assertEquals(probability[c], t.getAsJsonObject().get("probability").getAsDouble(), 1e-5,
                            pred.toString());
                }
            }
        }
    }

    @Test
    void plainOutputHasALinePerImageAndTheSummary() {
        CliFixtures.Result r = run("predict", "--model", classifier.toString(), "--input",
                images.resolve("test/bag").toString()).ok();
        assertEquals(10, r.out().lines().filter(l -> l.contains("/test/bag/") && l.contains("%")).count(), r.out());
        assertTrue(r.out().contains("10 inputs classified"), r.out());
        assertTrue(r.out().matches("(?s).*accuracy \\d+\\.\\d\\d% \\(\\d+/10\\).*"), r.out());
        CliFixtures.Result one = run("predict", "--model", classifier.toString(), "--input",
                images.resolve("test/bag").resolve(firstFile(images.resolve("test/bag"))).toString()).ok();
        assertTrue(one.out().contains("1 input classified"), one.out());
        assertTrue(!one.out().contains("accuracy"), "a single file has no folder label: " + one.out());
    }

    @Test
    void aModelWithoutSidecarOrAMissingInputFailsInOneLine() throws IOException {
        Path bare = CliFixtures.shippedModel(Files.createDirectories(dir.resolve("bare")));
        CliFixtures.Result r = run("predict", "--model", bare.toString(), "--input", images.toString())
                .failedWithOneLine("predict");
        assertTrue(r.err().contains("no sidecar"), r.err());
        run("predict", "--model", classifier.toString(), "--input", dir.resolve("nope.png").toString())
                .failedWithOneLine("predict");
    }

    @Test
    void theShippedModelPredictsItsOwnClasses() {
        JsonObject p = run("predict", "--model", "demo", "--input", images.resolve("test/bag").toString(), "--json")
                .ok().json();
        String predicted = p.getAsJsonArray("predictions").get(0).getAsJsonObject().get("class").getAsString();
        assertTrue(Set.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat").contains(predicted), predicted);
    }

    private static String firstFile(Path folder) {
        try (var s = Files.list(folder)) {
            return s.map(f -> f.getFileName().toString()).sorted().findFirst().orElseThrow();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = Math.exp(logits[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= sum;
        }
        return out;
    }
}
