package dev.graft.engine;

import java.util.Arrays;

/** A contiguous boolean tensor: masks from comparisons, the condition of {@link Tensor#where}. */
public final class BoolTensor {

    final boolean[] data;
    private final int[] shape;

    private BoolTensor(boolean[] data, int[] shape) {
        this.data = data;
        this.shape = shape;
    }

    /**
     * Wraps a row-major array without copying it.
     *
     * @throws IllegalArgumentException if {@code data.length} is not the product of {@code shape}
     */
    public static BoolTensor of(boolean[] data, int... shape) {
        if (data.length != Shape.numel(shape)) {
            throw new IllegalArgumentException("BoolTensor.of: " + data.length + " values do not fill shape "
                    + Shape.str(shape) + " (" + Shape.numel(shape) + " expected)");
        }
        return new BoolTensor(data, shape.clone());
    }

    /** @return a copy of the dimensions */
    public int[] shape() {
        return shape.clone();
    }

    /** @return the number of elements */
    public int numel() {
        return data.length;
    }

    /** @return the element at {@code index} */
    public boolean get(int... index) {
        return data[flatIndex("BoolTensor.get", shape, index)];
    }

    static int flatIndex(String op, int[] shape, int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException(op + ": " + index.length + " indices for shape " + Shape.str(shape));
        }
        int flat = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException(op + ": index " + Arrays.toString(index)
                        + " is out of bounds for shape " + Shape.str(shape));
            }
            flat = flat * shape[i] + index[i];
        }
        return flat;
    }

    /** @return the elements in row-major order, as a new array */
    public boolean[] toArray() {
        return data.clone();
    }

    /** @return 1 where true, 0 where false */
    public Tensor toFloat() {
        float[] out = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = data[i] ? 1f : 0f;
        }
        return Tensor.wrap(out, shape);
    }

    /** @return the elementwise negation */
    public BoolTensor not() {
        boolean[] out = new boolean[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = !data[i];
        }
        return new BoolTensor(out, shape);
    }

    /** @return the elementwise and, broadcasting */
    public BoolTensor and(BoolTensor other) {
        return combine("and", other, true);
    }

    /** @return the elementwise or, broadcasting */
    public BoolTensor or(BoolTensor other) {
        return combine("or", other, false);
    }

    private BoolTensor combine(String op, BoolTensor other, boolean and) {
        int[] out = Shape.broadcast(op, shape, other.shape);
        boolean[] r = new boolean[Shape.numel(out)];
        StridedLoop loop = new StridedLoop(out,
                Shape.broadcastStrides(op, shape, Shape.contiguousStrides(shape), out),
                Shape.broadcastStrides(op, other.shape, Shape.contiguousStrides(other.shape), out),
                Shape.contiguousStrides(out));
        int sa = loop.innerStride(0);
        int sb = loop.innerStride(1);
        loop.run(new int[] {0, 0, 0}, (off, n) -> {
            for (int i = 0; i < n; i++) {
                boolean x = data[off[0] + i * sa];
                boolean y = other.data[off[1] + i * sb];
                r[off[2] + i] = and ? x && y : x || y;
            }
        });
        return new BoolTensor(r, out);
    }

    @Override
    public String toString() {
        return "BoolTensor" + Shape.str(shape) + " " + Arrays.toString(data.length <= 16 ? data : Arrays.copyOf(data, 16));
    }
}
