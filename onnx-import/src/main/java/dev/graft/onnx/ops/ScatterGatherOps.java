package dev.graft.onnx.ops;

import dev.graft.engine.BoolTensor;
import dev.graft.engine.LongTensor;
import dev.graft.engine.Shape;
import dev.graft.onnx.Value;
import java.util.Arrays;

/**
 * ScatterElements (and its deprecated alias Scatter), ScatterND and GatherND. Each works out,
 * for every output element, which input element it copies, and then gathers: so gradients flow
 * to both the data and the updates through the engine's gather.
 */
final class ScatterGatherOps {

    private ScatterGatherOps() {
    }

    static void register(OpRegistry r) {
        r.add("ScatterElements", new int[] {11, 13, 16, 18}, ScatterGatherOps::scatterElements);
        r.add("Scatter", new int[] {9, 11}, ScatterGatherOps::scatterElements);
        r.add("ScatterND", new int[] {11, 13, 16, 18}, ScatterGatherOps::scatterNd);
        r.add("GatherND", new int[] {11, 12, 13}, ScatterGatherOps::gatherNd);
        r.add("MaxUnpool", new int[] {9, 11}, ShapeRule.FIRST_SHAPE_AND_OTHER_VALUES, ScatterGatherOps::maxUnpool);
    }

    private static void noReduction(NodeSpec n) {
        String reduction = n.stringAttr("reduction", "none");
        if (!reduction.equals("none")) {
            throw n.unsupported("reduction '" + reduction + "'");
        }
    }

    private static Kernel scatterElements(NodeSpec n) {
        noReduction(n);
        int axis = n.intAttr("axis", 0);
        return (in, ctx) -> {
            Value data = in[0];
            int[] ds = data.shape();
            int a = Shape.axis(n.describe(), axis, ds.length);
            int[] is = in[1].shape();
            long[] idx = in[1].toLongArray();
            if (is.length != ds.length || !Arrays.equals(is, in[2].shape())) {
                throw n.invalid("indices " + Arrays.toString(is) + " and updates " + Arrays.toString(in[2].shape())
                        + " must have the same shape and the data's rank " + ds.length);
            }
            int[] dStrides = strides(ds);
            int[] src = new int[Shape.numel(ds)];
            Arrays.fill(src, -1);
            int[] counter = new int[is.length];
            for (int j = 0; j < idx.length; j++) {
                long v = idx[j] < 0 ? idx[j] + ds[a] : idx[j];
                if (v < 0 || v >= ds[a]) {
                    throw n.invalid("index " + idx[j] + " is out of range for dimension " + ds[a]);
                }
                int flat = 0;
                for (int d = 0; d < is.length; d++) {
                    if (counter[d] >= ds[d] && d != a) {
                        throw n.invalid("indices shape " + Arrays.toString(is) + " exceeds data shape " + Arrays.toString(ds));
                    }
                    flat += (d == a ? (int) v : counter[d]) * dStrides[d];
                }
                src[flat] = j;
                increment(counter, is);
            }
            return new Value[] {merge(data, in[2], src)};
        };
    }

    private static Kernel scatterNd(NodeSpec n) {
        noReduction(n);
        return (in, ctx) -> {
            Value data = in[0];
            int[] ds = data.shape();
            int[] is = in[1].shape();
            int k = is[is.length - 1];
            if (k > ds.length) {
                throw n.invalid("index depth " + k + " exceeds data rank " + ds.length);
            }
            int slice = 1;
            for (int d = k; d < ds.length; d++) {
                slice *= ds[d];
            }
            long[] idx = in[1].toLongArray();
            int[] dStrides = strides(ds);
            int[] src = new int[Shape.numel(ds)];
            Arrays.fill(src, -1);
            int tuples = idx.length / Math.max(k, 1);
            for (int t = 0; t < tuples; t++) {
                int base = offset(n, idx, t * k, k, ds, dStrides);
                for (int e = 0; e < slice; e++) {
                    src[base + e] = t * slice + e;
                }
            }
            return new Value[] {merge(data, in[2], src)};
        };
    }

