package dev.graft.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.graft.engine.Tensor;
import dev.graft.onnx.proto.ModelReader;
import dev.graft.onnx.proto.TensorDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Backward passes through imported graphs against PyTorch (scripts/onnx/make_grad_cases.py): for
 * {@code loss = sum(output * r)}, the output and the gradients with respect to the input and to
 * every parameter must match. Covers the operators graft composes from several engine ops
 * (ConvTranspose, 1-D/3-D Conv, pooling with ceil mode, dilation or 3-D windows, Resize, the
 * normalizations, recurrent cells, Einsum, CumSum, TopK, Scatter, ...).
 */
class GradientTest {

    private static Path root() throws Exception {
        return Path.of(GradientTest.class.getResource("grad/cases.txt").toURI()).getParent();
    }

    static Stream<String> cases() throws Exception {
        return Files.readAllLines(root().resolve("cases.txt")).stream().filter(s -> !s.isBlank());
    }

    private static Tensor read(Path p) throws Exception {
        return TensorDecoder.decode(ModelReader.readTensor(Files.readAllBytes(p)), null).floatTensor();
    }

    private static void assertClose(String what, Tensor expected, Tensor actual) {
        assertNotNull(actual, what + " has no gradient");
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        float[] e = expected.toArray();
        float[] a = actual.toArray();
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], 1e-4 + 1e-3 * Math.abs(e[i]), what + " element " + i);
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void gradientsMatchPyTorch(String name) throws Exception {
        Path dir = root().resolve(name);
        OnnxModel model = OnnxImporter.load(dir.resolve("model.onnx"));
        model.eval();
        Tensor x = Tensor.of(read(dir.resolve("x.pb")).toArray(), read(dir.resolve("x.pb")).shape()).requiresGrad(true);
        Map<String, Value> out = model.run(Map.of(model.inputs().get(0).name(), Value.of(x)));
        Tensor y = out.get(model.outputNames().get(0)).floatTensor();
        assertClose(name + " output", read(dir.resolve("y.pb")), y);
        y.mul(read(dir.resolve("r.pb"))).sum().backward();
        assertClose(name + " input gradient", read(dir.resolve("dx.pb")), x.grad());
        List<Path> grads;
        try (Stream<Path> s = Files.list(dir)) {
            grads = s.filter(p -> p.getFileName().toString().startsWith("grad.")).toList();
        }
        for (Path g : grads) {
            String f = g.getFileName().toString();
            String param = f.substring("grad.".length(), f.length() - ".pb".length());
            assertClose(name + " gradient of " + param, read(g), model.parameter(param).grad());
        }
    }
}
