package dev.graft.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.graft.onnx.proto.ModelReader;
import dev.graft.onnx.proto.TensorDecoder;
import dev.graft.onnx.proto.TensorDef;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every supported element type, serialized by onnx's own helpers once in its typed field and once
 * as raw_data (scripts/onnx/make_test_models.py), must decode to the same values.
 */
class TensorDecoderTest {

    private static TensorDef read(String name) throws Exception {
        Path p = Path.of(TensorDecoderTest.class.getResource(name + ".pb").toURI());
        return ModelReader.readTensor(Files.readAllBytes(p));
    }

    @ParameterizedTest
    @CsvSource({"float,FLOAT", "double,DOUBLE", "float16,FLOAT16", "int64,INT64", "int32,INT32", "int8,INT8",
        "uint8,UINT8", "bool,BOOL"})
    void typedFieldsAndRawDataAgree(String name, DataType type) throws Exception {
        TensorDef typed = read("typed_" + name);
        TensorDef raw = read("raw_" + name);
        assertEquals(null, typed.raw(), "the typed file must use the typed field");
        assertNotNull(raw.raw(), "the raw file must use raw_data");
        Value a = TensorDecoder.decode(typed, null);
        Value b = TensorDecoder.decode(raw, null);
        assertEquals(type, a.type());
        assertEquals(type, b.type());
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertArrayEquals(b.toDoubleArray(), a.toDoubleArray());
    }

    @Test
    void narrowIntegersKeepTheirSign() throws Exception {
        long[] int8 = TensorDecoder.decode(read("raw_int8"), null).toLongArray();
        long[] uint8 = TensorDecoder.decode(read("raw_uint8"), null).toLongArray();
        for (long v : int8) {
            assertEquals(true, v >= -128 && v <= 127, "int8 value " + v);
        }
        for (long v : uint8) {
            assertEquals(true, v >= 0 && v <= 255, "uint8 value " + v);
        }
    }
}
