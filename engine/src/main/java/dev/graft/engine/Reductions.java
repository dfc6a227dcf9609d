package dev.graft.engine;

import dev.graft.engine.kernels.ReduceKernel;

/** Sums, means, maxima and minima over any axes, arg-extremes, softmax, and gradient un-broadcasting. */
final class Reductions {

    private static final int ROW_GRAIN = 1 << 14;

    private Reductions() {
    }

    /** The reduction plan: which axes go, and the input laid out as contiguous rows to reduce. */
    private record Plan(int[] axes, int[] outShape, int[] keptShape, float[] rows, int base, int rowCount, int rowLength) {
    }

    private static Plan plan(String op, Tensor x, int[] axes, boolean keepDims) {
        int rank = x.shape.length;
        int[] red = Shape.axes(op, axes, rank);
        boolean[] isRed = new boolean[rank];
        for (int a : red) {
            isRed[a] = true;
        }
        int[] perm = new int[rank];
        int p = 0;
        int rowCount = 1;
        int rowLength = 1;
        int[] kept = new int[rank - red.length];
        int[] keepShape = new int[rank];
        for (int i = 0; i < rank; i++) {
            if (!isRed[i]) {
                kept[p] = x.shape[i];
                perm[p++] = i;
                rowCount *= x.shape[i];
                keepShape[i] = x.shape[i];
            } else {
                keepShape[i] = 1;
            }
        }
        for (int a : red) {
            perm[p++] = a;
            rowLength *= x.shape[a];
        }
        int[] ps = new int[rank];
        int[] st = new int[rank];
        for (int i = 0; i < rank; i++) {
            ps[i] = x.shape[perm[i]];
            st[i] = x.strides[perm[i]];
        }
        Tensor rows = new Tensor(x.data, x.offset, ps, st).packed();
        return new Plan(red, keepDims ? keepShape : kept, keepShape, rows.data, rows.offset, rowCount, rowLength);
    }

    private interface RowReducer {
        float reduce(float[] rows, int off, int n);
    }

    /** How two partial results of one row combine (the reducer is associative over chunks). */
    private interface Combiner {
        float combine(float a, float b);
    }

    private static float[] reduceRows(Plan p, RowReducer r, Combiner c) {
        int len = p.rowLength;
        if (p.rowCount == 1 && len >= 2 * ROW_GRAIN && Parallel.threads() > 1) {
            // a full reduction is a single row: split the row itself, or it would run on one thread
            int chunks = Math.min(Parallel.threads(), len / ROW_GRAIN);
            float[] partial = new float[chunks];
            Parallel.forRange(chunks, 1, (from, to) -> {
                for (int k = from; k < to; k++) {
                    int lo = (int) ((long) len * k / chunks);
                    int hi = (int) ((long) len * (k + 1) / chunks);
                    partial[k] = r.reduce(p.rows, p.base + lo, hi - lo);
                }
            });
            float acc = partial[0];
            for (int k = 1; k < chunks; k++) {
                acc = c.combine(acc, partial[k]);
            }
            return new float[] {acc};
        }
        float[] out = new float[p.rowCount];
        Parallel.forRange(p.rowCount, Math.max(1, ROW_GRAIN / Math.max(len, 1)), (from, to) -> {
            for (int i = from; i < to; i++) {
                out[i] = r.reduce(p.rows, p.base + i * len, len);
            }
        });
        return out;
    }

    private static float nanMax(float a, float b) {
        return Float.isNaN(a) || Float.isNaN(b) ? Float.NaN : Math.max(a, b);
    }

    private static float nanMin(float a, float b) {
        return Float.isNaN(a) || Float.isNaN(b) ? Float.NaN : Math.min(a, b);
    }

    static Tensor sum(Tensor x, int[] axes, boolean keepDims) {
        Plan p = plan("sum", x, axes, keepDims);
        Tensor y = Tensor.wrap(reduceRows(p, ReduceKernel::sum, Float::sum), p.outShape);
        return Autograd.record(y, "sum", g -> new Tensor[] {g.reshape(p.keptShape).expand(x.shape)}, x);
    }

    static Tensor mean(Tensor x, int[] axes, boolean keepDims) {
        Plan p = plan("mean", x, axes, keepDims);
        float scale = 1f / p.rowLength;
        Tensor y = Tensor.wrap(reduceRows(p, (d, off, n) -> ReduceKernel.sum(d, off, n) * scale, Float::sum), p.outShape);
        return Autograd.record(y, "mean", g -> new Tensor[] {g.mul(scale).reshape(p.keptShape).expand(x.shape)}, x);
    }

    static Tensor extreme(Tensor x, int[] axes, boolean keepDims, boolean largest) {
        String op = largest ? "max" : "min";
        Plan p = plan(op, x, axes, keepDims);
        if (p.rowLength == 0) {
            throw new IllegalArgumentException(op + ": cannot reduce an empty dimension of shape " + Shape.str(x.shape));
        }
        Tensor y = Tensor.wrap(reduceRows(p, largest ? ReduceKernel::max : ReduceKernel::min,
                largest ? Reductions::nanMax : Reductions::nanMin), p.outShape);
        return Autograd.record(y, op, g -> {
            Tensor hit = x.eq(y.reshape(p.keptShape)).toFloat();
            Tensor share = hit.div(hit.sum(p.axes, true));
            return new Tensor[] {share.mul(g.reshape(p.keptShape))};
        }, x);
    }

    static LongTensor argExtreme(Tensor x, int axis, boolean keepDims, boolean largest) {
        String op = largest ? "argmax" : "argmin";
        int ax = Shape.axis(op, axis, x.shape.length);
        Plan p = plan(op, x, new int[] {ax}, keepDims);
        if (p.rowLength == 0) {
            throw new IllegalArgumentException(op + ": dimension " + axis + " of shape " + Shape.str(x.shape) + " is empty");
        }
        long[] out = new long[p.rowCount];
        for (int i = 0; i < p.rowCount; i++) {
            out[i] = ReduceKernel.argExtreme(p.rows, p.base + i * p.rowLength, p.rowLength, largest);
        }
        return LongTensor.of(out, p.outShape);
    }

    static Tensor softmax(Tensor x, int axis) {
        int[] ax = {Shape.axis("softmax", axis, x.shape.length)};
        Tensor e = x.sub(x.detach().max(ax, true)).exp();
        return e.div(e.sum(ax, true));
    }

    static Tensor logSoftmax(Tensor x, int axis) {
        int[] ax = {Shape.axis("logSoftmax", axis, x.shape.length)};
        Tensor shifted = x.sub(x.detach().max(ax, true));
        return shifted.sub(shifted.exp().sum(ax, true).log());
    }

    /** Sums a broadcast gradient back down to the shape of the input it was broadcast from. */
    static Tensor sumToShape(Tensor g, int[] shape) {
        if (java.util.Arrays.equals(g.shape, shape)) {
            return g;
        }
        int lead = g.shape.length - shape.length;
        int count = 0;
        int[] axes = new int[g.shape.length];
        for (int i = 0; i < g.shape.length; i++) {
            if (i < lead || (shape[i - lead] == 1 && g.shape[i] != 1)) {
                axes[count++] = i;
            }
        }
        Tensor s = count == 0 ? g : g.sum(java.util.Arrays.copyOf(axes, count), true);
        return s.reshape(shape);
    }
}
