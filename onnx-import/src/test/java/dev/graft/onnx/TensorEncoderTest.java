package dev.graft.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.google.protobuf.CodedOutputStream;
import dev.graft.onnx.proto.Message;
import dev.graft.onnx.proto.ModelReader;
import dev.graft.onnx.proto.ModelWriter;
import dev.graft.onnx.proto.TensorDecoder;
import dev.graft.onnx.proto.TensorDef;
import dev.graft.onnx.proto.TensorEncoder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Encoding against onnx's own serializer: the tensors scripts/onnx/make_test_models.py wrote with
 * onnx's helpers (every element type, once as raw_data and once in its typed field) must come out
 * of graft's encoder byte for byte (doubles, which graft holds as float32, rounded to float32).
 */
class TensorEncoderTest {

    private static byte[] file(String name) throws Exception {
        return Files.readAllBytes(Path.of(TensorEncoderTest.class.getResource(name + ".pb").toURI()));
    }

    private static byte[] bytes(Message m) throws Exception {
        byte[] out = new byte[(int) m.size()];
        CodedOutputStream cos = CodedOutputStream.newInstance(out);
        m.writeTo(cos);
        cos.checkNoSpaceLeft();
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"float", "float16", "int64", "int32", "int8", "uint8", "bool"})
    void valuesEncodeAsOnnxWritesRawData(String type) throws Exception {
        byte[] original = file("raw_" + type);
        Value v = TensorDecoder.decode(ModelReader.readTensor(original), null);
        assertArrayEquals(original, bytes(TensorEncoder.encode(type, v)));
    }

    @Test
    void doublesComeBackRoundedToFloat32() throws Exception {
        // graft computes in float32, so a double initializer keeps float32 precision
        byte[] original = file("raw_double");
        TensorDef t = ModelReader.readTensor(original);
        ByteBuffer want = ByteBuffer.wrap(t.raw().clone()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < want.capacity(); i += 8) {
            want.putDouble(i, (float) want.getDouble(i));
        }
        byte[] expected = original.clone();
        System.arraycopy(want.array(), 0, expected, original.length - want.capacity(), want.capacity());
        Value v = TensorDecoder.decode(t, null);
        assertArrayEquals(expected, bytes(TensorEncoder.encode("double", v)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"float", "double", "float16", "int64", "int32", "int8", "uint8", "bool"})
    void typedTensorsReEncodeAsRead(String type) throws Exception {
        byte[] original = file("typed_" + type);
        assertArrayEquals(original, bytes(ModelWriter.tensor(ModelReader.readTensor(original))));
    }
}
