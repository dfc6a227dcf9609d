package dev.graft.onnx;

import dev.graft.engine.BoolTensor;
import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import java.util.Arrays;

/**
 * A tensor flowing through an ONNX graph together with its ONNX element type. Floating values are
 * engine {@link Tensor}s (so gradients flow through them), integers are {@link LongTensor}s and
 * booleans {@link BoolTensor}s. The element type is kept so that Cast, CastLike and integer
 * wrap-around behave as the model expects even though storage is wider.
 */
public final class Value {

    private final DataType type;
    private final Tensor floats;
    private final LongTensor longs;
    private final BoolTensor bools;

    private Value(DataType type, Tensor floats, LongTensor longs, BoolTensor bools) {
        this.type = type;
        this.floats = floats;
        this.longs = longs;
        this.bools = bools;
    }

    /** @return a float32 value */
    public static Value of(Tensor t) {
        return of(t, DataType.FLOAT);
    }

    /**
     * @param type a floating type (float, double, float16, bfloat16)
     * @return a floating value held as float32
     */
    public static Value of(Tensor t, DataType type) {
        if (type.kind() != DataType.Kind.FLOAT) {
            throw new IllegalArgumentException("Value.of(Tensor, " + type + "): a float tensor needs a floating type");
        }
        return new Value(type, t, null, null);
    }

    /** @return an int64 value */
    public static Value of(LongTensor t) {
        return of(t, DataType.INT64);
    }

    /**
     * @param type an integer type
     * @return an integer value held as int64
     */
    public static Value of(LongTensor t, DataType type) {
        if (type.kind() != DataType.Kind.INT) {
            throw new IllegalArgumentException("Value.of(LongTensor, " + type + "): an int64 tensor needs an integer type");
        }
        return new Value(type, null, t, null);
    }

    /** @return a boolean value */
    public static Value of(BoolTensor t) {
        return new Value(DataType.BOOL, null, null, t);
    }

    /** @return the ONNX element type */
    public DataType type() {
        return type;
    }

    /** @return how the elements are held */
    public DataType.Kind kind() {
        return type.kind();
    }

    /** @return a copy of the dimensions */
    public int[] shape() {
        return floats != null ? floats.shape() : longs != null ? longs.shape() : bools.shape();
    }

    /** @return the number of dimensions */
    public int rank() {
        return shape().length;
    }

    /** @return the number of elements */
    public int numel() {
        return floats != null ? floats.numel() : longs != null ? longs.numel() : bools.numel();
    }

    /**
     * @return the float tensor
     * @throws IllegalStateException if this value is not floating
     */
    public Tensor floatTensor() {
        if (floats == null) {
            throw new IllegalStateException("expected a floating tensor, got " + this);
        }
        return floats;
    }

    /**
     * @return the int64 tensor
     * @throws IllegalStateException if this value is not an integer
     */
    public LongTensor longTensor() {
        if (longs == null) {
            throw new IllegalStateException("expected an integer tensor, got " + this);
        }
        return longs;
    }

    /**
     * @return the boolean tensor
     * @throws IllegalStateException if this value is not boolean
     */
    public BoolTensor boolTensor() {
        if (bools == null) {
            throw new IllegalStateException("expected a bool tensor, got " + this);
        }
        return bools;
    }

    /** @return the elements converted to float32, whatever the type (no gradient for non-floats) */
    public Tensor toFloat() {
        return floats != null ? floats : longs != null ? longs.toFloat() : bools.toFloat();
    }

    /** @return the elements as int64 (floats truncated toward zero) */
    public long[] toLongArray() {
        return floats != null ? floats.toLong().toArray() : longs != null ? longs.toArray() : bools.toLong().toArray();
    }

    /** @return the elements as doubles, in row-major order */
    public double[] toDoubleArray() {
        double[] out = new double[numel()];
        if (floats != null) {
            float[] v = floats.toArray();
            for (int i = 0; i < v.length; i++) {
                out[i] = v[i];
            }
        } else if (longs != null) {
            long[] v = longs.toArray();
            for (int i = 0; i < v.length; i++) {
                out[i] = v[i];
            }
        } else {
            boolean[] v = bools.toArray();
            for (int i = 0; i < v.length; i++) {
                out[i] = v[i] ? 1 : 0;
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return type + Arrays.toString(shape());
    }
}
