package dev.graft.onnx.ops;

import dev.graft.engine.LongTensor;
import dev.graft.engine.PadMode;
import dev.graft.engine.Tensor;
import dev.graft.onnx.Value;
import java.util.Arrays;

/**
 * ConvTranspose over 1-D, 2-D and 3-D inputs, as a stride-1 convolution of the input with zeros
 * inserted between its elements, using the spatially flipped kernel with input and output
 * channels swapped. Being composed of engine ops, it is differentiable with no code of its own.
 */
final class ConvTransposeOp {

    private ConvTransposeOp() {
    }

    static void register(OpRegistry r) {
        r.add("ConvTranspose", new int[] {1, 11}, ConvTransposeOp::convTranspose);
    }

    private static Kernel convTranspose(NodeSpec n) {
        Geometry.AutoPad autoPad = Geometry.autoPad(n);
        int[] strides = n.intArrayAttr("strides");
        int[] dilations = n.intArrayAttr("dilations");
        int[] pads = n.intArrayAttr("pads");
        int[] outputPadding = n.intArrayAttr("output_padding");
        int[] outputShape = n.intArrayAttr("output_shape");
        int groups = n.intAttr("group", 1);
        return (in, ctx) -> {
            Tensor x = in[0].toFloat();
            Tensor w = in[1].toFloat();
            Tensor b = in.length > 2 && in[2] != null ? in[2].toFloat() : null;
            int rank = x.dim() - 2;
            if (rank < 1 || rank > 3 || w.dim() != x.dim()) {
                throw n.invalid("input of shape " + Arrays.toString(x.shape()) + " and weight of shape "
                        + Arrays.toString(w.shape()) + " are not a 1-D, 2-D or 3-D transposed convolution");
            }
            int[] s = Geometry.orOnes(strides, rank);
            int[] d = Geometry.orOnes(dilations, rank);
            int[] op = outputPadding == null ? new int[rank] : Geometry.sized(n, "output_padding", outputPadding, rank);
            if (outputShape != null && outputShape.length < rank) {
                throw n.invalid("output_shape " + Arrays.toString(outputShape) + " has fewer than " + rank + " entries");
            }
            int[] k = Arrays.copyOfRange(w.shape(), 2, w.dim());
            int[] inSize = Arrays.copyOfRange(x.shape(), 2, x.dim());
            int[] p = new int[2 * rank];
            if (outputShape != null || autoPad == Geometry.AutoPad.SAME_UPPER || autoPad == Geometry.AutoPad.SAME_LOWER) {
                for (int i = 0; i < rank; i++) {
                    int target = outputShape != null ? outputShape[outputShape.length - rank + i] : inSize[i] * s[i];
                    int total = s[i] * (inSize[i] - 1) + op[i] + (k[i] - 1) * d[i] + 1 - target;
                    int small = total / 2;
                    boolean upper = autoPad != Geometry.AutoPad.SAME_LOWER;
                    p[i] = upper ? small : total - small;
                    p[i + rank] = total - p[i];
                }
            } else if (pads != null && autoPad == Geometry.AutoPad.NOTSET) {
                p = Geometry.sized(n, "pads", pads, 2 * rank).clone();
            }
            Tensor y = transposed(x, w, s, d, p, op, groups);
            if (b != null) {
                int[] bs = new int[x.dim()];
                Arrays.fill(bs, 1);
                bs[1] = -1;
                y = y.add(b.reshape(bs));
            }
            return new Value[] {Values.like(y, in[0])};
        };
    }

    private static Tensor transposed(Tensor x, Tensor w, int[] s, int[] d, int[] p, int[] op, int groups) {
        int rank = s.length;
        Tensor z = x;
        for (int i = 0; i < rank; i++) {
            if (s[i] > 1) {
                z = spread(z, i + 2, s[i]);
            }
        }
        int cin = w.size(0);
        int coutPerGroup = w.size(1);
        int[] k = Arrays.copyOfRange(w.shape(), 2, w.dim());
        int[] grouped = new int[3 + rank];
        grouped[0] = groups;
        grouped[1] = cin / groups;
        grouped[2] = coutPerGroup;
        System.arraycopy(k, 0, grouped, 3, rank);
        int[] swap = new int[3 + rank];
        for (int i = 0; i < swap.length; i++) {
            swap[i] = i;
        }
        swap[1] = 2;
        swap[2] = 1;
        int[] flat = new int[2 + rank];
        flat[0] = groups * coutPerGroup;
        flat[1] = cin / groups;
        System.arraycopy(k, 0, flat, 2, rank);
        Tensor wf = w.reshape(grouped).permute(swap).reshape(flat);
        for (int i = 0; i < rank; i++) {
            wf = wf.indexSelect(i + 2, reversed(k[i]));
        }
        int[] pad = new int[2 * rank];
        int[] ones = new int[rank];
        for (int i = 0; i < rank; i++) {
            pad[i] = d[i] * (k[i] - 1) - p[i];
            pad[i + rank] = d[i] * (k[i] - 1) - p[i + rank] + op[i];
            ones[i] = 1;
        }
        return ConvOp.convNd(z, wf, null, ones, pad, d, groups);
    }

    /** Inserts {@code stride - 1} zeros between consecutive elements along {@code axis}. */
    private static Tensor spread(Tensor x, int axis, int stride) {
        int[] shape = x.shape();
        int len = shape[axis];
        Tensor u = x.unsqueeze(axis + 1);
        int[] pads = new int[2 * u.dim()];
        pads[u.dim() + axis + 1] = stride - 1;
        int[] merged = shape.clone();
        merged[axis] = len * stride;
        return u.pad(pads, PadMode.CONSTANT, 0f).reshape(merged).slice(axis, 0, (len - 1) * stride + 1, 1);
    }

    private static LongTensor reversed(int n) {
        long[] idx = new long[n];
        for (int i = 0; i < n; i++) {
            idx[i] = n - 1 - i;
        }
        return LongTensor.of(idx, n);
    }
}
