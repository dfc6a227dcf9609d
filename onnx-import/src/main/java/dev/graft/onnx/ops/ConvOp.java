package dev.graft.onnx.ops;

import dev.graft.engine.Conv2dSpec;
import dev.graft.engine.Tensor;
import dev.graft.onnx.Value;
import java.util.Arrays;

/**
 * Conv over 1-D, 2-D and 3-D inputs. 1-D runs as 2-D with a unit height; 3-D runs as a sum over
 * kernel depth of 2-D convolutions of depth slices, so every case uses the engine's conv2d and
 * its gradient.
 */
final class ConvOp {

    private ConvOp() {
    }

    static void register(OpRegistry r) {
        r.add("Conv", new int[] {1, 11}, ConvOp::conv);
    }

    private static Kernel conv(NodeSpec n) {
        Geometry.AutoPad autoPad = Geometry.autoPad(n);
        int[] strides = n.intArrayAttr("strides");
        int[] dilations = n.intArrayAttr("dilations");
        int[] pads = n.intArrayAttr("pads");
        int[] kernelShape = n.intArrayAttr("kernel_shape");
        int groups = n.intAttr("group", 1);
        return (in, ctx) -> {
            Tensor x = in[0].toFloat();
            Tensor w = in[1].toFloat();
            Tensor b = in.length > 2 && in[2] != null ? in[2].toFloat() : null;
            int spatial = x.dim() - 2;
            if (spatial < 1 || spatial > 3 || w.dim() != x.dim()) {
                throw n.invalid("input of shape " + Arrays.toString(x.shape()) + " and weight of shape "
                        + Arrays.toString(w.shape()) + " are not a 1-D, 2-D or 3-D convolution");
            }
            int[] k = Arrays.copyOfRange(w.shape(), 2, w.dim());
            if (kernelShape != null && !Arrays.equals(kernelShape, k)) {
                throw n.invalid("kernel_shape " + Arrays.toString(kernelShape) + " disagrees with weight shape "
                        + Arrays.toString(w.shape()));
            }
            int[] s = Geometry.orOnes(strides, spatial);
            int[] d = Geometry.orOnes(dilations, spatial);
            int[] inSize = Arrays.copyOfRange(x.shape(), 2, x.dim());
            int[] p = Geometry.pads(n, autoPad, pads, inSize, k, s, d);
            Tensor y = convNd(x, w, b, s, p, d, groups);
            return new Value[] {Values.like(y, in[0])};
        };
    }

    /**
     * Convolution over 1, 2 or 3 spatial dimensions.
     *
     * @param p pads in ONNX layout {@code [begin..., end...]}; negative pads crop
     */
    static Tensor convNd(Tensor x, Tensor w, Tensor b, int[] s, int[] p, int[] d, int groups) {
        return switch (x.dim() - 2) {
            case 1 -> conv2d(x.unsqueeze(2), w.unsqueeze(2), b,
                    new int[] {1, s[0]}, new int[] {0, p[0], 0, p[1]}, new int[] {1, d[0]}, groups).squeeze(2);
            case 2 -> conv2d(x, w, b, s, p, d, groups);
            default -> conv3d(x, w, b, s, p, d, groups);
        };
    }

    /** @param p ONNX layout {@code [top, left, bottom, right]} */
    static Tensor conv2d(Tensor x, Tensor w, Tensor b, int[] s, int[] p, int[] d, int groups) {
        // the engine takes non-negative pads; a negative ONNX pad crops first
        int[] crop = {0, 0, Math.min(p[0], 0), Math.min(p[1], 0), 0, 0, Math.min(p[2], 0), Math.min(p[3], 0)};
        Tensor in = hasNonZero(crop) ? x.pad(crop, dev.graft.engine.PadMode.CONSTANT, 0f) : x;
        if (p[0] >= in.size(2) || p[2] >= in.size(2) || p[1] >= in.size(3) || p[3] >= in.size(3)) {
            // the engine's im2col reads out of bounds when a pad reaches past the whole input: pad here instead
            int[] pads = {0, 0, Math.max(p[0], 0), Math.max(p[1], 0), 0, 0, Math.max(p[2], 0), Math.max(p[3], 0)};
            return in.pad(pads, dev.graft.engine.PadMode.CONSTANT, 0f).conv2d(w, b,
                    new Conv2dSpec(s[0], s[1], 0, 0, 0, 0, d[0], d[1], groups));
        }
        Conv2dSpec spec = new Conv2dSpec(s[0], s[1], Math.max(p[0], 0), Math.max(p[1], 0), Math.max(p[2], 0),
                Math.max(p[3], 0), d[0], d[1], groups);
        return in.conv2d(w, b, spec);
    }

    private static boolean hasNonZero(int[] a) {
        for (int v : a) {
            if (v != 0) {
                return true;
            }
        }
        return false;
    }

    /** 3-D convolution as a sum over kernel depth of 2-D convolutions with the depth folded into the batch. */
    private static Tensor conv3d(Tensor x, Tensor w, Tensor b, int[] s, int[] p, int[] d, int groups) {
        int[] depthCrop = {0, 0, Math.min(p[0], 0), 0, 0, 0, 0, Math.min(p[3], 0), 0, 0};
        if (hasNonZero(depthCrop)) {
            x = x.pad(depthCrop, dev.graft.engine.PadMode.CONSTANT, 0f);
            p = p.clone();
            p[0] = Math.max(p[0], 0);
            p[3] = Math.max(p[3], 0);
        }
        int[] xs = x.shape();
        int kd = w.size(2);
        int[] depthPads = new int[10];
        depthPads[2] = p[0];
        depthPads[7] = p[3];
        Tensor xp = x.pad(depthPads, dev.graft.engine.PadMode.CONSTANT, 0f);
        int depth = xs[2] + p[0] + p[3];
        int outD = (depth - d[0] * (kd - 1) - 1) / s[0] + 1;
        if (outD <= 0) {
            throw new IllegalArgumentException("Conv: kernel depth " + kd + " does not fit input depth " + xs[2]);
        }
        int[] p2 = {p[1], p[2], p[4], p[5]};
        int[] s2 = {s[1], s[2]};
        int[] d2 = {d[1], d[2]};
        Tensor sum = null;
        for (int t = 0; t < kd; t++) {
            int start = t * d[0];
            Tensor slab = xp.slice(2, start, start + (outD - 1) * s[0] + 1, s[0]);
            Tensor folded = slab.permute(0, 2, 1, 3, 4).reshape(xs[0] * outD, xs[1], xs[3], xs[4]);
            Tensor wt = w.slice(2, t, t + 1, 1).squeeze(2);
            Tensor y = conv2d(folded, wt, null, s2, p2, d2, groups);
            sum = sum == null ? y : sum.add(y);
        }
        int[] ys = sum.shape();
        Tensor out = sum.reshape(xs[0], outD, ys[1], ys[2], ys[3]).permute(0, 2, 1, 3, 4);
        if (b != null) {
            out = out.add(b.reshape(1, -1, 1, 1, 1));
        }
        return out;
    }
}
