package dev.graft.engine;

import dev.graft.engine.kernels.Conv2dGeometry;
import dev.graft.engine.kernels.Conv2dKernel;
import dev.graft.engine.kernels.Conv2dWeights;

/**
 * 2-D convolution over NCHW input on the tape: checks the shapes, runs {@link Conv2dKernel} forward
 * with the bias added in the same pass, and records the input, weight and bias gradients.
 */
final class Convolution {

    private Convolution() {
    }

    static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dSpec spec) {
        Conv2dGeometry g = geometry(x, weight, bias, spec);
        Tensor xp = x.packed();
        Tensor bp = bias == null ? null : bias.packed();
        float[] out = new float[g.outputSize()];
        if (weight.requiresGrad()) {
            Tensor wp = weight.packed();
            Conv2dKernel.forward(g, xp.data, xp.offset, wp.data, wp.offset, bp == null ? null : bp.data,
                    bp == null ? 0 : bp.offset, out, 0);
        } else {
            Conv2dKernel.forward(g, xp.data, xp.offset, constantWeights(weight, g), bp == null ? null : bp.data,
                    bp == null ? 0 : bp.offset, out, 0);
        }
        Tensor y = Tensor.wrap(out, new int[] {g.n(), g.o(), g.oh(), g.ow()});
        return Autograd.record(y, "conv2d", dy -> backward(g, x, weight, bias, dy), x, weight, bias);
    }

    /**
     * The packed form of weights that do not require grad (a frozen layer, a model run without
     * the tape), packed on first use and kept with the tensor: a pretrained network then packs
     * its weights once rather than on every forward pass.
     */
    private static Conv2dWeights constantWeights(Tensor weight, Conv2dGeometry g) {
        return weight.derived(Conv2dWeights.class, w -> w.fits(g), () -> {
            Tensor wp = weight.packed();
            return Conv2dWeights.of(g, wp.data, wp.offset);
        });
    }

    private static Tensor[] backward(Conv2dGeometry g, Tensor x, Tensor weight, Tensor bias, Tensor dy) {
        Tensor dyp = dy.packed();
        Tensor dx = null;
        Tensor dw = null;
        Tensor db = null;
        if (x.requiresGrad()) {
            Tensor wp = weight.packed();
            float[] dxd = new float[g.inputSize()];
            Conv2dKernel.inputGrad(g, dyp.data, dyp.offset, wp.data, wp.offset, dxd, 0);
            dx = Tensor.wrap(dxd, x.shape);
        }
        if (weight.requiresGrad()) {
            Tensor xp = x.packed();
            float[] dwd = new float[g.weightSize()];
            Conv2dKernel.weightGrad(g, xp.data, xp.offset, dyp.data, dyp.offset, dwd, 0);
            dw = Tensor.wrap(dwd, weight.shape);
        }
        if (bias != null && bias.requiresGrad()) {
            db = dy.sum(new int[] {0, 2, 3}, false);
        }
        return new Tensor[] {dx, dw, db};
    }

    private static Conv2dGeometry geometry(Tensor x, Tensor w, Tensor bias, Conv2dSpec s) {
        if (x.dim() != 4 || w.dim() != 4) {
            throw new IllegalArgumentException("conv2d: input must be [N, C, H, W] and weight [O, C/groups, kH, kW], got "
                    + Shape.str(x.shape) + " and " + Shape.str(w.shape));
        }
        int c = x.shape[1];
        int o = w.shape[0];
        int groups = s.groups();
        if (c % groups != 0 || o % groups != 0 || w.shape[1] * groups != c) {
            throw new IllegalArgumentException("conv2d: input " + Shape.str(x.shape) + " and weight " + Shape.str(w.shape)
                    + " do not fit " + groups + " group(s): need C = weight[1] * groups and O divisible by groups");
        }
        if (bias != null && (bias.dim() != 1 || bias.shape[0] != o)) {
            throw new IllegalArgumentException("conv2d: bias must be [" + o + "], got " + Shape.str(bias.shape));
        }
        int kh = w.shape[2];
        int kw = w.shape[3];
        int oh = s.outH(x.shape[2], kh);
        int ow = s.outW(x.shape[3], kw);
        if (kh < 1 || kw < 1 || oh < 1 || ow < 1) {
            throw new IllegalArgumentException("conv2d: kernel " + kh + "x" + kw + " does not fit input " + Shape.str(x.shape)
                    + " with " + s + " (output would be " + oh + "x" + ow + ")");
        }
        long cols = (long) w.shape[1] * kh * kw * oh * ow;
        if (cols > Shape.MAX_ELEMENTS) {
            throw new IllegalArgumentException("conv2d: column buffer of " + cols + " elements is too large for input "
                    + Shape.str(x.shape) + " and weight " + Shape.str(w.shape));
        }
        Shape.numel(new int[] {x.shape[0], o, oh, ow});
        return new Conv2dGeometry(x.shape[0], c, x.shape[2], x.shape[3], o, kh, kw, s.strideH(), s.strideW(),
                s.padTop(), s.padLeft(), s.dilationH(), s.dilationW(), groups, oh, ow);
    }
}
