package dev.graft.transfer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {

    @TempDir
    Path dir;

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] encode(IdxArray a) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Idx.write(out, a, false);
        return out.toByteArray();
    }

    private Path file(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private MalformedDataException malformed(byte[] content) {
        return assertThrows(MalformedDataException.class, () -> Idx.read(file("bad.idx", content)));
    }

    @Test
    void unsignedBytesRoundTripPlainAndGzipped() throws IOException {
        byte[] pixels = new byte[2 * 3 * 4];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 11);
        }
        IdxArray a = IdxArray.unsignedBytes(pixels, 2, 3, 4);
        for (boolean gz : new boolean[] {false, true}) {
            Path p = dir.resolve("a" + gz);
            Idx.write(p, a, gz);
            byte[] head = Arrays.copyOf(Files.readAllBytes(p), 2);
            assertArrayEquals(gz ? bytes(0x1f, 0x8b) : bytes(0, 0), head);
            IdxArray back = Idx.read(p);
            assertEquals(IdxType.UNSIGNED_BYTE, back.type());
            assertArrayEquals(new int[] {2, 3, 4}, back.dims());
            assertArrayEquals(pixels, back.payload());
            assertEquals(253f, back.toFloats()[23]);
            assertEquals(253L, back.toLongs()[23]);
        }
    }

    @Test
    void headerLayoutIsBigEndian() throws IOException {
        byte[] encoded = encode(IdxArray.unsignedBytes(new byte[300], 300));
        assertArrayEquals(bytes(0, 0, 0x08, 1, 0, 0, 1, 0x2c), Arrays.copyOf(encoded, 8));
        assertEquals(308, encoded.length);
    }

    @Test
    void wideTypesDecodeBigEndian() throws IOException {
        ByteBuffer f = ByteBuffer.allocate(8).putFloat(1.5f).putFloat(-2.25f);
        IdxArray floats = Idx.read(new ByteArrayInputStream(encode(IdxArray.of(IdxType.FLOAT, f.array(), 2))), "f", 1024);
        assertArrayEquals(new float[] {1.5f, -2.25f}, floats.toFloats());
        assertThrows(IllegalStateException.class, floats::toLongs);

        ByteBuffer i = ByteBuffer.allocate(8).putInt(70000).putInt(-3);
        IdxArray ints = Idx.read(new ByteArrayInputStream(encode(IdxArray.of(IdxType.INT, i.array(), 2))), "i", 1024);
        assertArrayEquals(new long[] {70000, -3}, ints.toLongs());

        ByteBuffer s = ByteBuffer.allocate(4).putShort((short) -300).putShort((short) 5);
        assertArrayEquals(new long[] {-300, 5},
                Idx.read(new ByteArrayInputStream(encode(IdxArray.of(IdxType.SHORT, s.array(), 2))), "s", 1024).toLongs());
        assertArrayEquals(new long[] {-1, 127},
                IdxArray.of(IdxType.SIGNED_BYTE, bytes(0xff, 0x7f), 2).toLongs());
    }

    @Test
    void badMagicIsRefused() {
        MalformedDataException e = malformed(bytes(0, 1, 8, 1, 0, 0, 0, 1, 7));
        assertTrue(e.getMessage().contains("bad IDX magic number 00 01 08 01"), e.getMessage());
        assertTrue(malformed(bytes('P', 'K', 3, 4)).getMessage().contains("bad IDX magic"));
        assertTrue(malformed(bytes(0, 0)).getMessage().contains("too short"));
        assertTrue(malformed(new byte[0]).getMessage().contains("0 bytes"));
    }

    @Test
    void unknownTypeAndDimensionCountAreRefused() {
        assertTrue(malformed(bytes(0, 0, 0x0A, 1, 0, 0, 0, 1, 7)).getMessage().contains("unknown IDX element type 0x0a"));
        assertTrue(malformed(bytes(0, 0, 8, 0)).getMessage().contains("0 dimensions"));
        assertTrue(malformed(bytes(0, 0, 8, 200)).getMessage().contains("200 dimensions"));
    }

    @Test
    void truncatedFilesAreRefused() throws IOException {
        byte[] whole = encode(IdxArray.unsignedBytes(new byte[100], 10, 10));
        byte[] cut = Arrays.copyOf(whole, whole.length - 1);
        MalformedDataException plain = malformed(cut);
        assertTrue(plain.getMessage().contains("file has 111 bytes, expected 112"), plain.getMessage());
        MalformedDataException gz = malformed(gzip(cut));
        assertTrue(gz.getMessage().contains("truncated, 99 payload bytes, expected 100"), gz.getMessage());
        byte[] gzWhole = gzip(whole);
        MalformedDataException cutStream = malformed(Arrays.copyOf(gzWhole, gzWhole.length - 12));
        assertTrue(cutStream.getMessage().contains("gzip"), cutStream.getMessage());
        assertTrue(malformed(Arrays.copyOf(whole, 6)).getMessage().contains("ends inside the IDX header"));
    }

    @Test
    void trailingBytesAreRefused() throws IOException {
        byte[] whole = encode(IdxArray.unsignedBytes(new byte[4], 4));
        byte[] longer = Arrays.copyOf(whole, whole.length + 3);
        assertTrue(malformed(longer).getMessage().contains("file has 15 bytes, expected 12"));
        assertTrue(malformed(gzip(longer)).getMessage().contains("data continues after the 4 payload bytes"));
        MalformedDataException stream = assertThrows(MalformedDataException.class,
                () -> Idx.read(new ByteArrayInputStream(longer), "stream", 1024));
        assertTrue(stream.getMessage().startsWith("stream: data continues"), stream.getMessage());
    }

    @Test
    void absurdDimensionsAreRefusedBeforeAllocating() throws IOException {
        // 2^31-1 cubed would overflow a long of bytes; refusing must not try to allocate it.
        byte[] huge = bytes(0, 0, 8, 3, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 1, 2, 3);
        assertTrue(malformed(huge).getMessage().contains("overflowing"), malformed(huge).getMessage());
        assertTrue(malformed(gzip(huge)).getMessage().contains("more than the limit"));
        byte[] unsigned = bytes(0, 0, 8, 1, 0x80, 0, 0, 0);
        assertTrue(malformed(unsigned).getMessage().contains("2147483648"));
        byte[] big = bytes(0, 0, 0x0E, 2, 0, 1, 0, 0, 0, 1, 0, 0);
        MalformedDataException e = malformed(big);
        assertTrue(e.getMessage().contains("34359738368 bytes, more than the limit of 1073741824"), e.getMessage());
        byte[] small = encode(IdxArray.unsignedBytes(new byte[64], 8, 8));
        assertThrows(MalformedDataException.class, () -> Idx.read(new ByteArrayInputStream(small), "s", 63));
        assertEquals(64, Idx.read(new ByteArrayInputStream(small), "s", 64).count());
    }

    @Test
    void idxDatasetScalesPixelsAndChecksPairs() throws IOException {
        Path images = dir.resolve("img.gz");
        Path labels = dir.resolve("lbl");
        Idx.write(images, IdxArray.unsignedBytes(bytes(0, 255, 51, 102, 0, 0, 0, 255), 2, 2, 2), true);
        Idx.write(labels, IdxArray.unsignedBytes(bytes(1, 0), 2), false);
        TensorDataset d = IdxDataset.load(images, labels, List.of("a", "b"));
        assertArrayEquals(new int[] {1, 2, 2}, d.sampleShape());
        Batch b = d.batch(0, 1);
        assertArrayEquals(new float[] {0f, 1f, 0.2f, 0.4f, 0f, 0f, 0f, 1f}, b.inputs().toArray(), 1e-6f);
        assertArrayEquals(new long[] {1, 0}, b.labels().toArray());

        assertTrue(assertThrows(MalformedDataException.class, () -> IdxDataset.load(images, labels, List.of("a")))
                .getMessage().contains("label 0 is 1, expected a class index in [0, 1)"));
        Idx.write(labels, IdxArray.unsignedBytes(bytes(1, 0, 1), 3), false);
        assertTrue(assertThrows(MalformedDataException.class, () -> IdxDataset.load(images, labels, List.of("a", "b")))
                .getMessage().contains("3 labels for the 2 images"));
        assertTrue(assertThrows(MalformedDataException.class, () -> IdxDataset.load(labels, labels, List.of("a", "b")))
                .getMessage().contains("expected UNSIGNED_BYTE images [N, H, W]"));
    }
}
