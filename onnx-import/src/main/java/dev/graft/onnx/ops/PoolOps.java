package dev.graft.onnx.ops;

import dev.graft.engine.PadMode;
import dev.graft.engine.Pool2dSpec;
import dev.graft.engine.Tensor;
import dev.graft.onnx.Value;
import java.util.Arrays;

/**
 * MaxPool, AveragePool, GlobalAveragePool and GlobalMaxPool over any number of spatial
 * dimensions. The input is first padded explicitly (with -inf for max, 0 for average) including
 * the extra cells ceil mode needs, so the engine's 2-D pools run with no padding of their own;
 * dilated or non-2-D windows are computed as the maximum or sum of strided slices, one per kernel tap.
 */
final class PoolOps {

    private PoolOps() {
    }

    static void register(OpRegistry r) {
        r.add("MaxPool", new int[] {1, 8, 10, 11, 12}, n -> pool(n, true));
        r.add("AveragePool", new int[] {1, 7, 10, 11, 19}, n -> pool(n, false));
        r.add("GlobalAveragePool", new int[] {1}, n -> (in, ctx) -> new Value[] {Values.like(global(in[0].toFloat(), false), in[0])});
        r.add("GlobalMaxPool", new int[] {1}, n -> (in, ctx) -> new Value[] {Values.like(global(in[0].toFloat(), true), in[0])});
    }

