package dev.graft.onnx.proto;

import com.google.protobuf.CodedOutputStream;
import dev.graft.onnx.DataType;
import dev.graft.onnx.UnsupportedOnnxException;
import dev.graft.onnx.Value;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Turns a {@link Value} into a {@code TensorProto} with little-endian {@code raw_data} in the
 * value's own element type, the counterpart of {@link TensorDecoder}: a float16 parameter held as
 * float32 is rounded back to float16 (ties to even), an int8 constant held as int64 is narrowed
 * back to int8. The bytes are produced while the message is written, a block at a time, so
 * encoding a large weight costs one float array copy, not a byte array of its full size.
 */
public final class TensorEncoder {

    /** Bytes converted per block while writing. */
    private static final int BLOCK = 1 << 16;

    private TensorEncoder() {
    }

    /**
     * @param name the tensor name
     * @param value the value, in any element type graft holds
     * @return the {@code TensorProto}
     * @throws UnsupportedOnnxException if the value's type has no in-memory form in graft
     */
    public static Message encode(String name, Value value) {
        DataType type = value.type();
        int[] shape = value.shape();
        Message m = new Message();
        for (int d : shape) {
            m.varint(1, d);
        }
        m.varint(2, type.code()).string(8, name);
        long bytes = (long) value.numel() * type.byteSize();
        return switch (type.kind()) {
            case FLOAT -> m.streamed(9, bytes, out -> writeFloats(out, type, value.floatTensor().toArray()));
            case INT -> m.streamed(9, bytes, out -> writeInts(out, type, value.longTensor().toArray()));
            case BOOL -> m.streamed(9, bytes, out -> {
                for (boolean b : value.boolTensor().toArray()) {
                    out.write((byte) (b ? 1 : 0));
                }
            });
            case UNSUPPORTED -> throw new UnsupportedOnnxException("tensor '" + name + "' has element type " + type
                    + ", which graft cannot encode");
        };
    }

    private static void writeFloats(CodedOutputStream out, DataType type, float[] v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(BLOCK).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            if (b.remaining() < 8) {
                flush(out, b);
            }
            switch (type) {
                case FLOAT -> b.putFloat(f);
                case DOUBLE -> b.putDouble(f);
                case FLOAT16 -> b.putShort((short) Half.fromFloat(f));
                case BFLOAT16 -> b.putShort((short) (Float.floatToRawIntBits(Half.roundToBfloat16(f)) >>> 16));
                default -> throw new IllegalStateException("not a floating type: " + type);
            }
        }
        flush(out, b);
    }

    private static void writeInts(CodedOutputStream out, DataType type, long[] v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(BLOCK).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            if (b.remaining() < 8) {
                flush(out, b);
            }
            switch (type.byteSize()) {
                case 1 -> b.put((byte) x);
                case 2 -> b.putShort((short) x);
                case 4 -> b.putInt((int) x);
                default -> b.putLong(x);
            }
        }
        flush(out, b);
    }

    private static void flush(CodedOutputStream out, ByteBuffer b) throws IOException {
        out.write(b.array(), 0, b.position());
        b.clear();
    }
}
