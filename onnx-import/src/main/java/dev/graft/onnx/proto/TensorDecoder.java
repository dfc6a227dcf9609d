package dev.graft.onnx.proto;

import dev.graft.engine.BoolTensor;
import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import dev.graft.onnx.DataType;
import dev.graft.onnx.OnnxFormatException;
import dev.graft.onnx.UnsupportedOnnxException;
import dev.graft.onnx.Value;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Turns a {@link TensorDef} into a {@link Value}, checking that the data present matches the
 * declared shape and type before allocating anything for it. Half, bfloat16 and double data are
 * converted to float32 on load; narrow integers are widened to int64.
 */
public final class TensorDecoder {

    /** The most elements one tensor may have: Java arrays are int-indexed. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private TensorDecoder() {
    }

    /**
     * @param t the tensor as read
     * @param modelDir folder for external data, or null
     * @return the decoded value
     * @throws OnnxFormatException if the shape is invalid or the data disagrees with it
     * @throws UnsupportedOnnxException for string or complex tensors
     */
    public static Value decode(TensorDef t, Path modelDir) {
        String name = t.name().isEmpty() ? "<unnamed>" : t.name();
        DataType type = supportedType(t, name);
        int[] shape = shape(name, t.dims());
        int n = (int) count(name, t.dims());
        long bytes = (long) n * type.byteSize();
        if (t.externalData() != null) {
            return fromRaw(name, type, shape, n, readExternal(name, t, modelDir, bytes));
        }
        if (t.raw() != null) {
            if (t.raw().length != bytes) {
                throw new OnnxFormatException("tensor '" + name + "' of type " + type + " and shape " + Arrays.toString(shape)
                        + " needs " + bytes + " bytes of raw_data, found " + t.raw().length);
            }
            return fromRaw(name, type, shape, n, t.raw());
        }
        return fromTyped(name, type, shape, n, t);
    }

    /**
     * Reads a tensor's external data into {@code raw_data}, so it can be written into a
     * self-contained file; a tensor whose data is inline comes back unchanged.
     *
     * @param t the tensor as read
     * @param modelDir folder for external data, or null
     * @return the tensor with its data inline
     * @throws OnnxFormatException if the data cannot be read (see {@link ExternalData})
     */
    public static TensorDef inlineExternal(TensorDef t, Path modelDir) {
        if (t.externalData() == null) {
            return t;
        }
        String name = t.name().isEmpty() ? "<unnamed>" : t.name();
        DataType type = supportedType(t, name);
        shape(name, t.dims());
        byte[] raw = readExternal(name, t, modelDir, count(name, t.dims()) * type.byteSize());
        return new TensorDef(t.name(), t.dataType(), t.dims(), raw, null, null, null, null, null, 0, null);
    }

    private static DataType supportedType(TensorDef t, String name) {
        DataType type = DataType.fromCode(t.dataType());
        if (type.kind() == DataType.Kind.UNSUPPORTED) {
            throw new UnsupportedOnnxException("tensor '" + name + "' has element type " + type
                    + ", which graft does not support");
        }
        return type;
    }

    private static byte[] readExternal(String name, TensorDef t, Path modelDir, long bytes) {
        if (bytes > MAX_ELEMENTS) {
            throw new OnnxFormatException("tensor '" + name + "' needs " + bytes + " bytes of external data; at most "
                    + MAX_ELEMENTS + " are supported");
        }
        return ExternalData.read(name, t.externalData(), modelDir, bytes);
    }

