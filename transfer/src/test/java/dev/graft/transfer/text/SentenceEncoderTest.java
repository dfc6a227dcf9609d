package dev.graft.transfer.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.graft.engine.Tensor;
import dev.graft.nn.checkpoint.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * all-MiniLM-L6-v2 sentence embeddings against ONNX Runtime (test-scope oracle): each golden
 * sentence run alone and unpadded through ONNX Runtime, its token vectors averaged and scaled to
 * unit length in double precision, must equal graft's batched, length-bucketed, padded result
 * within 1e-4.
 */
class SentenceEncoderTest {

    private static SentenceEncoder encoder;
    private static List<String> sentences;

    @BeforeAll
    static void load() throws IOException {
        encoder = MiniLmFiles.encoder();
        sentences = goldenSentences(60);
    }

    /** Every 40th distinct single text of the tokenizer's golden file (descriptions, crafted cases), and its longest. */
    private static List<String> goldenSentences(int count) throws IOException {
        Set<String> distinct = new LinkedHashSet<>();
        try (InputStream raw = SentenceEncoderTest.class.getResourceAsStream(TokenizerGoldenTest.GOLDEN);
             BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                List<?> inputs = (List<?>) ((Map<?, ?>) Json.parse(line)).get("inputs");
                for (Object o : inputs) {
                    List<?> pair = (List<?>) o;
                    if (pair.size() == 1) {
                        distinct.add((String) pair.get(0));
                    }
                }
            }
        }
        List<String> all = new ArrayList<>(distinct);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < all.size() && out.size() < count; i += 40) {
            out.add(all.get(i));
        }
        out.add(all.stream().max(java.util.Comparator.comparingInt(String::length)).orElseThrow());
        return out;
    }

    @Test
    void matchesOnnxRuntimeOnGoldenSentences() throws Exception {
        Tensor ours = encoder.encode(sentences, 8);
        assertArrayEquals(new int[] {sentences.size(), 384}, ours.shape());
        float[] got = ours.toArray();
        WordPieceTokenizer tokenizer = encoder.tokenizer().withPadding(null);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        double worst = 0;
        int longest = 0;
        try (OrtSession ort = env.createSession(MiniLmFiles.modelBytes(), new OrtSession.SessionOptions())) {
            for (int s = 0; s < sentences.size(); s++) {
                Encoding e = tokenizer.encode(sentences.get(s));
                longest = Math.max(longest, e.length());
                double[] expected = referenceEmbedding(env, ort, e);
                for (int k = 0; k < 384; k++) {
                    worst = Math.max(worst, Math.abs(expected[k] - got[s * 384 + k]));
                }
            }
        }
        assertTrue(worst < 1e-4, "max difference from ONNX Runtime " + worst);
        assertEquals(128, longest, "the sentences should include one cut to the tokenizer's 128 tokens");
    }

    /** ONNX Runtime on one unpadded sentence, then the mean over its tokens and unit length, in double. */
    private static double[] referenceEmbedding(OrtEnvironment env, OrtSession ort, Encoding e) throws Exception {
        int n = e.length();
        long[][] ids = new long[1][n];
        long[][] mask = new long[1][n];
        long[][] types = new long[1][n];
        for (int t = 0; t < n; t++) {
            ids[0][t] = e.ids()[t];
            mask[0][t] = 1;
            types[0][t] = e.typeIds()[t];
        }
        Map<String, OnnxTensor> in = new HashMap<>();
        in.put("input_ids", OnnxTensor.createTensor(env, ids));
        in.put("attention_mask", OnnxTensor.createTensor(env, mask));
        in.put("token_type_ids", OnnxTensor.createTensor(env, types));
        try (OrtSession.Result r = ort.run(in)) {
            float[][][] h = (float[][][]) r.get(0).getValue();
            double[] mean = new double[384];
            for (int t = 0; t < n; t++) {
                for (int k = 0; k < 384; k++) {
                    mean[k] += h[0][t][k] / (double) n;
                }
            }
            double norm = 0;
            for (double v : mean) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            for (int k = 0; k < 384; k++) {
                mean[k] /= norm;
            }
            return mean;
        } finally {
            for (OnnxTensor t : in.values()) {
                t.close();
            }
        }
    }

    @Test
    void orderAndBatchSizeDoNotChangeEmbeddings() {
        List<String> some = sentences.subList(0, 12);
        float[] alone = encoder.encode(some, 1).toArray();
        float[] together = encoder.encode(some, 5).toArray();
        List<String> reversed = new ArrayList<>(some);
        java.util.Collections.reverse(reversed);
        float[] backwards = encoder.encode(reversed, 12).toArray();
        for (int s = 0; s < some.size(); s++) {
            for (int k = 0; k < 384; k++) {
                float a = alone[s * 384 + k];
                assertEquals(a, together[s * 384 + k], 2e-5f, "sentence " + s);
                assertEquals(a, backwards[(some.size() - 1 - s) * 384 + k], 2e-5f, "sentence " + s);
            }
        }
        assertArrayEquals(new int[] {0, 0}, encoder.encode(List.of()).shape());
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(some, 0));
    }

    @Test
    void embedsLabelledTextsAsADataset() {
        TextDataset data = new TextDataset(List.of("a game", "a font", "another game"), new long[] {1, 0, 1},
                List.of("fonts", "games"));
        dev.graft.transfer.data.TensorDataset d = encoder.embed(data);
        assertArrayEquals(new int[] {384}, d.sampleShape());
        assertEquals(3, d.size());
        assertEquals(List.of("fonts", "games"), d.classNames());
        assertEquals(0, d.label(1));
        float[] row = new float[384];
        d.copyInput(2, row, 0, null);
        assertArrayEquals(encoder.encode(List.of("another game")).toArray(), row, 0f);
    }

    @Test
    void similarSentencesAreCloser() {
        float[] e = encoder.encode(List.of("A man is playing a guitar.", "Someone plays the guitar.",
                "The stock market fell sharply today.")).toArray();
        double near = 0;
        double far = 0;
        for (int k = 0; k < 384; k++) {
            near += e[k] * e[384 + k];
            far += e[k] * e[768 + k];
        }
        assertTrue(near > 0.6 && far < 0.2 && near > far + 0.4, "cosine near " + near + ", far " + far);
    }

    @Test
    void loadsFromTheJar() throws Exception {
        SentenceEncoder fromJar = SentenceEncoder.load(MiniLmFiles.jar());
        assertArrayEquals(encoder.encode(sentences.subList(0, 3)).toArray(),
                fromJar.encode(sentences.subList(0, 3)).toArray(), 0f);
    }

    @Test
    void findsFilesInAFolderAndSaysWhatIsMissing(@TempDir Path dir) throws IOException {
        IOException e = assertThrows(IOException.class, () -> EncoderFiles.locate(dir.resolve("absent")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        e = assertThrows(IOException.class, () -> EncoderFiles.locate(dir));
        assertTrue(e.getMessage().contains("model.onnx") && e.getMessage().contains("found none"), e.getMessage());
        Files.createDirectories(dir.resolve("onnx"));
        Files.write(dir.resolve("onnx/model.onnx"), new byte[] {8, 7});
        e = assertThrows(IOException.class, () -> EncoderFiles.locate(dir));
        assertTrue(e.getMessage().contains("no tokenizer.json"), e.getMessage());
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        EncoderFiles f = EncoderFiles.locate(dir);
        assertArrayEquals(new byte[] {8, 7}, f.onnx());
        assertEquals("{}", f.tokenizerJson());
        Path notZip = Files.writeString(dir.resolve("model.jar"), "not a zip");
        e = assertThrows(IOException.class, () -> EncoderFiles.locate(notZip));
        assertTrue(e.getMessage().contains("neither a folder nor a readable jar"), e.getMessage());
    }
}
