package dev.graft.nn.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsFloatsLongsAndMetadata() throws IOException {
        Map<String, Tensor> floats = new LinkedHashMap<>();
        floats.put("w", Tensor.of(new float[] {1.5f, -0f, Float.MIN_VALUE, 3e38f, 7f, 8f}, 2, 3));
        floats.put("scalar", Tensor.scalar(0.25f));
        floats.put("empty", Tensor.zeros(0, 4));
        Map<String, LongTensor> longs = Map.of("idx", LongTensor.of(new long[] {Long.MIN_VALUE, -1, 42}, 3));
        Path p = dir.resolve("t.safetensors");
        SafeTensors.write(p, floats, longs, Map.of("epoch", "3", "note", "quote \" and ü"));
        TensorFile f = SafeTensors.read(p);
        assertEquals(floats.keySet(), f.floats().keySet());
        for (var e : floats.entrySet()) {
            assertArrayEquals(e.getValue().shape(), f.floatTensor(e.getKey()).shape());
            assertArrayEquals(e.getValue().toArray(), f.floatTensor(e.getKey()).toArray());
        }
        assertArrayEquals(new long[] {Long.MIN_VALUE, -1, 42}, f.longTensor("idx").toArray());
        assertEquals(Map.of("epoch", "3", "note", "quote \" and ü"), f.metadata());

        byte[] raw = Files.readAllBytes(p);
        long n = ByteBuffer.wrap(raw, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header padded to 8 bytes");
        assertEquals('{', raw[8]);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
        var e = assertThrows(IllegalArgumentException.class, () -> f.longTensor("w"));
        assertTrue(e.getMessage().contains("is F32, expected I64"), e.getMessage());
    }

    @Test
    void overwriteReplacesTheWholeFile() throws IOException {
        Path p = dir.resolve("t.safetensors");
        SafeTensors.write(p, Map.of("a", Tensor.zeros(1000)), Map.of(), Map.of());
        SafeTensors.write(p, Map.of("b", Tensor.ones(2)), Map.of(), Map.of());
        TensorFile f = SafeTensors.read(p);
        assertEquals(java.util.Set.of("b"), f.floats().keySet());
    }

    @Test
    void readsAFileWrittenByThePythonScript() throws Exception {
        TensorFile f = SafeTensors.read(Path.of(getClass().getResource("/parity/cnn_sgd.safetensors").toURI()));
        assertArrayEquals(new int[] {4, 1, 3, 3}, f.floatTensor("init.conv.weight").shape());
        assertArrayEquals(new int[] {8}, f.longTensor("batch0.y").shape());
        assertEquals("20", f.metadata().get("steps"));
    }

    /** A file with the given header text (unpadded) followed by {@code dataBytes} zero bytes. */
    private Path raw(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path p = dir.resolve("bad.safetensors");
        Files.write(p, b.array());
        return p;
    }

    private void assertRejected(Path p, String... fragments) {
        var e = assertThrows(SafeTensorsFormatException.class, () -> SafeTensors.read(p));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message should contain '" + f + "': " + e.getMessage());
        }
    }

    @Test
    void truncatedFiles() throws IOException {
        Path p = dir.resolve("t.safetensors");
        SafeTensors.write(p, Map.of("w", Tensor.ones(4)), Map.of(), Map.of());
        byte[] all = Files.readAllBytes(p);
        Files.write(p, Arrays.copyOf(all, 5));
        assertRejected(p, "5 bytes", "too short");
        Files.write(p, Arrays.copyOf(all, all.length - 4));
        assertRejected(p, "data_offsets [0, 16]", "out of range", "12 bytes");
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        Path p = dir.resolve("t.safetensors");
        Files.write(p, ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putLong(500).array());
        assertRejected(p, "header length 500 goes beyond the end of the file");
        Files.write(p, ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).array());
        assertRejected(p, "header length 18446744073709551615 is outside");
    }

    @Test
    void offsetsOutOfRangeOverlappingOrWithHoles() throws IOException {
        assertRejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 8),
                "tensor 'a'", "data_offsets [4, 12] are out of range", "8 bytes");
        assertRejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "overlaps");
        assertRejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8),
                "bytes [0, 4)", "belong to no tensor");
        assertRejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8),
                "cover 4 bytes but the data section has 8");
        assertRejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 8), "out of range");
    }

    @Test
    void unsupportedDtypeAndShapeSizeMismatch() throws IOException {
        assertRejected(raw("{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4),
                "tensor 'h' has dtype F16", "supported: F32, I64");
        assertRejected(raw("{\"a\":{\"dtype\":\"I64\",\"shape\":[2,2],\"data_offsets\":[0,16]}}", 16),
                "shape [2, 2] of I64 needs 32 bytes", "span 16");
        assertRejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4), "shape [-1]");
    }

    @Test
    void malformedHeaders() throws IOException {
        assertRejected(raw("[1,2]", 0), "header must be a JSON object");
        Path p = raw("{}", 0);
        byte[] bytes = Files.readAllBytes(p);
        bytes[8] = (byte) 0xff;
        Files.write(p, bytes);
        assertRejected(p, "not valid UTF-8");
        assertRejected(raw("{\"a\":", 0), "header is not valid JSON");
        assertRejected(raw("{\"__metadata__\":{\"k\":1}}", 0), "__metadata__ entry 'k' must be a string");
        assertRejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", 4),
                "unknown field 'x'");
    }
}
