package dev.graft.engine;

import java.util.Arrays;

/** Concat, split, gather and pad: ops that move elements without computing on them. */
final class Indexing {

    private Indexing() {
    }

    static Tensor concat(int axis, Tensor... ts) {
        if (ts.length == 0) {
            throw new IllegalArgumentException("concat: no tensors given");
        }
        int rank = ts[0].shape.length;
        int ax = Shape.axis("concat", axis, rank);
        int total = 0;
        for (Tensor t : ts) {
            boolean ok = t.shape.length == rank;
            for (int i = 0; ok && i < rank; i++) {
                ok = i == ax || t.shape[i] == ts[0].shape[i];
            }
            if (!ok) {
                StringBuilder shapes = new StringBuilder();
                for (Tensor u : ts) {
                    shapes.append(' ').append(Shape.str(u.shape));
                }
                throw new IllegalArgumentException("concat: shapes" + shapes + " differ outside axis " + axis);
            }
            total += t.shape[ax];
        }
        int[] shape = ts[0].shape.clone();
        shape[ax] = total;
        float[] out = new float[Shape.numel(shape)];
        int[] cs = Shape.contiguousStrides(shape);
        int start = 0;
        int[] starts = new int[ts.length];
        for (int k = 0; k < ts.length; k++) {
            starts[k] = start;
            ts[k].copyInto(out, start * cs[ax], cs);
            start += ts[k].shape[ax];
        }
        Tensor y = Tensor.wrap(out, shape);
        return Autograd.record(y, "concat", g -> {
            Tensor[] grads = new Tensor[ts.length];
            for (int k = 0; k < ts.length; k++) {
                grads[k] = ts[k].requiresGrad() ? g.slice(ax, starts[k], starts[k] + ts[k].shape[ax], 1) : null;
            }
            return grads;
        }, ts);
    }

