package dev.graft.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.engine.GradMode;
import dev.graft.engine.Tensor;
import dev.graft.nn.Parameter;
import dev.graft.onnx.proto.ModelReader;
import dev.graft.onnx.proto.TensorDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The imported model as a trainable module, against golden data from PyTorch
 * (scripts/onnx/make_test_models.py): a small CNN with Conv, BatchNorm, ReLU, MaxPool, a dynamic
 * flatten (Shape, Gather, Unsqueeze, Concat, Reshape) and a Gemm head.
 */
class OnnxModelTest {

    private static Path resource(String name) throws Exception {
        return Path.of(OnnxModelTest.class.getResource(name).toURI());
    }

    private static OnnxModel load() throws Exception {
        return OnnxImporter.load(resource("small_cnn.onnx"));
    }

    private static Tensor golden(String name) throws Exception {
        return TensorDecoder.decode(ModelReader.readTensor(Files.readAllBytes(resource(name + ".pb"))), null).floatTensor();
    }

    private static void assertClose(Tensor expected, Tensor actual, double tol) {
        assertArrayEquals(expected.shape(), actual.shape(), "shape");
        float[] e = expected.toArray();
        float[] a = actual.toArray();
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], tol * (1 + Math.abs(e[i])), "element " + i);
        }
    }

    @Test
    void evalForwardMatchesPyTorchForTwoBatchSizes() throws Exception {
        OnnxModel m = load();
        m.eval();
        try (var ignored = GradMode.noGrad()) {
            assertClose(golden("eval_logits2"), m.forward(golden("x2")), 1e-4);
            // a second batch size exercises the per-shape cache of the folded Shape/Gather/Concat subgraph
            assertClose(golden("eval_logits3"), m.forward(golden("x3")), 1e-4);
            assertClose(golden("eval_logits2"), m.forward(golden("x2")), 1e-4);
        }
    }

    @Test
    void initializersBecomeParametersAndRunningStatsBuffers() throws Exception {
        OnnxModel m = load();
        assertEquals(List.of("conv_weight", "conv_bias", "bn_weight", "bn_bias", "fc_weight", "fc_bias"),
                List.copyOf(m.namedParameters().keySet()));
        assertEquals(List.of("bn_running_mean", "bn_running_var"), List.copyOf(m.namedBuffers().keySet()));
        assertEquals("conv.weight", m.onnxName("conv_weight"));
        assertEquals("bn_running_var", m.moduleName("bn.running_var"));
        assertTrue(m.parameter("fc.weight").trainable());
        assertEquals(1, m.inputs().size());
        assertEquals("batch", m.inputs().get(0).dims().get(0).param());
    }

    @Test
    void gradientsMatchPyTorch() throws Exception {
        OnnxModel m = load();
        m.eval();
        m.forward(golden("x2")).sum().backward();
        assertClose(golden("grad_conv_weight"), m.parameter("conv.weight").grad(), 1e-3);
        assertClose(golden("grad_fc_weight"), m.parameter("fc.weight").grad(), 1e-3);
        assertClose(golden("grad_bn_weight"), m.parameter("bn.weight").grad(), 1e-3);
    }

    @Test
    void trainingModeUsesBatchStatisticsAndUpdatesRunningStats() throws Exception {
        OnnxModel m = load();
        m.train();
        try (var ignored = GradMode.noGrad()) {
            assertClose(golden("train_logits2"), m.forward(golden("x2")), 1e-4);
        }
        assertClose(golden("train_running_mean"), m.namedBuffers().get("bn_running_mean"), 1e-5);
        assertClose(golden("train_running_var"), m.namedBuffers().get("bn_running_var"), 1e-5);
    }

    @Test
    void frozenBatchNormStaysInInferenceMode() throws Exception {
        OnnxModel m = load();
        m.freeze();
        m.train();
        Tensor before = m.namedBuffers().get("bn_running_mean");
        Tensor y = m.forward(golden("x2"));
        assertClose(golden("eval_logits2"), y, 1e-4);
        assertFalse(y.requiresGrad(), "a fully frozen model records no tape");
        assertClose(before, m.namedBuffers().get("bn_running_mean"), 0);
    }

    @Test
    void cutGivesABackboneReturningAnyTensor() throws Exception {
        OnnxModel m = load();
        m.eval();
        String relu = m.nodes().stream().filter(n -> n.opType().equals("Relu")).findFirst().orElseThrow().outputs().get(0);
        OnnxModel backbone = m.cut(relu);
        assertEquals(List.of(relu), backbone.outputNames());
        assertFalse(backbone.isTraining());
        assertEquals(List.of("conv_weight", "conv_bias", "bn_weight", "bn_bias"),
                List.copyOf(backbone.namedParameters().keySet()));
        try (var ignored = GradMode.noGrad()) {
            assertClose(golden("eval_relu2"), backbone.forward(golden("x2")), 1e-4);
        }
        assertThrows(OnnxFormatException.class, () -> m.cut("no_such_tensor"));
        String reluNode = m.nodes().stream().filter(n -> n.opType().equals("Relu")).findFirst().orElseThrow().name();
        assertEquals(List.of(relu), m.cut(reluNode).outputNames());
    }

    @Test
    void nodesAreAddressableByName() throws Exception {
        OnnxModel m = load();
        NodeInfo first = m.nodes().get(0);
        assertEquals("Conv", first.opType());
        assertEquals(first, m.node(first.name()));
        assertEquals(11, first.version());
        assertThrows(IllegalArgumentException.class, () -> m.node("nope"));
    }

    @Test
    void runReturnsOutputsByName() throws Exception {
        OnnxModel m = load();
        m.eval();
        Map<String, Value> out = m.run(Map.of("images", Value.of(golden("x2"))));
        assertEquals(List.of("logits"), List.copyOf(out.keySet()));
        assertClose(golden("eval_logits2"), out.get("logits").floatTensor(), 1e-4);
        Parameter w = m.parameter("fc.weight");
        assertNotNull(w.value());
    }
}
