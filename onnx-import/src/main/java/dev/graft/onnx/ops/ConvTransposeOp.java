package dev.graft.onnx.ops;

import dev.graft.engine.LongTensor;
import dev.graft.engine.PadMode;
import dev.graft.engine.Tensor;
import dev.graft.onnx.Value;
import java.util.Arrays;

/**
 * ConvTranspose over 1-D and 2-D inputs, as a stride-1 convolution of the input with zeros
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
            int spatial = x.dim() - 2;
            if (spatial < 1 || spatial > 2 || w.dim() != x.dim()) {
                if (spatial == 3) {
                    throw new UnsupportedOperationException(n.describe() + ": 3-D ConvTranspose is not supported");
                }
                throw n.invalid("input of shape " + Arrays.toString(x.shape()) + " and weight of shape "
                        + Arrays.toString(w.shape()) + " are not a 1-D or 2-D transposed convolution");
            }
            boolean oneD = spatial == 1;
            if (oneD) {
                x = x.unsqueeze(2);
                w = w.unsqueeze(2);
            }
            int[] s = oneD ? new int[] {1, Geometry.orOnes(strides, 1)[0]} : Geometry.orOnes(strides, 2);
            int[] d = oneD ? new int[] {1, Geometry.orOnes(dilations, 1)[0]} : Geometry.orOnes(dilations, 2);
            int[] op = outputPadding == null ? new int[2] : oneD ? new int[] {0, outputPadding[0]} : outputPadding;
            int[] k = {w.size(2), w.size(3)};
            int[] inSize = {x.size(2), x.size(3)};
            int[] p = new int[4];
            if (outputShape != null || autoPad == Geometry.AutoPad.SAME_UPPER || autoPad == Geometry.AutoPad.SAME_LOWER) {
                int[] target = new int[2];
                for (int i = 0; i < 2; i++) {
                    target[i] = outputShape != null
                            ? (oneD ? (i == 0 ? 1 : outputShape[outputShape.length - 1]) : outputShape[outputShape.length - 2 + i])
                            : inSize[i] * s[i];
                    int total = s[i] * (inSize[i] - 1) + op[i] + (k[i] - 1) * d[i] + 1 - target[i];
                    int small = total / 2;
                    boolean upper = autoPad != Geometry.AutoPad.SAME_LOWER;
                    p[i] = upper ? small : total - small;
                    p[i + 2] = total - p[i];
                }
            } else if (pads != null && autoPad == Geometry.AutoPad.NOTSET) {
                p = oneD ? new int[] {0, pads[0], 0, pads[1]} : pads.clone();
            }
            Tensor y = transposed(x, w, s, d, p, op, groups);
            if (b != null) {
                y = y.add(b.reshape(1, -1, 1, 1));
            }
            return new Value[] {Value.of(oneD ? y.squeeze(2) : y, in[0].type())};
        };
    }

    private static Tensor transposed(Tensor x, Tensor w, int[] s, int[] d, int[] p, int[] op, int groups) {
        int n = x.size(0);
        int c = x.size(1);
        int h = x.size(2);
        int wd = x.size(3);
        Tensor z = x;
        if (s[0] > 1 || s[1] > 1) {
            int[] spread = {0, 0, 0, 0, 0, 0, 0, 0, 0, s[0] - 1, 0, s[1] - 1};
            z = x.unsqueeze(3).unsqueeze(5).pad(spread, PadMode.CONSTANT, 0f)
                    .reshape(n, c, h * s[0], wd * s[1])
                    .slice(2, 0, (h - 1) * s[0] + 1, 1).slice(3, 0, (wd - 1) * s[1] + 1, 1);
        }
        int cin = w.size(0);
        int coutPerGroup = w.size(1);
        int kh = w.size(2);
        int kw = w.size(3);
        Tensor wf = w.reshape(groups, cin / groups, coutPerGroup, kh, kw).permute(0, 2, 1, 3, 4)
                .reshape(groups * coutPerGroup, cin / groups, kh, kw)
                .indexSelect(2, reversed(kh)).indexSelect(3, reversed(kw));
        int[] pad = {
            d[0] * (kh - 1) - p[0], d[1] * (kw - 1) - p[1],
            d[0] * (kh - 1) - p[2] + op[0], d[1] * (kw - 1) - p[3] + op[1]};
        return ConvOp.conv2d(z, wf, null, new int[] {1, 1}, pad, d, groups);
    }

    private static LongTensor reversed(int n) {
        long[] idx = new long[n];
        for (int i = 0; i < n; i++) {
            idx[i] = n - 1 - i;
        }
        return LongTensor.of(idx, n);
    }
}