    static Tensor[] split(Tensor x, int axis, int... sizes) {
        int ax = Shape.axis("split", axis, x.shape.length);
        long sum = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw new IllegalArgumentException("split: negative size in " + Arrays.toString(sizes));
            }
            sum += s;
        }
        if (sum != x.shape[ax]) {
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " add up to " + sum
                    + " but dimension " + axis + " of shape " + Shape.str(x.shape) + " is " + x.shape[ax]);
        }
        Tensor[] parts = new Tensor[sizes.length];
        int start = 0;
        for (int k = 0; k < sizes.length; k++) {
            parts[k] = x.slice(ax, start, start + sizes[k], 1);
            start += sizes[k];
        }
        return parts;
    }

    static Tensor gather(Tensor x, int axis, LongTensor indices) {
        int ax = Shape.axis("gather", axis, x.shape.length);
        int dim = x.shape[ax];
        long[] raw = indices.data;
        int[] idx = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            long v = raw[i] < 0 ? raw[i] + dim : raw[i];
            if (v < 0 || v >= dim) {
                throw new IndexOutOfBoundsException("gather: index " + raw[i] + " is out of range for dimension "
                        + axis + " of size " + dim + " (shape " + Shape.str(x.shape) + ")");
            }
            idx[i] = (int) v;
        }
        int outer = 1;
        for (int i = 0; i < ax; i++) {
            outer *= x.shape[i];
        }
        int inner = 1;
        for (int i = ax + 1; i < x.shape.length; i++) {
            inner *= x.shape[i];
        }
        int[] ishape = indices.shape();
        int[] shape = new int[x.shape.length - 1 + ishape.length];
        System.arraycopy(x.shape, 0, shape, 0, ax);
        System.arraycopy(ishape, 0, shape, ax, ishape.length);
        System.arraycopy(x.shape, ax + 1, shape, ax + ishape.length, x.shape.length - ax - 1);
        Tensor srcPacked = x.packed();
        float[] src = srcPacked.data;
        int base = srcPacked.offset;
        float[] out = new float[Shape.numel(shape)];
        int fo = outer;
        int fi = inner;
        Parallel.forRange(outer, Math.max(1, (1 << 14) / Math.max(1, idx.length * inner)), (from, to) -> {
            for (int o = from; o < to; o++) {
                for (int j = 0; j < idx.length; j++) {
                    System.arraycopy(src, base + (o * dim + idx[j]) * fi, out, (o * idx.length + j) * fi, fi);
                }
            }
        });
        Tensor y = Tensor.wrap(out, shape);
        int[] xshape = x.shape;
        return Autograd.record(y, "gather", g -> {
            Tensor gdPacked = g.packed();
            float[] gd = gdPacked.data;
            int gb = gdPacked.offset;
            float[] dx = new float[Shape.numel(xshape)];
            // scatter-add runs serially per outer slice so repeated indices never race
            Parallel.forRange(fo, 1, (from, to) -> {
                for (int o = from; o < to; o++) {
                    for (int j = 0; j < idx.length; j++) {
                        int d = (o * dim + idx[j]) * fi;
                        int s = gb + (o * idx.length + j) * fi;
                        for (int k = 0; k < fi; k++) {
                            dx[d + k] += gd[s + k];
                        }
                    }
                }
            });
            return new Tensor[] {Tensor.wrap(dx, xshape)};
        }, x);
    }

    /**
     * For each position of {@code indices}, the element of {@code x} at the same position except
     * along {@code axis}, where the index is taken from {@code indices} (torch.gather, ONNX GatherElements).
     */
    static Tensor gatherElements(Tensor x, int axis, LongTensor indices) {
        int rank = x.shape.length;
        int ax = Shape.axis("gatherElements", axis, rank);
        int[] ishape = indices.shape();
        if (ishape.length != rank) {
            throw new IllegalArgumentException("gatherElements: indices of shape " + Shape.str(ishape)
                    + " must have the rank of the input " + Shape.str(x.shape));
        }
        for (int d = 0; d < rank; d++) {
            if (d != ax && ishape[d] > x.shape[d]) {
                throw new IllegalArgumentException("gatherElements: indices shape " + Shape.str(ishape)
                        + " exceeds input shape " + Shape.str(x.shape) + " in dimension " + d);
            }
        }
        int dim = x.shape[ax];
        int[] xs = Shape.contiguousStrides(x.shape);
        int n = indices.numel();
        int[] source = new int[n];
        int[] idx = new int[rank];
        for (int i = 0; i < n; i++) {
            long v = indices.data[i];
            long r = v < 0 ? v + dim : v;
            if (r < 0 || r >= dim) {
                throw new IndexOutOfBoundsException("gatherElements: index " + v + " at " + Arrays.toString(idx)
                        + " is out of range for dimension " + axis + " of size " + dim);
            }
            int off = 0;
            for (int d = 0; d < rank; d++) {
                off += (d == ax ? (int) r : idx[d]) * xs[d];
            }
            source[i] = off;
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < ishape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        Tensor srcPacked = x.packed();
        float[] src = srcPacked.data;
        int base = srcPacked.offset;
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = src[base + source[i]];
        }
        int[] xshape = x.shape;
        return Autograd.record(Tensor.wrap(out, ishape), "gatherElements", g -> {
            float[] gd = g.toArray();
            float[] dx = new float[Shape.numel(xshape)];
            for (int i = 0; i < n; i++) {
                dx[source[i]] += gd[i];
            }
            return new Tensor[] {Tensor.wrap(dx, xshape)};
        }, x);
    }

    static Tensor pad(Tensor x, int[] pads, PadMode mode, float value) {
        int rank = x.shape.length;
        if (pads.length != 2 * rank) {
            throw new IllegalArgumentException("pad: " + pads.length + " pad amounts given for a tensor of rank " + rank
                    + " (expected " + 2 * rank + ": all begins, then all ends)");
        }
        int[] shape = new int[rank];
        int[][] source = new int[rank][];
        for (int d = 0; d < rank; d++) {
            int n = x.shape[d];
            int before = pads[d];
            int after = pads[d + rank];
            shape[d] = n + before + after;
            if (shape[d] < 0) {
                throw new IllegalArgumentException("pad: pads " + Arrays.toString(pads) + " crop dimension " + d
                        + " of shape " + Shape.str(x.shape) + " below zero");
            }
            if (mode != PadMode.CONSTANT && n == 0 && shape[d] > 0) {
                throw new IllegalArgumentException("pad: " + mode + " padding of an empty dimension " + d + " is undefined");
            }
            if (mode == PadMode.REFLECT && (before >= n || after >= n) && (before > 0 || after > 0)) {
                throw new IllegalArgumentException("pad: REFLECT pads " + before + "/" + after + " must be smaller than dimension "
                        + d + " of size " + n + " (shape " + Shape.str(x.shape) + ")");
            }
            source[d] = new int[shape[d]];
            for (int o = 0; o < shape[d]; o++) {
                source[d][o] = sourceIndex(o - before, n, mode);
            }
        }
        float[] out = new float[Shape.numel(shape)];
        Tensor srcPacked = x.packed();
        float[] src = srcPacked.data;
        int base = srcPacked.offset;
        int[] xs = Shape.contiguousStrides(x.shape);
        walk(shape, source, xs, (o, s) -> out[o] = s < 0 ? value : src[base + s]);
        Tensor y = Tensor.wrap(out, shape);
        int[] xshape = x.shape;
        return Autograd.record(y, "pad", g -> {
            float[] gd = g.toArray();
            float[] dx = new float[Shape.numel(xshape)];
            walk(shape, source, xs, (o, s) -> {
                if (s >= 0) {
                    dx[s] += gd[o];
                }
            });
            return new Tensor[] {Tensor.wrap(dx, xshape)};
        }, x);
    }

    /** Where output index {@code i} (relative to the unpadded start) reads from, or -1 for the constant. */
    private static int sourceIndex(int i, int n, PadMode mode) {
        if (i >= 0 && i < n) {
            return i;
        }
        return switch (mode) {
            case CONSTANT -> -1;
            case EDGE -> i < 0 ? 0 : n - 1;
            case REFLECT -> {
                int period = 2 * (n - 1);
                if (period == 0) {
                    yield 0;
                }
                int r = Math.floorMod(i, period);
                yield r < n ? r : period - r;
            }
        };
    }

    private interface ElementPair {
        void visit(int outIndex, int sourceOffset);
    }

    /** Visits every output element with the flat source offset it maps to (-1 when any axis maps to the constant). */
    private static void walk(int[] shape, int[][] source, int[] srcStrides, ElementPair visit) {
        int rank = shape.length;
        int n = Shape.numel(shape);
        int[] idx = new int[rank];
        for (int o = 0; o < n; o++) {
            int s = 0;
            for (int d = 0; d < rank && s >= 0; d++) {
                int v = source[d][idx[d]];
                s = v < 0 ? -1 : s + v * srcStrides[d];
            }
            visit.visit(o, s);
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
    }
}
