package dev.graft.onnx.proto;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A protobuf message assembled field by field for writing over {@link CodedOutputStream}. Every
 * field's encoded size is known before anything is written, so a nested message goes straight
 * into the output after its length prefix instead of being serialized on its own and copied, and
 * bulk data (a tensor's {@code raw_data}) is produced only while it is written: a model close to
 * the 2 GiB protobuf limit never needs a second copy of its weights in memory.
 *
 * <p>Sizes are {@code long}s so that a message over the limit can be measured and refused before
 * any byte is written.
 */
public final class Message {

    /** Writes a length-delimited payload whose byte count is declared in advance. */
    @FunctionalInterface
    public interface Payload {
        /**
         * @param out the stream, positioned after the field's tag and length
         * @throws IOException if writing fails
         */
        void writeTo(CodedOutputStream out) throws IOException;
    }

    /** One encoded field: its size including tag and length prefix, and how to write it. */
    private interface Field {
        long size();

        void writeTo(CodedOutputStream out) throws IOException;
    }

    private record Varint(int number, long value) implements Field {
        @Override
        public long size() {
            return CodedOutputStream.computeTagSize(number) + CodedOutputStream.computeUInt64SizeNoTag(value);
        }

        @Override
        public void writeTo(CodedOutputStream out) throws IOException {
            out.writeTag(number, WireFormat.WIRETYPE_VARINT);
            out.writeUInt64NoTag(value);
        }
    }

    private record Fixed32(int number, float value) implements Field {
        @Override
        public long size() {
            return CodedOutputStream.computeTagSize(number) + 4L;
        }

        @Override
        public void writeTo(CodedOutputStream out) throws IOException {
            out.writeTag(number, WireFormat.WIRETYPE_FIXED32);
            out.writeFloatNoTag(value);
        }
    }

    private record Nested(int number, Message value) implements Field {
        @Override
        public long size() {
            return delimited(number, value.size());
        }

        @Override
        public void writeTo(CodedOutputStream out) throws IOException {
            startDelimited(out, number, value.size());
            value.writeTo(out);
        }
    }

    /** A length-delimited field (bytes, string, packed scalars) whose body {@code writer} writes. */
    private record Delimited(int number, long length, Payload writer) implements Field {
        @Override
        public long size() {
            return delimited(number, length);
        }

        @Override
        public void writeTo(CodedOutputStream out) throws IOException {
            startDelimited(out, number, length);
            long before = out.getTotalBytesWritten();
            writer.writeTo(out);
            long written = out.getTotalBytesWritten() - before;
            if (written != length) {
                throw new IllegalStateException("Message: field " + number + " declared " + length + " bytes but wrote "
                        + written);
            }
        }
    }

    private final List<Field> fields = new ArrayList<>();
    private long size = -1;

    /** Appends a varint field (int32, int64, uint64, enum, bool); negative values take ten bytes, as protobuf's int64. */
    public Message varint(int number, long value) {
        return add(new Varint(number, value));
    }

    /** Appends a {@code float} field. */
    public Message float32(int number, float value) {
        return add(new Fixed32(number, value));
    }

    /** Appends a {@code bytes} field. */
    public Message bytes(int number, byte[] value) {
        return add(new Delimited(number, value.length, out -> out.writeRawBytes(value)));
    }

    /** Appends a UTF-8 {@code string} field. */
    public Message string(int number, String value) {
        return bytes(number, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Appends a nested message; it must not change afterwards. */
    public Message message(int number, Message value) {
        return add(new Nested(number, value));
    }

    /** Appends a packed repeated varint field (nothing when {@code values} is empty). */
    public Message packedVarints(int number, long[] values) {
        if (values.length == 0) {
            return this;
        }
        long body = 0;
        for (long v : values) {
            body += CodedOutputStream.computeUInt64SizeNoTag(v);
        }
        return add(new Delimited(number, body, out -> {
            for (long v : values) {
                out.writeUInt64NoTag(v);
            }
        }));
    }

    /** Appends a packed repeated {@code float} field (nothing when {@code values} is empty). */
    public Message packedFloats(int number, float[] values) {
        if (values.length == 0) {
            return this;
        }
        return add(new Delimited(number, 4L * values.length, out -> {
            for (float v : values) {
                out.writeFloatNoTag(v);
            }
        }));
    }

    /** Appends a packed repeated {@code double} field (nothing when {@code values} is empty). */
    public Message packedDoubles(int number, double[] values) {
        if (values.length == 0) {
            return this;
        }
        return add(new Delimited(number, 8L * values.length, out -> {
            for (double v : values) {
                out.writeDoubleNoTag(v);
            }
        }));
    }

    /**
     * Appends a {@code bytes} field whose content is produced only when the message is written.
     *
     * @param length the exact number of bytes {@code writer} writes
     */
    public Message streamed(int number, long length, Payload writer) {
        return add(new Delimited(number, length, writer));
    }

    private Message add(Field f) {
        if (size >= 0) {
            throw new IllegalStateException("Message: a field was added after the message was measured");
        }
        fields.add(f);
        return this;
    }

    /** @return the encoded size in bytes (measured once; the message is then frozen) */
    public long size() {
        if (size < 0) {
            long total = 0;
            for (Field f : fields) {
                total += f.size();
            }
            size = total;
        }
        return size;
    }

    /**
     * Writes the fields in the order they were added.
     *
     * @param out the stream (flushed by the caller)
     * @throws IOException if writing fails
     * @throws IllegalStateException if a streamed payload wrote a different number of bytes than it declared
     */
    public void writeTo(CodedOutputStream out) throws IOException {
        for (Field f : fields) {
            f.writeTo(out);
        }
    }

    private static long delimited(int number, long length) {
        return CodedOutputStream.computeTagSize(number) + CodedOutputStream.computeUInt64SizeNoTag(length) + length;
    }

    private static void startDelimited(CodedOutputStream out, int number, long length) throws IOException {
        out.writeTag(number, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt64NoTag(length);
    }
}
