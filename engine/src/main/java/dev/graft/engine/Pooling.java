package dev.graft.engine;

import dev.graft.engine.kernels.Pool2d;

/** Max and average pooling of NCHW input with their gradients, over the {@link Pool2d} kernels. */
final class Pooling {

    private Pooling() {
    }

    static void checkNchw(String op, Tensor x) {
        if (x.dim() != 4) {
            throw new IllegalArgumentException(op + ": input must be [N, C, H, W], got " + Shape.str(x.shape));
        }
    }

    /** Input and output geometry of one call. */
    private record Planes(int count, int h, int w, int oh, int ow) {
        static Planes of(String op, Tensor x, Pool2dSpec s) {
            checkNchw(op, x);
            int h = x.shape[2];
            int w = x.shape[3];
            int oh = s.outH(h);
            int ow = s.outW(w);
            if (oh < 1 || ow < 1) {
                throw new IllegalArgumentException(op + ": window " + s.kernelH() + "x" + s.kernelW()
                        + " does not fit input " + Shape.str(x.shape) + " with " + s);
            }
            return new Planes(Shape.numel(new int[] {x.shape[0], x.shape[1]}), h, w, oh, ow);
        }

        int[] outShape(Tensor x) {
            return new int[] {x.shape[0], x.shape[1], oh, ow};
        }
    }

    static Tensor maxPool2d(Tensor x, Pool2dSpec s) {
        Planes g = Planes.of("maxPool2d", x, s);
        Tensor in = x.packed();
        float[] out = new float[g.count * g.oh * g.ow];
        if (!GradMode.isEnabled() || !x.requiresGrad()) {
            // Nothing will ask for the gradient, so the winners' positions are not tracked.
            Pool2d.maxForward(in.data, in.offset, g.count, g.h, g.w, s.kernelH(), s.kernelW(),
                    s.strideH(), s.strideW(), s.padTop(), s.padLeft(), g.oh, g.ow, out, 0);
            return Tensor.wrap(out, g.outShape(x));
        }
        int[] argmax = new int[out.length];
        Pool2d.maxForward(in.data, in.offset, g.count, g.h, g.w, s.kernelH(), s.kernelW(),
                s.strideH(), s.strideW(), s.padTop(), s.padLeft(), g.oh, g.ow, out, 0, argmax, 0);
        Tensor y = Tensor.wrap(out, g.outShape(x));
        return Autograd.record(y, "maxPool2d", dy -> {
            Tensor d = dy.packed();
            float[] dx = new float[g.count * g.h * g.w];
            Pool2d.maxBackward(d.data, d.offset, argmax, 0, g.count, g.h, g.w, g.oh, g.ow, dx, 0);
            return new Tensor[] {Tensor.wrap(dx, x.shape)};
        }, x);
    }

    static Tensor avgPool2d(Tensor x, Pool2dSpec s, boolean countIncludePad) {
        Planes g = Planes.of("avgPool2d", x, s);
        Tensor in = x.packed();
        float[] out = new float[g.count * g.oh * g.ow];
        Pool2d.avgForward(in.data, in.offset, g.count, g.h, g.w, s.kernelH(), s.kernelW(),
                s.strideH(), s.strideW(), s.padTop(), s.padLeft(), s.padBottom(), s.padRight(), g.oh, g.ow,
                countIncludePad, out, 0);
        Tensor y = Tensor.wrap(out, g.outShape(x));
        return Autograd.record(y, "avgPool2d", dy -> {
            Tensor d = dy.packed();
            float[] dx = new float[g.count * g.h * g.w];
            Pool2d.avgBackward(d.data, d.offset, g.count, g.h, g.w, s.kernelH(), s.kernelW(),
                    s.strideH(), s.strideW(), s.padTop(), s.padLeft(), s.padBottom(), s.padRight(), g.oh, g.ow,
                    countIncludePad, dx, 0);
            return new Tensor[] {Tensor.wrap(dx, x.shape)};
        }, x);
    }
}