    private static Kernel gatherNd(NodeSpec n) {
        int batchDims = n.intAttr("batch_dims", 0);
        return (in, ctx) -> {
            Value data = in[0];
            int[] ds = data.shape();
            int[] is = in[1].shape();
            int k = is[is.length - 1];
            if (batchDims + k > ds.length) {
                throw n.invalid("batch_dims " + batchDims + " plus index depth " + k + " exceed data rank " + ds.length);
            }
            int batch = 1;
            for (int d = 0; d < batchDims; d++) {
                batch *= ds[d];
            }
            int slice = 1;
            for (int d = batchDims + k; d < ds.length; d++) {
                slice *= ds[d];
            }
            int[] inner = Arrays.copyOfRange(ds, batchDims, ds.length);
            int[] innerStrides = strides(inner);
            int innerSize = Shape.numel(inner);
            long[] idx = in[1].toLongArray();
            int tuplesPerBatch = idx.length / Math.max(k, 1) / Math.max(batch, 1);
            long[] pick = new long[batch * tuplesPerBatch * slice];
            int at = 0;
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < tuplesPerBatch; t++) {
                    int base = offset(n, idx, (b * tuplesPerBatch + t) * k, k, inner, innerStrides);
                    for (int e = 0; e < slice; e++) {
                        pick[at++] = (long) b * innerSize + base + e;
                    }
                }
            }
            int[] out = new int[is.length - 1 + ds.length - batchDims - k];
            System.arraycopy(is, 0, out, 0, is.length - 1);
            System.arraycopy(ds, batchDims + k, out, is.length - 1, ds.length - batchDims - k);
            LongTensor p = LongTensor.of(pick, pick.length);
            return new Value[] {Values.move("GatherND", data, t -> t.reshape(-1).gather(0, p).reshape(out))};
        };
    }

    /** MaxUnpool: each pooled value goes back to the flat input position MaxPool's Indices recorded; the rest is zero. */
    private static Kernel maxUnpool(NodeSpec n) {
        int[] k = n.intArrayAttr("kernel_shape");
        if (k == null) {
            throw n.invalid("attribute 'kernel_shape' is required");
        }
        int rank = k.length;
        int[] s = Geometry.orOnes(n.intArrayAttr("strides"), rank);
        int[] pads = n.intArrayAttr("pads");
        int[] p = pads == null ? new int[2 * rank] : Geometry.sized(n, "pads", pads, 2 * rank);
        return (in, ctx) -> {
            int[] xs = in[0].shape();
            if (xs.length != rank + 2 || !Arrays.equals(xs, in[1].shape())) {
                throw n.invalid("X " + Arrays.toString(xs) + " and I " + Arrays.toString(in[1].shape())
                        + " must have the same shape of rank " + (rank + 2));
            }
            // indices address the unpadded pooling input; an explicit output_shape may be larger (extra cells stay zero)
            int[] natural = xs.clone();
            for (int i = 0; i < rank; i++) {
                natural[i + 2] = (xs[i + 2] - 1) * s[i] + k[i] - p[i] - p[i + rank];
            }
            int[] out = in.length > 2 && in[2] != null ? Values.shapeFrom(n, Values.longs(n, "output_shape", in[2])) : natural;
            if (out.length != natural.length) {
                throw n.invalid("output_shape " + Arrays.toString(out) + " should have rank " + natural.length);
            }
            for (int i = 0; i < out.length; i++) {
                if (out[i] < natural[i]) {
                    throw n.invalid("output_shape " + Arrays.toString(out) + " is smaller than " + Arrays.toString(natural));
                }
            }
            Values.checkCreated(n, out);
            long[] idx = in[1].toLongArray();
            int naturalTotal = Shape.numel(natural);
            int[] src = new int[Shape.numel(out)];
            Arrays.fill(src, -1);
            for (int j = 0; j < idx.length; j++) {
                if (idx[j] < 0 || idx[j] >= naturalTotal) {
                    throw n.invalid("index " + idx[j] + " is outside an input of " + naturalTotal + " elements");
                }
                long rem = idx[j];
                long flat = 0;
                long scale = 1;
                for (int d = natural.length - 1; d >= 0; d--) {
                    flat += (rem % natural[d]) * scale;
                    rem /= natural[d];
                    scale *= out[d];
                }
                src[(int) flat] = j;
            }
            Value zeros = Value.of(dev.graft.engine.Tensor.zeros(out), in[0].type());
            return new Value[] {merge(zeros, in[0], src)};
        };
    }

    /** Flat offset of index tuple {@code idx[from..from+k)} into a tensor of shape {@code s}. */
    private static int offset(NodeSpec n, long[] idx, int from, int k, int[] s, int[] strides) {
        int flat = 0;
        for (int d = 0; d < k; d++) {
            long v = idx[from + d] < 0 ? idx[from + d] + s[d] : idx[from + d];
            if (v < 0 || v >= s[d]) {
                throw n.invalid("index " + idx[from + d] + " is out of range for dimension " + s[d]);
            }
            flat += (int) v * strides[d];
        }
        return flat;
    }

    private static int[] strides(int[] s) {
        int[] st = new int[s.length];
        int acc = 1;
        for (int i = s.length - 1; i >= 0; i--) {
            st[i] = acc;
            acc *= s[i];
        }
        return st;
    }

    private static void increment(int[] counter, int[] shape) {
        for (int d = shape.length - 1; d >= 0; d--) {
            if (++counter[d] < shape[d]) {
                return;
            }
            counter[d] = 0;
        }
    }

    /** Each output element is {@code updates[src]} where {@code src >= 0}, else the data element. */
    private static Value merge(Value data, Value updates, int[] src) {
        int[] ds = data.shape();
        boolean[] hit = new boolean[src.length];
        long[] from = new long[src.length];
        for (int i = 0; i < src.length; i++) {
            hit[i] = src[i] >= 0;
            from[i] = Math.max(src[i], 0);
        }
        LongTensor f = LongTensor.of(from, src.length);
        Value scattered = updates.numel() == 0 ? data : Values.move("Scatter", updates, t -> t.reshape(-1).gather(0, f).reshape(ds));
        return LogicOps.where(BoolTensor.of(hit, ds), scattered, data);
    }
}
