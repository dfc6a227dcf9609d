package dev.graft.nn.checkpoint;

import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the safetensors format, so other tools (PyTorch, Hugging Face) read graft's
 * files and graft reads theirs: an 8-byte little-endian header length {@code n}, {@code n} bytes
 * of JSON mapping each tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}}
 * (offsets relative to the data section) plus an optional {@code "__metadata__"} map of strings,
 * then the raw little-endian data. graft supports the dtypes {@code F32} and {@code I64}.
 *
 * <p>Writes are atomic: the file is written to a temporary file in the same folder, forced to
 * disk, then renamed over the target, so a crash leaves either the old file or the new one.
 * Reads validate the header strictly before touching the data.
 */
public final class SafeTensors {

    /** Headers larger than this are refused (the reference implementation's limit). */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    private static final String METADATA_KEY = "__metadata__";

    private SafeTensors() {
    }

    /**
     * Writes tensors atomically.
     *
     * @param path the target file; its folder must exist
     * @param floats tensors to store as {@code F32}
     * @param longs tensors to store as {@code I64}
     * @param metadata string entries for {@code __metadata__} (may be empty)
     * @throws IllegalArgumentException if a name appears in both maps or is {@code __metadata__}
     * @throws IOException if writing fails; the target is then unchanged
     */
    public static void write(Path path, Map<String, Tensor> floats, Map<String, LongTensor> longs,
                             Map<String, String> metadata) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            header.put(METADATA_KEY, new LinkedHashMap<>(metadata));
        }
        List<byte[]> blobs = new ArrayList<>();
        long offset = 0;
        for (var e : floats.entrySet()) {
            float[] v = e.getValue().toArray();
            ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(v.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            offset = addEntry(header, e.getKey(), "F32", e.getValue().shape(), b.array(), blobs, offset);
        }
        for (var e : longs.entrySet()) {
            if (floats.containsKey(e.getKey())) {
                throw new IllegalArgumentException("SafeTensors.write: name '" + e.getKey() + "' is given as both F32 and I64");
            }
            long[] v = e.getValue().toArray();
            ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(v.length, 8)).order(ByteOrder.LITTLE_ENDIAN);
            b.asLongBuffer().put(v);
            offset = addEntry(header, e.getKey(), "I64", e.getValue().shape(), b.array(), blobs, offset);
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        // The format pads the header with spaces so the data starts 8-byte aligned.
        int padded = (json.length + 7) / 8 * 8;
        byte[] head = Arrays.copyOf(json, padded);
        Arrays.fill(head, json.length, padded, (byte) ' ');
        ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).flip();

        Path dir = path.toAbsolutePath().getParent();
        Path tmp = createSibling(dir, path.getFileName().toString());
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(ch, prefix);
                writeFully(ch, ByteBuffer.wrap(head));
                for (byte[] blob : blobs) {
                    writeFully(ch, ByteBuffer.wrap(blob));
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot write " + path + " atomically: the file system does not support atomic rename", e);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        syncDirectory(dir);
    }

    /**
     * Creates an empty, uniquely named file next to the target. Unlike {@code Files.createTempFile}
     * this keeps the default permissions (umask), which the renamed checkpoint then has too.
     */
    private static Path createSibling(Path dir, String name) throws IOException {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; ; attempt++) {
            Path candidate = dir.resolve("." + name + "." + Long.toUnsignedString(random.nextLong(), 36) + ".tmp");
            try {
                return Files.createFile(candidate);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw e;
                }
            }
        }
    }

    private static long addEntry(Map<String, Object> header, String name, String dtype, int[] shape, byte[] data,
                                 List<byte[]> blobs, long offset) {
        if (name.equals(METADATA_KEY)) {
            throw new IllegalArgumentException("SafeTensors.write: '" + METADATA_KEY + "' is reserved and cannot name a tensor");
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("dtype", dtype);
        List<Object> dims = new ArrayList<>();
        for (int d : shape) {
            dims.add((long) d);
        }
        entry.put("shape", dims);
        entry.put("data_offsets", List.of(offset, offset + data.length));
        header.put(name, entry);
        blobs.add(data);
        return offset + data.length;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Makes the rename itself durable; some platforms cannot open a folder for this, and lose nothing but that guarantee. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not supported here (e.g. Windows); the data itself was already forced to disk.
        }
    }

    /**
     * Reads a whole file after validating its header: the header length must fit the file and
     * {@link #MAX_HEADER_BYTES}, the header must be a JSON object whose entries have a supported
     * dtype, a non-negative shape whose byte size equals the entry's offset range, and offsets
     * that lie inside the data section without overlapping or leaving holes.
     *
     * @throws SafeTensorsFormatException naming the first problem found
     * @throws IOException if the file cannot be read
     */
    public static TensorFile read(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new SafeTensorsFormatException(path + ": file has " + size
                        + " bytes, too short for the 8-byte header length of a safetensors file");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, path);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen < 2 || headerLen > MAX_HEADER_BYTES) {
                throw new SafeTensorsFormatException(path + ": header length " + Long.toUnsignedString(headerLen)
                        + " is outside [2, " + MAX_HEADER_BYTES + "]");
            }
            if (8 + headerLen > size) {
                throw new SafeTensorsFormatException(path + ": header length " + headerLen + " goes beyond the end of the file ("
                        + size + " bytes, so at most " + (size - 8) + ")");
            }
            ByteBuffer headBuf = ByteBuffer.allocate((int) headerLen);
            readFully(ch, headBuf, 8, path);
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().decode(headBuf.flip()).toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new SafeTensorsFormatException(path + ": header is not valid UTF-8");
            }
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            List<Entry> entries = new ArrayList<>();
            Map<String, String> metadata = parseHeader(path, text, dataLen, entries);

            Map<String, Tensor> floats = new LinkedHashMap<>();
            Map<String, LongTensor> longs = new LinkedHashMap<>();
            for (Entry e : entries) {
                ByteBuffer b = ByteBuffer.allocate((int) (e.end - e.begin)).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, b, dataStart + e.begin, path);
                b.flip();
                if (e.dtype.equals("F32")) {
                    float[] v = new float[(int) (e.numel)];
                    b.asFloatBuffer().get(v);
                    floats.put(e.name, Tensor.of(v, e.shape));
                } else {
                    long[] v = new long[(int) (e.numel)];
                    b.asLongBuffer().get(v);
                    longs.put(e.name, LongTensor.of(v, e.shape));
                }
            }
            return new TensorFile(floats, longs, metadata);
        }
    }

    private record Entry(String name, String dtype, int[] shape, long numel, long begin, long end) {
    }

    private static Map<String, String> parseHeader(Path path, String text, long dataLen, List<Entry> entries)
            throws SafeTensorsFormatException {
        Object root;
        try {
            root = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new SafeTensorsFormatException(path + ": header is not valid JSON: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new SafeTensorsFormatException(path + ": header must be a JSON object, got " + describe(root));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (var e : map.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals(METADATA_KEY)) {
                if (!(e.getValue() instanceof Map<?, ?> meta)) {
                    throw new SafeTensorsFormatException(path + ": __metadata__ must be an object of strings, got "
                            + describe(e.getValue()));
                }
                for (var m : meta.entrySet()) {
                    if (!(m.getValue() instanceof String s)) {
                        throw new SafeTensorsFormatException(path + ": __metadata__ entry '" + m.getKey()
                                + "' must be a string, got " + describe(m.getValue()));
                    }
                    metadata.put((String) m.getKey(), s);
                }
                continue;
            }
            entries.add(parseEntry(path, name, e.getValue(), dataLen));
        }
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expectedBegin = 0;
        for (Entry e : sorted) {
            if (e.begin < expectedBegin) {
                throw new SafeTensorsFormatException(path + ": tensor '" + e.name + "' data [" + e.begin + ", " + e.end
                        + ") overlaps the previous tensor, which ends at " + expectedBegin);
            }
            if (e.begin > expectedBegin) {
                throw new SafeTensorsFormatException(path + ": bytes [" + expectedBegin + ", " + e.begin
                        + ") of the data section belong to no tensor (the format allows no holes)");
            }
            expectedBegin = e.end;
        }
        if (expectedBegin != dataLen) {
            throw new SafeTensorsFormatException(path + ": the tensors cover " + expectedBegin
                    + " bytes but the data section has " + dataLen + " bytes");
        }
        return metadata;
    }

    private static Entry parseEntry(Path path, String name, Object value, long dataLen) throws SafeTensorsFormatException {
        String where = path + ": tensor '" + name + "'";
        if (!(value instanceof Map<?, ?> m)) {
            throw new SafeTensorsFormatException(where + " must be an object with dtype, shape and data_offsets, got "
                    + describe(value));
        }
        for (Object key : m.keySet()) {
            if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
                throw new SafeTensorsFormatException(where + " has unknown field '" + key
                        + "' (expected dtype, shape, data_offsets)");
            }
        }
        if (!(m.get("dtype") instanceof String dtype)) {
            throw new SafeTensorsFormatException(where + ": dtype must be a string, got " + describe(m.get("dtype")));
        }
        int elementSize = switch (dtype) {
            case "F32" -> 4;
            case "I64" -> 8;
            default -> throw new SafeTensorsFormatException(where + " has dtype " + dtype
                    + ", which graft does not support (supported: F32, I64)");
        };
        if (!(m.get("shape") instanceof List<?> dims)) {
            throw new SafeTensorsFormatException(where + ": shape must be a list of sizes, got " + describe(m.get("shape")));
        }
        int[] shape = new int[dims.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                throw new SafeTensorsFormatException(where + ": shape " + dims + " must hold integers in [0, "
                        + Integer.MAX_VALUE + "]");
            }
            shape[i] = (int) (long) d;
            numel *= d;
            if (numel > Integer.MAX_VALUE) {
                throw new SafeTensorsFormatException(where + ": shape " + dims + " has more than " + Integer.MAX_VALUE
                        + " elements");
            }
        }
        if (!(m.get("data_offsets") instanceof List<?> offs) || offs.size() != 2
                || !(offs.get(0) instanceof Long begin) || !(offs.get(1) instanceof Long end)) {
            throw new SafeTensorsFormatException(where + ": data_offsets must be [begin, end] integers, got "
                    + describe(m.get("data_offsets")));
        }
        if (begin < 0 || end < begin || end > dataLen) {
            throw new SafeTensorsFormatException(where + ": data_offsets [" + begin + ", " + end
                    + "] are out of range; the data section has " + dataLen + " bytes");
        }
        if (end - begin != numel * elementSize) {
            throw new SafeTensorsFormatException(where + ": shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + numel * elementSize + " bytes, but data_offsets [" + begin + ", " + end + "] span " + (end - begin));
        }
        return new Entry(name, dtype, shape, numel, begin, end);
    }

    private static String describe(Object v) {
        return v == null ? "null" : v instanceof String s ? "the string \"" + s + "\"" : v.toString();
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long position, Path path) throws IOException {
        long pos = position;
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) {
                throw new SafeTensorsFormatException(path + ": file ended at byte " + pos + " while reading");
            }
            pos += n;
        }
    }
}
