package dev.graft.transfer.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.graft.engine.GradMode;
import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import dev.graft.nn.Parameter;
import dev.graft.nn.loss.CrossEntropyLoss;
import dev.graft.nn.optim.ParamGroup;
import dev.graft.onnx.OnnxImporter;
import dev.graft.onnx.OnnxModel;
import dev.graft.onnx.Value;
import dev.graft.transfer.BackboneLayer;
import dev.graft.transfer.FineTuneOptions;
import dev.graft.transfer.FineTuner;
import dev.graft.transfer.TransferModel;
import dev.graft.transfer.data.Batch;
import dev.graft.transfer.demo.TextClassificationDemo;
import dev.graft.transfer.train.Evaluation;
import dev.graft.transfer.train.FeatureCache;
import dev.graft.transfer.train.Trainer;
import dev.graft.transfer.train.TrainingListener;
import dev.graft.transfer.train.TrainingSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The text transfer API on the real all-MiniLM-L6-v2: blocks, cached embeddings, head-only
 * training, fine-tuning one block (gradients reach it alone, and it alone changes), gradients
 * through the imported graph against finite differences, and the exported classifier against
 * graft's forward and ONNX Runtime's.
 */
class TextBackboneTest {

    private static OnnxModel encoder;
    private static WordPieceTokenizer tokenizer;
    private static TextDataset debianTrain;
    private static TextDataset debianTest;
    /** Shared by the tests that leave its weights as they found them; the others make their own. */
    private static TextBackbone shared;

    @BeforeAll
    static void load() throws IOException {
        encoder = OnnxImporter.load(MiniLmFiles.modelBytes());
        tokenizer = MiniLmFiles.tokenizer();
        shared = new TextBackbone(encoder, tokenizer);
        debianTrain = debian("train");
        debianTest = debian("test");
    }

    /** The Debian package descriptions the text demo ships (made by scripts/text/make_debian_sections.py). */
    static TextDataset debian(String split) throws IOException {
        String name = TextClassificationDemo.RESOURCES + "debian-sections-" + split + ".jsonl.gz";
        try (InputStream in = TextBackboneTest.class.getResourceAsStream(name)) {
            assertNotNull(in, name + " is shipped in the transfer module's resources");
            return TextDataset.read(new GZIPInputStream(in), name, false, "text", "label");
        }
    }

    private static TextBackbone backbone() {
        return new TextBackbone(encoder, tokenizer);
    }

    @Test
    void theSixTransformerBlocksAreTheLayers() {
        TextBackbone b = shared;
        List<BackboneLayer> blocks = b.layers();
        assertEquals(6, blocks.size());
        for (int k = 0; k < 6; k++) {
            assertEquals("block " + k, blocks.get(k).name());
            // four projections, two feed-forward matrices, six biases, two layer norms of two tensors
            assertEquals(16, blocks.get(k).parameterNames().size(), blocks.get(k).toString());
            assertTrue(blocks.get(k).parameterNames().contains("encoder.encoder_layer_" + k + "_output_LayerNorm_weight"));
        }
        assertEquals(384, b.dim());
        assertEquals(128, b.maxTokens());
        TransferModel model = b.classifier(List.of("a", "b"), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.unfreezeLastLayers(7));
        assertTrue(e.getMessage().contains("6"), e.getMessage());
        assertTrue(model.trainableBackboneParameters().isEmpty(), "the backbone starts frozen");
    }

    @Test
    void anEncoderWithoutTheTokenInputsIsRefused() throws IOException {
        OnnxModel cnn;
        try (InputStream in = getClass().getResourceAsStream("/dev/graft/transfer/fashion-cnn-0to4.onnx")) {
            assertNotNull(in, "the demo CNN is shipped in the transfer module's resources");
            cnn = OnnxImporter.load(in.readAllBytes());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TextBackbone(cnn, tokenizer));
        assertTrue(e.getMessage().contains("input_ids"), e.getMessage());
    }