    private static Tensor global(Tensor x, boolean max) {
        int[] axes = new int[x.dim() - 2];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i + 2;
        }
        return max ? x.max(axes, true) : x.mean(axes, true);
    }

    private static Kernel pool(NodeSpec n, boolean max) {
        int[] k = n.intArrayAttr("kernel_shape");
        if (k == null) {
            throw n.invalid("attribute 'kernel_shape' is required");
        }
        boolean columnMajor = n.intAttr("storage_order", 0) != 0;
        boolean wantIndices = max && n.outputs().size() > 1 && !n.outputs().get(1).isEmpty();
        Geometry.AutoPad autoPad = Geometry.autoPad(n);
        int rank = k.length;
        int[] s = Geometry.orOnes(n.intArrayAttr("strides"), rank);
        int[] d = Geometry.orOnes(n.intArrayAttr("dilations"), rank);
        int[] pads = n.intArrayAttr("pads");
        boolean ceil = n.intAttr("ceil_mode", 0) != 0;
        boolean includePad = n.intAttr("count_include_pad", 0) != 0;
        return (in, ctx) -> {
            Tensor x = in[0].toFloat();
            if (x.dim() != rank + 2) {
                throw n.invalid("kernel_shape " + Arrays.toString(k) + " does not match input of shape " + Arrays.toString(x.shape()));
            }
            int[] size = Arrays.copyOfRange(x.shape(), 2, x.dim());
            int[] p = Geometry.pads(n, autoPad, pads, size, k, s, d);
            int[] out = new int[rank];
            int[] extra = new int[rank];
            for (int i = 0; i < rank; i++) {
                int span = size[i] + p[i] + p[i + rank] - ((k[i] - 1) * d[i] + 1);
                if (span < 0) {
                    throw n.invalid("window larger than the padded input " + Arrays.toString(x.shape()));
                }
                out[i] = (ceil ? (span + s[i] - 1) / s[i] : span / s[i]) + 1;
                if (ceil && (out[i] - 1) * s[i] >= size[i] + p[i]) {
                    out[i]--;
                }
                extra[i] = Math.max(0, (out[i] - 1) * s[i] + (k[i] - 1) * d[i] + 1 - (size[i] + p[i] + p[i + rank]));
            }
            Tensor y;
            if (engineCanPad(k, d, p, extra)) {
                Pool2dSpec spec = new Pool2dSpec(k[0], k[1], s[0], s[1], p[0], p[1], p[2], p[3], false);
                y = max ? x.maxPool2d(spec) : x.avgPool2d(spec, includePad);
            } else {
                y = max ? maxPool(x, k, s, d, p, extra, out) : avgPool(x, k, s, d, p, extra, out, includePad);
            }
            if (wantIndices) {
                return new Value[] {Values.like(y, in[0]), argmaxIndices(x, k, s, d, p, out, columnMajor)};
            }
            return new Value[] {Values.like(y, in[0])};
        };
    }

    /**
     * MaxPool's second output: for each window, the flat index into the input of its first
     * maximum (padding never wins), row-major or, with {@code storage_order=1}, column-major over
     * the spatial dimensions.
     */
    private static Value argmaxIndices(Tensor x, int[] k, int[] s, int[] d, int[] p, int[] out, boolean columnMajor) {
        int rank = k.length;
        int[] shape = x.shape();
        float[] v = x.toArray();
        int planes = shape[0] * shape[1];
        int[] size = Arrays.copyOfRange(shape, 2, shape.length);
        int plane = 1;
        int windows = 1;
        int taps = 1;
        for (int i = 0; i < rank; i++) {
            plane *= size[i];
            windows *= out[i];
            taps *= k[i];
        }
        long[] idx = new long[planes * windows];
        int[] o = new int[rank];
        int[] t = new int[rank];
        for (int pl = 0; pl < planes; pl++) {
            for (int w = 0; w < windows; w++) {
                int rem = w;
                for (int i = rank - 1; i >= 0; i--) {
                    o[i] = rem % out[i];
                    rem /= out[i];
                }
                float best = Float.NEGATIVE_INFINITY;
                long bestAt = -1;
                for (int tap = 0; tap < taps; tap++) {
                    int r = tap;
                    for (int i = rank - 1; i >= 0; i--) {
                        t[i] = r % k[i];
                        r /= k[i];
                    }
                    int flat = 0;
                    int colFlat = 0;
                    int colStride = 1;
                    boolean inside = true;
                    for (int i = 0; i < rank && inside; i++) {
                        int c = o[i] * s[i] - p[i] + t[i] * d[i];
                        inside = c >= 0 && c < size[i];
                        flat = flat * size[i] + c;
                    }
                    if (!inside) {
                        continue;
                    }
                    for (int i = 0; i < rank; i++) {
                        int c = o[i] * s[i] - p[i] + t[i] * d[i];
                        colFlat += c * colStride;
                        colStride *= size[i];
                    }
                    float val = v[pl * plane + flat];
                    if (val > best || bestAt < 0) {
                        best = val;
                        bestAt = (long) pl * plane + (columnMajor ? colFlat : flat);
                    }
                }
                idx[pl * windows + w] = bestAt;
            }
        }
        int[] outShape = new int[rank + 2];
        outShape[0] = shape[0];
        outShape[1] = shape[1];
        System.arraycopy(out, 0, outShape, 2, rank);
        return Value.of(dev.graft.engine.LongTensor.of(idx, outShape));
    }

    /** Whether the engine's 2-D pools can take the padding themselves (PyTorch's limits: at most half the kernel). */
    private static boolean engineCanPad(int[] k, int[] d, int[] p, int[] extra) {
        if (k.length != 2 || d[0] != 1 || d[1] != 1 || extra[0] != 0 || extra[1] != 0) {
            return false;
        }
        return p[0] <= k[0] / 2 && p[2] <= k[0] / 2 && p[1] <= k[1] / 2 && p[3] <= k[1] / 2;
    }

    private static int[] fullPads(int rank, int[] p, int[] extra, boolean withExtra, boolean withPads) {
        int[] full = new int[2 * (rank + 2)];
        for (int i = 0; i < rank; i++) {
            full[i + 2] = withPads ? p[i] : 0;
            full[i + 2 + rank + 2] = (withPads ? p[i + rank] : 0) + (withExtra ? extra[i] : 0);
        }
        return full;
    }

    private static Tensor maxPool(Tensor x, int[] k, int[] s, int[] d, int[] p, int[] extra, int[] out) {
        int rank = k.length;
        Tensor xp = x.pad(fullPads(rank, p, extra, true, true), PadMode.CONSTANT, Float.NEGATIVE_INFINITY);
        if (rank == 2 && d[0] == 1 && d[1] == 1) {
            return xp.maxPool2d(new Pool2dSpec(k[0], k[1], s[0], s[1], 0, 0, 0, 0, false));
        }
        return taps(xp, k, s, d, out, true);
    }

    private static Tensor avgPool(Tensor x, int[] k, int[] s, int[] d, int[] p, int[] extra, int[] out, boolean includePad) {
        int rank = k.length;
        Tensor xp = x.pad(fullPads(rank, p, extra, true, true), PadMode.CONSTANT, 0f);
        int[] ones = new int[rank + 2];
        Arrays.fill(ones, 1);
        System.arraycopy(x.shape(), 2, ones, 2, rank);
        // which cells count toward the divisor: the input, plus the explicit pads when they are included
        Tensor mask = includePad
                ? Tensor.ones(ones).pad(fullPads(rank, p, extra, false, true), PadMode.CONSTANT, 1f)
                        .pad(fullPads(rank, p, extra, true, false), PadMode.CONSTANT, 0f)
                : Tensor.ones(ones).pad(fullPads(rank, p, extra, true, true), PadMode.CONSTANT, 0f);
        boolean fast = rank == 2 && d[0] == 1 && d[1] == 1;
        Pool2dSpec spec = fast ? new Pool2dSpec(k[0], k[1], s[0], s[1], 0, 0, 0, 0, false) : null;
        Tensor sum = fast ? xp.avgPool2d(spec, true) : taps(xp, k, s, d, out, false);
        Tensor count = fast ? mask.avgPool2d(spec, true) : taps(mask, k, s, d, out, false);
        return sum.div(count);
    }

    /** The maximum (or sum) over kernel taps of strided slices of the padded input. */
    private static Tensor taps(Tensor xp, int[] k, int[] s, int[] d, int[] out, boolean max) {
        int rank = k.length;
        int[] tap = new int[rank];
        Tensor acc = null;
        int total = 1;
        for (int v : k) {
            total *= v;
        }
        for (int t = 0; t < total; t++) {
            int rem = t;
            for (int i = rank - 1; i >= 0; i--) {
                tap[i] = rem % k[i];
                rem /= k[i];
            }
            Tensor slab = xp;
            for (int i = 0; i < rank; i++) {
                int start = tap[i] * d[i];
                slab = slab.slice(i + 2, start, start + (out[i] - 1) * s[i] + 1, s[i]);
            }
            acc = acc == null ? slab : max ? acc.maximum(slab) : acc.add(slab);
        }
        return max ? acc : acc.div(total);
    }
}
