package dev.graft.onnx.proto;

import dev.graft.onnx.OnnxFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Reads tensor data stored beside a model ({@code data_location = EXTERNAL}). A model file is
 * untrusted input, so a location may only name a file inside the model's own folder: absolute
 * paths, {@code ..} segments and symbolic links leading outside are refused.
 */
public final class ExternalData {

    private ExternalData() {
    }

    /**
     * @param tensorName for messages
     * @param entries the tensor's {@code external_data} pairs ({@code location}, {@code offset}, {@code length})
     * @param modelDir the folder of the model file, or null when the model was read from memory
     * @param expectedBytes the byte count the tensor's shape and type require
     * @return exactly {@code expectedBytes} bytes
     * @throws OnnxFormatException if the location escapes the folder, the file is missing or too short
     */
    public static byte[] read(String tensorName, Map<String, String> entries, Path modelDir, long expectedBytes) {
        String location = entries.get("location");
        if (location == null || location.isEmpty()) {
            throw new OnnxFormatException("tensor '" + tensorName + "' is stored externally but has no 'location' entry");
        }
        if (modelDir == null) {
            throw new OnnxFormatException("tensor '" + tensorName + "' is stored in external file '" + location
                    + "', but the model was not loaded from a file; load it with OnnxImporter.load(Path)");
        }
        Path rel = Path.of(location);
        for (Path part : rel) {
            if (part.toString().equals("..")) {
                throw new OnnxFormatException("tensor '" + tensorName + "': external data location '" + location
                        + "' contains '..'; only files inside the model's folder are allowed");
            }
        }
        if (rel.isAbsolute() || location.startsWith("/") || location.startsWith("\\")) {
            throw new OnnxFormatException("tensor '" + tensorName + "': external data location '" + location
                    + "' is absolute; only paths relative to the model's folder are allowed");
        }
        long offset = number(tensorName, entries, "offset", 0);
        long length = number(tensorName, entries, "length", -1);
        try {
            Path dir = modelDir.toRealPath();
            Path file = dir.resolve(rel).normalize();
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.exists(file)) {
                throw new OnnxFormatException("tensor '" + tensorName + "': external data file '" + location
                        + "' does not exist in " + dir);
            }
            Path real = file.toRealPath();
            if (!real.startsWith(dir)) {
                throw new OnnxFormatException("tensor '" + tensorName + "': external data location '" + location
                        + "' resolves to " + real + ", outside the model's folder " + dir);
            }
            if (length >= 0 && length != expectedBytes) {
                throw new OnnxFormatException("tensor '" + tensorName + "': external data length " + length
                        + " bytes disagrees with its shape and type, which need " + expectedBytes + " bytes");
            }
            try (FileChannel ch = FileChannel.open(real, StandardOpenOption.READ)) {
                long size = ch.size();
                if (offset > size || size - offset < expectedBytes) {
                    throw new OnnxFormatException("tensor '" + tensorName + "': external file '" + location + "' has "
                            + size + " bytes, too short for " + expectedBytes + " bytes at offset " + offset);
                }
                ByteBuffer buf = ByteBuffer.allocate((int) expectedBytes);
                while (buf.hasRemaining()) {
                    if (ch.read(buf, offset + buf.position()) < 0) {
                        throw new OnnxFormatException("tensor '" + tensorName + "': external file '" + location
                                + "' ended early");
                    }
                }
                return buf.array();
            }
        } catch (IOException e) {
            throw new OnnxFormatException("tensor '" + tensorName + "': cannot read external data '" + location
                    + "': " + e.getMessage(), e);
        }
    }

    private static long number(String tensorName, Map<String, String> entries, String key, long fallback) {
        String v = entries.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < 0) {
                throw new NumberFormatException("negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new OnnxFormatException("tensor '" + tensorName + "': external data " + key + " '" + v
                    + "' is not a non-negative integer");
        }
    }
}
