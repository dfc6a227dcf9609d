package dev.graft.engine;

import dev.graft.engine.kernels.Gemm;
import dev.graft.engine.kernels.Im2col;

/**
 * 2-D convolution over NCHW input through im2col and GEMM, per image and channel group, with
 * input and weight gradients. Images are spread over the pool; a single image lets GEMM use the
 * pool instead. A 1x1, stride-1, unpadded convolution reads the input as the column matrix.
 */
final class Convolution {

    private Convolution() {
    }

    /** Shapes and geometry of one convolution call. */
    private record Geometry(int n, int c, int h, int w, int o, int kh, int kw, int oh, int ow, int groups, Conv2dSpec s) {
        int cg() {
            return c / groups;
        }

        int og() {
            return o / groups;
        }

        int ckk() {
            return cg() * kh * kw;
        }

        int p() {
            return oh * ow;
        }

        boolean pointwise() {
            return kh == 1 && kw == 1 && s.strideH() == 1 && s.strideW() == 1
                    && s.padTop() == 0 && s.padLeft() == 0 && s.padBottom() == 0 && s.padRight() == 0;
        }

        /**
         * Fills {@code col} with one image group's column matrix and returns 0; a pointwise
         * convolution passes no buffer and gets back where the image itself starts, since the image
         * already is its column matrix.
         */
        int columns(float[] x, int xOff, float[] col) {
            if (col == null) {
                return xOff;
            }
            Im2col.im2col(x, xOff, cg(), h, w, kh, kw, s.strideH(), s.strideW(), s.padTop(), s.padLeft(),
                    s.dilationH(), s.dilationW(), oh, ow, col, 0);
            return 0;
        }

        void col2im(float[] col, float[] dx, int dxOff) {
            Im2col.col2im(col, 0, cg(), h, w, kh, kw, s.strideH(), s.strideW(), s.padTop(), s.padLeft(),
                    s.dilationH(), s.dilationW(), oh, ow, dx, dxOff);
        }
    }

    static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dSpec spec) {
        Geometry g = geometry(x, weight, bias, spec);
        Tensor xdPacked = x.packed();
        float[] xd = xdPacked.data;
        int xb = xdPacked.offset;
        Tensor wdPacked = weight.packed();
        float[] wd = wdPacked.data;
        int wb = wdPacked.offset;
        float[] out = new float[g.n * g.o * g.p()];
        perImage(g.n, (from, to) -> {
            float[] col = g.pointwise() ? null : new float[g.ckk() * g.p()];
            for (int img = from; img < to; img++) {
                for (int gi = 0; gi < g.groups; gi++) {
                    int bOff = g.columns(xd, xb + (img * g.c + gi * g.cg()) * g.h * g.w, col);
                    float[] b = col == null ? xd : col;
                    Gemm.sgemm(false, false, g.og(), g.p(), g.ckk(), 1f, wd, wb + gi * g.og() * g.ckk(), g.ckk(),
                            b, bOff, g.p(), 0f, out, (img * g.o + gi * g.og()) * g.p(), g.p());
                }
            }
        });
        Tensor y = Tensor.wrap(out, new int[] {g.n, g.o, g.oh, g.ow});
        y = Autograd.record(y, "conv2d", dy -> backward(g, x, weight, dy), x, weight);
        return bias == null ? y : y.add(bias.reshape(1, g.o, 1, 1));
    }

    private static Tensor[] backward(Geometry g, Tensor x, Tensor weight, Tensor dy) {
        Tensor dydPacked = dy.packed();
        float[] dyd = dydPacked.data;
        int dyb = dydPacked.offset;
        Tensor dx = null;
        Tensor dw = null;
        if (x.requiresGrad()) {
            Tensor wdPacked = weight.packed();
            float[] wd = wdPacked.data;
            int wb = wdPacked.offset;
            float[] dxd = new float[g.n * g.c * g.h * g.w];
            perImage(g.n, (from, to) -> {
                float[] col = new float[g.ckk() * g.p()];
                for (int img = from; img < to; img++) {
                    for (int gi = 0; gi < g.groups; gi++) {
                        int dxOff = (img * g.c + gi * g.cg()) * g.h * g.w;
                        float[] target = g.pointwise() ? dxd : col;
                        int tOff = g.pointwise() ? dxOff : 0;
                        Gemm.sgemm(true, false, g.ckk(), g.p(), g.og(), 1f, wd, wb + gi * g.og() * g.ckk(), g.ckk(),
                                dyd, dyb + (img * g.o + gi * g.og()) * g.p(), g.p(), 0f, target, tOff, g.p());
                        if (!g.pointwise()) {
                            g.col2im(col, dxd, dxOff);
                        }
                    }
                }
            });
            dx = Tensor.wrap(dxd, x.shape);
        }
        if (weight.requiresGrad()) {
            Tensor xdPacked = x.packed();
            float[] xd = xdPacked.data;
            int xb = xdPacked.offset;
            int wsize = g.o * g.ckk();
            int chunks = Math.max(1, Math.min(g.n, Parallel.threads()));
            float[][] partial = new float[chunks][];
            Parallel.forRange(chunks, 1, (cf, ct) -> {
                for (int ch = cf; ch < ct; ch++) {
                    float[] acc = new float[wsize];
                    float[] col = g.pointwise() ? null : new float[g.ckk() * g.p()];
                    for (int img = g.n * ch / chunks; img < g.n * (ch + 1) / chunks; img++) {
                        for (int gi = 0; gi < g.groups; gi++) {
                            int bOff = g.columns(xd, xb + (img * g.c + gi * g.cg()) * g.h * g.w, col);
                            float[] b = col == null ? xd : col;
                            Gemm.sgemm(false, true, g.og(), g.ckk(), g.p(), 1f,
                                    dyd, dyb + (img * g.o + gi * g.og()) * g.p(), g.p(), b, bOff, g.p(),
                                    1f, acc, gi * g.og() * g.ckk(), g.ckk());
                        }
                    }
                    partial[ch] = acc;
                }
            });
            float[] dwd = partial[0];
            for (int ch = 1; ch < chunks; ch++) {
                for (int i = 0; i < wsize; i++) {
                    dwd[i] += partial[ch][i];
                }
            }
            dw = Tensor.wrap(dwd, weight.shape);
        }
        return new Tensor[] {dx, dw};
    }

    /** Runs over images on the pool when there are enough of them to share; else on this thread, leaving GEMM the pool. */
    private static void perImage(int n, Parallel.RangeBody body) {
        Parallel.forRange(n, n >= Parallel.threads() ? 1 : Integer.MAX_VALUE, body);
    }

    private static Geometry geometry(Tensor x, Tensor w, Tensor bias, Conv2dSpec s) {
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
        return new Geometry(x.shape[0], c, x.shape[2], x.shape[3], o, kh, kw, oh, ow, groups, s);
    }
}
