package dev.graft.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.graft.engine.GradMode;
import dev.graft.engine.Tensor;
import dev.graft.nn.layers.Linear;
import dev.graft.onnx.OnnxImporter;
import dev.graft.onnx.OnnxModel;
import dev.graft.transfer.data.Dataset;
import dev.graft.transfer.data.FashionMnist;
import dev.graft.transfer.data.StratifiedSplit;
import dev.graft.transfer.train.TrainingListener;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TransferModel#exportOnnx}: a model fine-tuned end to end (head, then every backbone layer,
 * so weights and BatchNorm statistics all move) is written, and two independent readers, ONNX
 * Runtime (the reference) and graft's importer, must reproduce the in-memory model's logits.
 */
class TransferModelExportTest {

    /** |got - want| <= TOL * (1 + |want|), as in onnx-import's export tests. */
    private static final double TOL = 1e-5;

    @TempDir
    Path dir;

    @Test
    void fineTunedModelRoundTripsThroughOnnxRuntimeAndTheImporter() throws IOException, OrtException {
        Dataset sample = FashionMnist.sample(FashionMnist.Split.TRAIN).normalize(new float[] {0.3139f},
                new float[] {0.3626f});
        Dataset train = StratifiedSplit.perClass(sample, 20, 3).train();
        TransferModel model = TransferModel.builder(TransferModelTest.shippedModel()).classes(train.classNames())
                .mlpHead(16, 0.3).seed(5).build();
        Map<String, Tensor> before = copy(model.stateDict());
        FineTuner.fit(model, train, null, new FineTuneOptions().headEpochs(2).fineTuneEpochs(1).fineTuneLr(1e-2)
                .batchSize(25).trainBatchNorm(true).seed(6), TrainingListener.NONE);
        assertMoved(before, model.stateDict());

        Path file = dir.resolve("classifier.onnx");
        model.exportOnnx(file);
        byte[] bytes = Files.readAllBytes(file);

        for (int n : new int[] {1, 7}) {
            int[] indices = new int[n];
            for (int i = 0; i < n; i++) {
                indices[i] = 3 * i;
            }
            Tensor x = sample.batch(indices).inputs();
            Tensor want;
            try (var noGrad = GradMode.noGrad()) {
                want = model.forward(x);
            }
            assertArrayEquals(new int[] {n, 5}, want.shape());
            assertClose("ONNX Runtime, batch " + n, want, ort(bytes, x));
            assertClose("graft importer, batch " + n, want, graft(bytes, x));
        }
    }

    @Test
    void theOutputIsNamedLogitsAndTheBatchStaysDynamic() throws IOException {
        TransferModel model = TransferModel.builder(TransferModelTest.shippedModel()).classes(List.of("a", "b"))
                .seed(1).build();
        Path file = dir.resolve("m.onnx");
        model.exportOnnx(file);
        OnnxModel back = OnnxImporter.load(file);
        assertEquals(List.of("logits"), back.outputNames());
        assertTrue(!back.inputs().get(0).dims().get(0).isFixed(), "batch dimension " + back.inputs().get(0).dims());
    }

    @Test
    void aBackboneThatIsNotAnImportedGraphIsRefused() {
        TransferModel model = TransferModel.of(new Linear(4, 3, new Random(1)), new Linear(3, 2, new Random(2)),
                new int[] {4}, List.of("a", "b"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> model.exportOnnx(dir.resolve("x.onnx")));
        assertTrue(e.getMessage().contains("imported ONNX graph"), e.getMessage());
    }

    private static Map<String, Tensor> copy(Map<String, Tensor> state) {
        Map<String, Tensor> out = new java.util.HashMap<>();
        state.forEach((k, v) -> out.put(k, Tensor.of(v.toArray(), v.shape())));
        return out;
    }

    /** The export must carry trained values: every backbone weight and running statistic changed. */
    private static void assertMoved(Map<String, Tensor> before, Map<String, Tensor> after) {
        int checked = 0;
        for (var e : before.entrySet()) {
            if (e.getKey().startsWith("backbone.") && !e.getKey().contains("num_batches")) {
                checked++;
                assertTrue(!Arrays.equals(e.getValue().toArray(), after.get(e.getKey()).toArray()),
                        e.getKey() + " did not change during fine-tuning");
            }
        }
        assertTrue(checked > 10, "only " + checked + " backbone tensors in " + before.keySet());
    }

    private static Tensor ort(byte[] model, Tensor x) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(model, new OrtSession.SessionOptions())) {
            assertEquals("logits", s.getOutputNames().iterator().next());
            long[] shape = Arrays.stream(x.shape()).asLongStream().toArray();
            String input = s.getInputNames().iterator().next();
            try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.toArray()), shape);
                 OrtSession.Result r = s.run(Map.of(input, t))) {
                OnnxTensor out = (OnnxTensor) r.get(0);
                FloatBuffer fb = out.getFloatBuffer();
                float[] v = new float[fb.remaining()];
                fb.get(v);
                return Tensor.of(v, Arrays.stream(out.getInfo().getShape()).mapToInt(d -> (int) d).toArray());
            }
        }
    }

    private static Tensor graft(byte[] model, Tensor x) {
        OnnxModel m = OnnxImporter.load(model);
        m.eval();
        try (var noGrad = GradMode.noGrad()) {
            return m.forward(x);
        }
    }

    private static void assertClose(String what, Tensor want, Tensor got) {
        assertArrayEquals(want.shape(), got.shape(), what + ": shape");
        float[] w = want.toArray();
        float[] g = got.toArray();
        for (int i = 0; i < w.length; i++) {
            double err = Math.abs(g[i] - w[i]) / (1 + Math.abs(w[i]));
            int at = i;
            assertTrue(err <= TOL, () -> what + ": logit " + at + " is " + g[at] + ", in memory " + w[at]);
        }
    }
}