    private static int[] shape(String name, long[] dims) {
        int[] shape = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0 || dims[i] > MAX_ELEMENTS) {
                throw new OnnxFormatException("tensor '" + name + "' has invalid dimension " + dims[i] + " in "
                        + Arrays.toString(dims) + " (expected 0.." + MAX_ELEMENTS + ")");
            }
            shape[i] = (int) dims[i];
        }
        return shape;
    }

    private static long count(String name, long[] dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
            if (n > MAX_ELEMENTS) {
                throw new OnnxFormatException("tensor '" + name + "' has shape " + Arrays.toString(dims) + " with more than "
                        + MAX_ELEMENTS + " elements");
            }
        }
        return n;
    }

    private static Value fromRaw(String name, DataType type, int[] shape, int n, byte[] raw) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case FLOAT -> {
                float[] v = new float[n];
                b.asFloatBuffer().get(v);
                return Value.of(Tensor.of(v, shape), type);
            }
            case DOUBLE -> {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (float) b.getDouble(i * 8);
                }
                return Value.of(Tensor.of(v, shape), type);
            }
            case FLOAT16, BFLOAT16 -> {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    int bits = b.getShort(i * 2) & 0xFFFF;
                    v[i] = type == DataType.FLOAT16 ? Half.toFloat(bits) : Half.bfloat16ToFloat(bits);
                }
                return Value.of(Tensor.of(v, shape), type);
            }
            case BOOL -> {
                boolean[] v = new boolean[n];
                for (int i = 0; i < n; i++) {
                    v[i] = raw[i] != 0;
                }
                return Value.of(BoolTensor.of(v, shape));
            }
            default -> {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = switch (type) {
                        case INT8 -> raw[i];
                        case UINT8 -> raw[i] & 0xFF;
                        case INT16 -> b.getShort(i * 2);
                        case UINT16 -> b.getShort(i * 2) & 0xFFFF;
                        case INT32 -> b.getInt(i * 4);
                        case UINT32 -> b.getInt(i * 4) & 0xFFFFFFFFL;
                        default -> b.getLong(i * 8);
                    };
                }
                return Value.of(LongTensor.of(v, shape), type);
            }
        }
    }

    private static Value fromTyped(String name, DataType type, int[] shape, int n, TensorDef t) {
        switch (type) {
            case FLOAT -> {
                float[] v = need(name, type, "float_data", t.floatData(), n);
                return Value.of(Tensor.of(v.clone(), shape), type);
            }
            case DOUBLE -> {
                double[] d = need(name, type, "double_data", t.doubleData(), n);
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (float) d[i];
                }
                return Value.of(Tensor.of(v, shape), type);
            }
            case FLOAT16, BFLOAT16 -> {
                int[] d = need(name, type, "int32_data", t.int32Data(), n);
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = type == DataType.FLOAT16 ? Half.toFloat(d[i] & 0xFFFF) : Half.bfloat16ToFloat(d[i]);
                }
                return Value.of(Tensor.of(v, shape), type);
            }
            case BOOL -> {
                int[] d = need(name, type, "int32_data", t.int32Data(), n);
                boolean[] v = new boolean[n];
                for (int i = 0; i < n; i++) {
                    v[i] = d[i] != 0;
                }
                return Value.of(BoolTensor.of(v, shape));
            }
            case INT64 -> {
                long[] d = need(name, type, "int64_data", t.int64Data(), n);
                return Value.of(LongTensor.of(d.clone(), shape), type);
            }
            case UINT32, UINT64 -> {
                long[] d = need(name, type, "uint64_data", t.uint64Data(), n);
                return Value.of(LongTensor.of(d.clone(), shape), type);
            }
            default -> {
                int[] d = need(name, type, "int32_data", t.int32Data(), n);
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = type.wrap(d[i]);
                }
                return Value.of(LongTensor.of(v, shape), type);
            }
        }
    }

    private static <A> A need(String name, DataType type, String field, A data, int n) {
        int have = data == null ? 0 : java.lang.reflect.Array.getLength(data);
        if (have != n) {
            throw new OnnxFormatException("tensor '" + name + "' of type " + type + " declares " + n + " elements but "
                    + field + " holds " + have + (data == null ? " (and there is no raw_data)" : ""));
        }
        return data == null ? emptyLike(data, field) : data;
    }

    @SuppressWarnings("unchecked")
    private static <A> A emptyLike(A data, String field) {
        return (A) switch (field) {
            case "float_data" -> new float[0];
            case "double_data" -> new double[0];
            case "int32_data" -> new int[0];
            default -> new long[0];
        };
    }
}
