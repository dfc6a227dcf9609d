package dev.graft.nn.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.engine.Tensor;
import dev.graft.nn.checkpoint.Json;
import dev.graft.nn.checkpoint.SafeTensors;
import dev.graft.nn.checkpoint.TensorFile;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every loss case of the parity script: value and input gradient against PyTorch. */
class LossParityTest {

    private static TensorFile file;

    static TensorFile file() throws Exception {
        if (file == null) {
            file = SafeTensors.read(Path.of(LossParityTest.class.getResource("/parity/losses.safetensors").toURI()));
        }
        return file;
    }

    static Stream<String> cases() throws Exception {
        return file().metadata().keySet().stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesPyTorch(String name) throws Exception {
        TensorFile f = file();
        Map<?, ?> s = (Map<?, ?>) Json.parse(f.metadata().get(name));
        Reduction reduction = Reduction.valueOf(((String) s.get("reduction")).toUpperCase());
        Tensor input = Tensor.of(f.floatTensor(name + ".input").toArray(), f.floatTensor(name + ".input").shape())
                .requiresGrad(true);
        Tensor weight = f.floats().get(name + ".weight");
        Tensor out = switch ((String) s.get("loss")) {
            case "cross_entropy" -> {
                CrossEntropyLoss loss = new CrossEntropyLoss().reduction(reduction).weight(weight);
                if (s.get("label_smoothing") instanceof Number ls) {
                    loss = loss.labelSmoothing(ls.doubleValue());
                }
                if (s.get("ignore_index") instanceof Long ii) {
                    loss = loss.ignoreIndex(ii);
                }
                yield loss.forward(input, f.longTensor(name + ".target"));
            }
            case "nll" -> new NLLLoss().reduction(reduction).weight(weight)
                    .ignoreIndex((Long) s.get("ignore_index")).forward(input, f.longTensor(name + ".target"));
            case "bce_with_logits" -> new BCEWithLogitsLoss().reduction(reduction).weight(weight)
                    .posWeight(f.floats().get(name + ".pos_weight")).forward(input, f.floatTensor(name + ".target"));
            case "mse" -> new MSELoss(reduction).forward(input, f.floatTensor(name + ".target"));
            case "l1" -> new L1Loss(reduction).forward(input, f.floatTensor(name + ".target"));
            case "huber" -> new HuberLoss(((Number) s.get("delta")).doubleValue(), reduction)
                    .forward(input, f.floatTensor(name + ".target"));
            default -> throw new AssertionError("unknown loss in " + name + ": " + s.get("loss"));
        };
        Tensor expected = f.floatTensor(name + ".out");
        assertArrayEquals(expected.shape(), out.shape(), name + " shape");
        assertClose(name + " value", expected.toArray(), out.toArray());
        out.sum().backward();
        assertClose(name + " gradient", f.floatTensor(name + ".grad").toArray(), input.grad().toArray());
    }

    static void assertClose(String what, float[] expected, float[] actual) {
        assertTrue(expected.length == actual.length, what + ": " + actual.length + " values, expected " + expected.length);
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(expected[i] - actual[i]);
            assertTrue(err <= 1e-5 + 1e-5 * Math.abs(expected[i]),
                    what + "[" + i + "] = " + actual[i] + ", PyTorch " + expected[i]);
        }
    }
}