    @Test
    void cachedFeaturesAreTheSentenceEncodersEmbeddings() {
        TextBackbone b = shared;
        TextDataset texts = debianTest.subset(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 500, 999});
        float[] expected = new SentenceEncoder(encoder, tokenizer).encode(texts.texts()).toArray();
        try (FeatureCache cache = FeatureCache.compute(b, b.tokenize(texts), 4, 1 << 20, TrainingListener.NONE)) {
            float[] got = new float[cache.size() * 384];
            for (int i = 0; i < cache.size(); i++) {
                cache.copyInput(i, got, i * 384, null);
            }
            double worst = 0;
            for (int i = 0; i < got.length; i++) {
                worst = Math.max(worst, Math.abs(got[i] - expected[i]));
            }
            assertTrue(worst < 1e-5, "max difference from SentenceEncoder " + worst);
        }
    }

    @Test
    void headOnlyTrainsOnCachedEmbeddingsAndLeavesTheEncoderAlone() {
        TextBackbone b = shared;
        TextDataset train = debianTrain.subset(debianTrain.samplePerClass(8, 3));
        TextDataset test = debianTest.subset(debianTest.samplePerClass(10, 3)).withClasses(train.classes());
        TransferModel model = b.classifier(train.classes(), 3);
        Map<String, Tensor> before = copy(model.backbone());
        FineTuner.Result r = FineTuner.fit(model, b.tokenize(train), null, new FineTuneOptions().headEpochs(30).seed(3),
                TrainingListener.NONE);
        assertTrue(r.featuresCached(), "the head-only phase should run on cached embeddings");
        assertEquals(Set.of(), changed(before, model.backbone()));
        double accuracy = Evaluation.of(model, b.tokenize(test), 64).accuracy();
        assertTrue(accuracy > 0.5, "10 sections, 8 labels each: accuracy " + accuracy + " should be far above chance");
    }

    @Test
    void fineTuningOneBlockChangesExactlyThatBlockAndLowersTheLoss() {
        TextBackbone b = backbone();
        TextDataset train = debianTrain.subset(debianTrain.samplePerClass(2, 5));
        TokenizedTextDataset data = b.tokenize(train);
        TransferModel model = b.classifier(train.classes(), 5);
        model.unfreezeLastLayers(1);
        model.head().freeze();
        List<Parameter> block = model.trainableBackboneParameters();
        assertEquals(16, block.size());

        // one backward pass: gradients reach the unfrozen block and nothing else
        model.train();
        Batch batch = data.batch(0, 1, 2, 3);
        new CrossEntropyLoss().forward(model.forward(batch.inputs()), batch.labels()).backward();
        Set<String> expected = new TreeSet<>();
        for (String p : b.layers().get(5).parameterNames()) {
            expected.add("backbone." + p);
        }
        Set<String> withGrad = new TreeSet<>();
        for (var e : model.namedParameters().entrySet()) {
            if (e.getValue().grad() != null) {
                withGrad.add(e.getKey());
            }
        }
        assertEquals(expected, withGrad);
        model.zeroGrad();

        double lossBefore = Evaluation.of(model, data, 64).loss();
        Map<String, Tensor> before = copy(model);
        Trainer.fit(model, List.of(ParamGroup.of(block).lr(1e-3)), data, null,
                new TrainingSettings(1, 10, 0, 0, 0, 0, 5), "fine-tune", 1, TrainingListener.NONE);
        double lossAfter = Evaluation.of(model, data, 64).loss();
        assertEquals(expected, changed(before, model));
        assertTrue(lossAfter < lossBefore, "training loss " + lossBefore + " -> " + lossAfter);
    }

    @Test
    void gradientsThroughTheImportedGraphMatchFiniteDifferences() {
        TextBackbone b = shared;
        TextDataset texts = debianTrain.subset(new int[] {0, 1, 2});
        Batch batch = b.tokenize(texts).batch(0, 1, 2);
        TransferModel model = b.classifier(texts.classes(), 11);
        model.unfreezeLastLayers(1);
        model.unfreezeBackbone("encoder.embeddings_word_embeddings_weight");
        model.train();
        CrossEntropyLoss ce = new CrossEntropyLoss();
        ce.forward(model.forward(batch.inputs()), batch.labels()).backward();
        var params = model.namedParameters();
        // the embedding table (Gather's backward), a projection of block 5 (MatMul, attention with its
        // masked Softmax), its feed-forward output (Erf GELU) and a layer norm scale (its decomposition)
        List<String> names = List.of("backbone.encoder.embeddings_word_embeddings_weight",
                "backbone.encoder.onnx::MatMul_950", "backbone.encoder.onnx::MatMul_962",
                "backbone.encoder.encoder_layer_5_attention_output_LayerNorm_weight");
        int checked = 0;
        for (String name : names) {
            Parameter p = params.get(name);
            assertNotNull(p, name + " in " + params.keySet());
            float[] g = p.grad().toArray();
            int best = 0;
            for (int i = 1; i < g.length; i++) {
                best = Math.abs(g[i]) > Math.abs(g[best]) ? i : best;
            }
            float[] w = p.value().toArray();
            float h = 1e-2f;
            double[] losses = new double[2];
            for (int s = 0; s < 2; s++) {
                float[] moved = w.clone();
                moved[best] += s == 0 ? h : -h;
                p.set(Tensor.of(moved, p.shape()));
                losses[s] = ce.forward(model.forward(batch.inputs()), batch.labels()).item();
            }
            p.set(Tensor.of(w, p.shape()));
            double numeric = (losses[0] - losses[1]) / (2 * h);
            assertEquals(numeric, g[best], 0.03 * Math.abs(numeric) + 2e-4, name + "[" + best + "]");
            assertTrue(Math.abs(g[best]) > 1e-3, name + ": gradient too small to check: " + g[best]);
            checked++;
        }
        assertEquals(names.size(), checked);
    }

    @Test
    void theExportedClassifierGivesGraftsAndOnnxRuntimesProbabilities(@TempDir Path dir) throws Exception {
        TextBackbone b = backbone();
        TextDataset train = debianTrain.subset(debianTrain.samplePerClass(2, 9));
        TransferModel model = b.classifier(train.classes(), 9);
        FineTuner.fit(model, b.tokenize(train), null, new FineTuneOptions().headEpochs(3).fineTuneEpochs(1)
                .unfreezeLastLayers(1).batchSize(10).seed(9), TrainingListener.NONE);
        Path file = dir.resolve("text.onnx");
        model.exportOnnx(file);

        TextDataset texts = debianTest.subset(new int[] {0, 10, 20, 30});
        Batch batch = b.tokenize(texts).batch(0, 1, 2, 3);
        float[] ours;
        try (var noGrad = GradMode.noGrad()) {
            ours = model.forward(batch.inputs()).softmax(1).toArray();
        }
        List<Encoding> enc = tokenizer.withPadding(Padding.batchLongest(0, "[PAD]")).encodeBatch(texts.texts());
        int n = enc.size();
        int len = enc.get(0).length();
        long[][] ids = new long[n][len];
        long[][] mask = new long[n][len];
        long[][] types = new long[n][len];
        long[] flatIds = new long[n * len];
        long[] flatMask = new long[n * len];
        for (int r = 0; r < n; r++) {
            for (int t = 0; t < len; t++) {
                ids[r][t] = enc.get(r).ids()[t];
                mask[r][t] = enc.get(r).attentionMask()[t];
                flatIds[r * len + t] = ids[r][t];
                flatMask[r * len + t] = mask[r][t];
            }
        }
        OnnxModel imported = OnnxImporter.load(file);
        imported.eval();
        Map<String, Value> in = new HashMap<>();
        in.put("input_ids", Value.of(LongTensor.of(flatIds, n, len)));
        in.put("attention_mask", Value.of(LongTensor.of(flatMask, n, len)));
        in.put("token_type_ids", Value.of(LongTensor.of(new long[n * len], n, len)));
        float[] reimported;
        try (var noGrad = GradMode.noGrad()) {
            reimported = imported.run(in).get("logits").floatTensor().softmax(1).toArray();
        }
        assertArrayEquals(ours, reimported, 1e-6f, "graft on the exported file vs graft's own forward");

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession ort = env.createSession(Files.readAllBytes(file), new OrtSession.SessionOptions())) {
            Map<String, OnnxTensor> ortIn = new HashMap<>();
            ortIn.put("input_ids", OnnxTensor.createTensor(env, ids));
            ortIn.put("attention_mask", OnnxTensor.createTensor(env, mask));
            ortIn.put("token_type_ids", OnnxTensor.createTensor(env, types));
            try (OrtSession.Result r = ort.run(ortIn)) {
                float[][] logits = (float[][]) r.get("logits").orElseThrow().getValue();
                float[] probabilities = new float[ours.length];
                for (int row = 0; row < n; row++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (float v : logits[row]) {
                        max = Math.max(max, v);
                    }
                    double sum = 0;
                    for (float v : logits[row]) {
                        sum += Math.exp(v - max);
                    }
                    for (int c = 0; c < logits[row].length; c++) {
                        probabilities[row * logits[row].length + c] = (float) (Math.exp(logits[row][c] - max) / sum);
                    }
                }
                assertArrayEquals(probabilities, ours, 1e-5f, "ONNX Runtime on the exported file vs graft");
            }
        }
        assertNull(model.cutTensor());
    }

    private static Map<String, Tensor> copy(dev.graft.nn.Module m) {
        Map<String, Tensor> out = new HashMap<>();
        for (var e : m.namedParameters().entrySet()) {
            Tensor t = e.getValue().value();
            out.put(e.getKey(), Tensor.of(t.toArray(), t.shape()));
        }
        return out;
    }

    private static Set<String> changed(Map<String, Tensor> before, dev.graft.nn.Module m) {
        Set<String> out = new TreeSet<>();
        for (var e : m.namedParameters().entrySet()) {
            if (!java.util.Arrays.equals(before.get(e.getKey()).toArray(), e.getValue().value().toArray())) {
                out.add(e.getKey());
            }
        }
        return out;
    }
}
