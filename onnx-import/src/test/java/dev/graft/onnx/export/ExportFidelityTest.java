package dev.graft.onnx.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnxruntime.OrtException;
import dev.graft.engine.Tensor;
import dev.graft.onnx.OnnxImporter;
import dev.graft.onnx.OnnxModel;
import dev.graft.onnx.Value;
import dev.graft.onnx.proto.ModelReader;
import dev.graft.onnx.proto.TensorDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Re-exporting an untouched imported model reproduces it: every node byte for byte (attributes
 * of every kind: ints, floats, strings, tensors, lists), every initializer byte for byte, and the
 * same outputs in graft and in ONNX Runtime. The models are the PyTorch exports of scripts/onnx (the small CNN
 * and the 26 gradient cases: LSTM, GRU, Einsum, Resize, GridSample, ConvTranspose, TopK, ...).
 */
class ExportFidelityTest {

    private static Path resources() throws Exception {
        return Path.of(ExportFidelityTest.class.getResource("/dev/graft/onnx/small_cnn.onnx").toURI()).getParent();
    }

    static Stream<String> models() throws Exception {
        Stream<String> grad = Files.readAllLines(resources().resolve("grad/cases.txt")).stream()
                .filter(s -> !s.isBlank()).map(s -> "grad/" + s + "/model.onnx");
        return Stream.concat(Stream.of("small_cnn.onnx"), grad);
    }

    private static Tensor tensor(Path pb) throws Exception {
        return TensorDecoder.decode(ModelReader.readTensor(Files.readAllBytes(pb)), null).floatTensor();
    }

    @ParameterizedTest
    @MethodSource("models")
    void reExportReproducesTheFile(String name) throws Exception {
        Path file = resources().resolve(name);
        byte[] original = Files.readAllBytes(file);
        OnnxModel model = OnnxImporter.load(file);
        byte[] exported = OnnxExport.from(model).toBytes();

        Fidelity.assertSameNodes(name, original, exported);
        assertEquals(Fidelity.initializers(original), Fidelity.initializers(exported), name + ": initializers");

        Path x = name.startsWith("grad/") ? file.resolveSibling("x.pb") : resources().resolve("x2.pb");
        Map<String, Value> in = RoundTrip.input(model.inputs().get(0).name(), tensor(x));
        Tensor graftWant = RoundTrip.graft(original, in);
        Tensor graftGot = RoundTrip.graft(exported, in);
        assertArrayEquals(graftWant.toArray(), graftGot.toArray(), 0f, name + ": graft on the original and the export");
        Tensor want;
        try {
            want = RoundTrip.ort(original, in);
        } catch (OrtException e) {
            // ONNX Runtime 1.17 rejects einsum_ellipsis_broadcast itself; the export must fail the same way
            OrtException again = assertThrows(OrtException.class, () -> RoundTrip.ort(exported, in), name);
            assertEquals(e.getMessage(), again.getMessage(), name);
            return;
        }
        Tensor got = RoundTrip.ort(exported, in);
        assertArrayEquals(want.shape(), got.shape(), name);
        assertArrayEquals(want.toArray(), got.toArray(), 0f, name + ": ONNX Runtime on the original and the export");
    }
}
