package dev.graft.engine;

import java.util.Arrays;

/** Shape arithmetic shared by every op: element counts, strides, broadcasting, axis checks. */
public final class Shape {

    /** Largest element count a tensor may hold (Java arrays are int-indexed). */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private Shape() {
    }

    /**
     * @param shape dimensions
     * @return product of the dimensions
     * @throws IllegalArgumentException if a dimension is negative or the product exceeds {@link #MAX_ELEMENTS}
     */
    public static int numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + str(shape));
            }
            n *= d;
            if (n > MAX_ELEMENTS) {
                throw new IllegalArgumentException("shape " + str(shape) + " has more than "
                        + MAX_ELEMENTS + " elements");
            }
        }
        return (int) n;
    }

    /** @return row-major strides of a contiguous tensor of this shape */
    public static int[] contiguousStrides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= Math.max(shape[i], 1);
        }
        return s;
    }

    /**
     * The numpy broadcast of two shapes.
     *
     * @param op op name for the error message
     * @throws IllegalArgumentException if the shapes are incompatible
     */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i < n - a.length ? 1 : a[i - (n - a.length)];
            int db = i < n - b.length ? 1 : b[i - (n - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b)
                        + " cannot be broadcast (dimension " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * Strides that read a tensor of {@code shape}/{@code strides} as if expanded to {@code target}:
     * broadcast dimensions get stride 0.
     */
    static int[] broadcastStrides(String op, int[] shape, int[] strides, int[] target) {
        if (shape.length > target.length) {
            throw new IllegalArgumentException(op + ": cannot broadcast " + str(shape) + " to " + str(target));
        }
        int lead = target.length - shape.length;
        int[] out = new int[target.length];
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == target[lead + i]) {
                out[lead + i] = shape[i] == 1 ? 0 : strides[i];
            } else if (shape[i] == 1) {
                out[lead + i] = 0;
            } else {
                throw new IllegalArgumentException(op + ": cannot broadcast " + str(shape) + " to " + str(target));
            }
        }
        return out;
    }

    /**
     * Resolves a possibly negative axis.
     *
     * @throws IllegalArgumentException naming the op if the axis is out of range
     */
    public static int axis(String op, int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for rank " + rank
                    + " (expected " + (-rank) + ".." + (rank - 1) + ")");
        }
        return a;
    }

    /** Resolves a list of axes (empty means all), rejecting duplicates. Returned sorted ascending. */
    static int[] axes(String op, int[] axes, int rank) {
        if (axes == null || axes.length == 0) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) {
                all[i] = i;
            }
            return all;
        }
        boolean[] seen = new boolean[rank];
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            int a = axis(op, axes[i], rank);
            if (seen[a]) {
                throw new IllegalArgumentException(op + ": axis " + axes[i] + " is given twice in " + Arrays.toString(axes));
            }
            seen[a] = true;
            out[i] = a;
        }
        Arrays.sort(out);
        return out;
    }

    /** @return the shape as {@code [2, 3]} */
    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    static void checkSameShape(String op, int[] a, int[] b) {
        if (!Arrays.equals(a, b)) {
            throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b) + " must be equal");
        }
    }

    /**
     * Resolves a reshape target: at most one -1, inferred from the element count.
     *
     * @throws IllegalArgumentException naming the op if the element counts differ
     */
    static int[] reshapeTarget(String op, int[] shape, int[] newShape) {
        int[] target = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < target.length; i++) {
            if (target[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException(op + ": only one dimension may be -1, got " + Arrays.toString(newShape));
                }
                infer = i;
            } else if (target[i] < 0) {
                throw new IllegalArgumentException(op + ": negative dimension in " + Arrays.toString(newShape));
            } else {
                known *= target[i];
            }
        }
        int n = numel(shape);
        if (infer >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException(op + ": cannot reshape " + str(shape) + " (" + n
                        + " elements) to " + Arrays.toString(newShape));
            }
            target[infer] = (int) (n / known);
        }
        if (known > MAX_ELEMENTS || numel(target) != n) {
            throw new IllegalArgumentException(op + ": cannot reshape " + str(shape) + " (" + n
                    + " elements) to " + str(target));
        }
        return target;
    }
}
