package dev.graft.engine;

/**
 * Max and average pooling of NCHW input with their gradients. Each (image, channel) plane is
 * independent, so planes are spread over the pool.
 */
final class Pooling {

    private static final int PLANE_GRAIN_ELEMENTS = 1 << 14;

    private Pooling() {
    }

    static void checkNchw(String op, Tensor x) {
        if (x.dim() != 4) {
            throw new IllegalArgumentException(op + ": input must be [N, C, H, W], got " + Shape.str(x.shape));
        }
    }

    /** Input and output geometry of one call. */
    private record Planes(int count, int h, int w, int oh, int ow, Pool2dSpec s) {
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
            return new Planes(x.shape[0] * x.shape[1], h, w, oh, ow, s);
        }

        int[] outShape(Tensor x) {
            return new int[] {x.shape[0], x.shape[1], oh, ow};
        }

        int grain() {
            return Math.max(1, PLANE_GRAIN_ELEMENTS / Math.max(1, h * w));
        }
    }

    static Tensor maxPool2d(Tensor x, Pool2dSpec s) {
        Planes g = Planes.of("maxPool2d", x, s);
        float[] in = x.contiguousData();
        int base = in == x.data ? x.offset : 0;
        int outPlane = g.oh * g.ow;
        float[] out = new float[g.count * outPlane];
        int[] argmax = new int[out.length];
        Parallel.forRange(g.count, g.grain(), (from, to) -> {
            for (int p = from; p < to; p++) {
                int src = base + p * g.h * g.w;
                for (int oy = 0; oy < g.oh; oy++) {
                    int y0 = Math.max(0, oy * s.strideH() - s.padTop());
                    int y1 = Math.min(g.h, oy * s.strideH() - s.padTop() + s.kernelH());
                    for (int ox = 0; ox < g.ow; ox++) {
                        int x0 = Math.max(0, ox * s.strideW() - s.padLeft());
                        int x1 = Math.min(g.w, ox * s.strideW() - s.padLeft() + s.kernelW());
                        float best = Float.NEGATIVE_INFINITY;
                        int at = y0 * g.w + x0;
                        for (int y = y0; y < y1; y++) {
                            for (int xx = x0; xx < x1; xx++) {
                                float v = in[src + y * g.w + xx];
                                if (v > best || Float.isNaN(v)) {
                                    best = v;
                                    at = y * g.w + xx;
                                    if (Float.isNaN(v)) {
                                        y = y1;
                                        break;
                                    }
                                }
                            }
                        }
                        int o = p * outPlane + oy * g.ow + ox;
                        out[o] = best;
                        argmax[o] = at;
                    }
                }
            }
        });
        Tensor y = Tensor.wrap(out, g.outShape(x));
        return Autograd.record(y, "maxPool2d", dy -> {
            float[] d = dy.toArray();
            float[] dx = new float[g.count * g.h * g.w];
            Parallel.forRange(g.count, g.grain(), (from, to) -> {
                for (int p = from; p < to; p++) {
                    for (int o = p * outPlane; o < (p + 1) * outPlane; o++) {
                        dx[p * g.h * g.w + argmax[o]] += d[o];
                    }
                }
            });
            return new Tensor[] {Tensor.wrap(dx, x.shape)};
        }, x);
    }

    static Tensor avgPool2d(Tensor x, Pool2dSpec s, boolean countIncludePad) {
        Planes g = Planes.of("avgPool2d", x, s);
        float[] in = x.contiguousData();
        int base = in == x.data ? x.offset : 0;
        int outPlane = g.oh * g.ow;
        float[] out = new float[g.count * outPlane];
        Parallel.forRange(g.count, g.grain(), (from, to) -> {
            for (int p = from; p < to; p++) {
                int src = base + p * g.h * g.w;
                for (int oy = 0; oy < g.oh; oy++) {
                    for (int ox = 0; ox < g.ow; ox++) {
                        Window win = Window.of(g, oy, ox, countIncludePad);
                        float sum = 0f;
                        for (int row = win.y0; row < win.y1; row++) {
                            for (int col = win.x0; col < win.x1; col++) {
                                sum += in[src + row * g.w + col];
                            }
                        }
                        out[p * outPlane + oy * g.ow + ox] = sum / win.divisor;
                    }
                }
            }
        });
        Tensor y = Tensor.wrap(out, g.outShape(x));
        return Autograd.record(y, "avgPool2d", dy -> {
            float[] d = dy.toArray();
            float[] dx = new float[g.count * g.h * g.w];
            Parallel.forRange(g.count, g.grain(), (from, to) -> {
                for (int p = from; p < to; p++) {
                    int dst = p * g.h * g.w;
                    for (int oy = 0; oy < g.oh; oy++) {
                        for (int ox = 0; ox < g.ow; ox++) {
                            Window win = Window.of(g, oy, ox, countIncludePad);
                            float share = d[p * outPlane + oy * g.ow + ox] / win.divisor;
                            for (int row = win.y0; row < win.y1; row++) {
                                for (int col = win.x0; col < win.x1; col++) {
                                    dx[dst + row * g.w + col] += share;
                                }
                            }
                        }
                    }
                }
            });
            return new Tensor[] {Tensor.wrap(dx, x.shape)};
        }, x);
    }

    /**
     * The input rows and columns one averaging window covers, and what it divides by: PyTorch
     * counts padding cells (but not cells beyond the padding that ceil mode adds) when asked to.
     */
    private record Window(int y0, int y1, int x0, int x1, float divisor) {
        static Window of(Planes g, int oy, int ox, boolean countIncludePad) {
            Pool2dSpec s = g.s;
            int ys = oy * s.strideH() - s.padTop();
            int xs = ox * s.strideW() - s.padLeft();
            int ye = Math.min(ys + s.kernelH(), g.h + s.padBottom());
            int xe = Math.min(xs + s.kernelW(), g.w + s.padRight());
            int padded = (ye - ys) * (xe - xs);
            int y0 = Math.max(ys, 0);
            int x0 = Math.max(xs, 0);
            int y1 = Math.min(ye, g.h);
            int x1 = Math.min(xe, g.w);
            return new Window(y0, y1, x0, x1, countIncludePad ? padded : (y1 - y0) * (x1 - x0));
        }
    }
}
