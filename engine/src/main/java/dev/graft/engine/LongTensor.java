package dev.graft.engine;

import java.util.Arrays;

/**
 * A contiguous int64 tensor: indices, shapes and labels (what ONNX Shape, Gather and Reshape
 * exchange). Not differentiable.
 */
public final class LongTensor {

    final long[] data;
    private final int[] shape;

    private LongTensor(long[] data, int[] shape) {
        this.data = data;
        this.shape = shape;
    }

    /**
     * Wraps a row-major array without copying it.
     *
     * @throws IllegalArgumentException if {@code data.length} is not the product of {@code shape}
     */
    public static LongTensor of(long[] data, int... shape) {
        if (data.length != Shape.numel(shape)) {
            throw new IllegalArgumentException("LongTensor.of: " + data.length + " values do not fill shape "
                    + Shape.str(shape) + " (" + Shape.numel(shape) + " expected)");
        }
        return new LongTensor(data, shape.clone());
    }

    /** @return a rank-0 tensor holding {@code value} */
    public static LongTensor scalar(long value) {
        return new LongTensor(new long[] {value}, new int[0]);
    }

    /** @return a copy of the dimensions */
    public int[] shape() {
        return shape.clone();
    }

    /** @return the number of dimensions */
    public int dim() {
        return shape.length;
    }

    /** @return the number of elements */
    public int numel() {
        return data.length;
    }

    /** @return the element at {@code index} */
    public long get(int... index) {
        return data[BoolTensor.flatIndex("LongTensor.get", shape, index)];
    }

    /** @return the elements in row-major order, as a new array */
    public long[] toArray() {
        return data.clone();
    }

    /** @return the same elements in a new shape (one dimension may be -1) */
    public LongTensor reshape(int... newShape) {
        return new LongTensor(data, Shape.reshapeTarget("LongTensor.reshape", shape, newShape));
    }

    /** @return the elements as float32 (exact up to 2^24) */
    public Tensor toFloat() {
        float[] out = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = data[i];
        }
        return Tensor.wrap(out, shape);
    }

    @Override
    public String toString() {
        return "LongTensor" + Shape.str(shape) + " " + Arrays.toString(data.length <= 16 ? data : Arrays.copyOf(data, 16));
    }
}
