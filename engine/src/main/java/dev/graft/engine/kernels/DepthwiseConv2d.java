package dev.graft.engine.kernels;

import dev.graft.engine.Parallel;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct depthwise convolution (one input and one output channel per group), forward and both
 * gradients. Lowered to GEMM it would be a product one row tall per channel, all packing and no
 * arithmetic; here each channel plane is copied once into a zero-padded buffer and every kernel tap
 * becomes a fused multiply-add over a vector of neighbouring outputs (stride 1), or a plain loop
 * over the padded plane (other strides), with no bounds tests inside. The input gradient of a
 * stride-1 convolution is the same loop with the kernel flipped; the weight gradient sums one dot
 * product per tap. Planes go over the pool: (image, channel) pairs for the passes that write per
 * image, channels for the weight gradient, so no two tasks write the same element.
 */
final class DepthwiseConv2d {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Output elements below which a task is not worth forking. */
    private static final int MIN_TASK_ELEMENTS = 1 << 14;

    private static final ThreadLocal<float[][]> PAD = ThreadLocal.withInitial(() -> new float[][] {new float[0]});

    private DepthwiseConv2d() {
    }

    static void forward(Conv2dGeometry g, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff,
                        float[] y, int yOff) {
        int kk = g.kh() * g.kw();
        int hw = g.h() * g.w();
        int plane = g.plane();
        int wp = paddedW(g.ow(), g.strideW(), g.kw(), g.dilationW());
        int hp = paddedH(g.oh(), g.strideH(), g.kh(), g.dilationH());
        Parallel.forRange(g.n() * g.c(), Math.max(1, MIN_TASK_ELEMENTS / Math.max(1, plane)), (from, to) -> {
            float[] pad = padBuffer(hp * wp);
            for (int nc = from; nc < to; nc++) {
                int ch = nc % g.c();
                pad(x, xOff + nc * hw, g.h(), g.w(), g.padTop(), g.padLeft(), pad, hp, wp);
                float b = bias == null ? 0f : bias[bOff + ch];
                slide(pad, wp, w, wOff + ch * kk, false, g.kh(), g.kw(), g.strideH(), g.strideW(),
                        g.dilationH(), g.dilationW(), g.oh(), g.ow(), b, y, yOff + nc * plane);
            }
        });
    }

    static void inputGrad(Conv2dGeometry g, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        int kk = g.kh() * g.kw();
        int hw = g.h() * g.w();
        int plane = g.plane();
        if (g.strideH() == 1 && g.strideW() == 1) {
            // The stride-1 adjoint is a stride-1 convolution of dy by the flipped kernel.
            int top = g.dilationH() * (g.kh() - 1) - g.padTop();
            int left = g.dilationW() * (g.kw() - 1) - g.padLeft();
            int wp = paddedW(g.w(), 1, g.kw(), g.dilationW());
            int hp = paddedH(g.h(), 1, g.kh(), g.dilationH());
            Parallel.forRange(g.n() * g.c(), Math.max(1, MIN_TASK_ELEMENTS / Math.max(1, hw)), (from, to) -> {
                float[] pad = padBuffer(hp * wp);
                for (int nc = from; nc < to; nc++) {
                    pad(dy, dyOff + nc * plane, g.oh(), g.ow(), top, left, pad, hp, wp);
                    slide(pad, wp, w, wOff + nc % g.c() * kk, true, g.kh(), g.kw(), 1, 1,
                            g.dilationH(), g.dilationW(), g.h(), g.w(), 0f, dx, dxOff + nc * hw);
                }
            });
            return;
        }
        Parallel.forRange(g.n() * g.c(), Math.max(1, MIN_TASK_ELEMENTS / Math.max(1, hw)), (from, to) -> {
            for (int nc = from; nc < to; nc++) {
                int wi = wOff + nc % g.c() * kk;
                int base = dxOff + nc * hw;
                Arrays.fill(dx, base, base + hw, 0f);
                for (int oy = 0; oy < g.oh(); oy++) {
                    for (int ox = 0; ox < g.ow(); ox++) {
                        float v = dy[dyOff + nc * plane + oy * g.ow() + ox];
                        for (int ky = 0; ky < g.kh(); ky++) {
                            int iy = oy * g.strideH() - g.padTop() + ky * g.dilationH();
                            if (iy < 0 || iy >= g.h()) {
                                continue;
                            }
                            for (int kx = 0; kx < g.kw(); kx++) {
                                int ix = ox * g.strideW() - g.padLeft() + kx * g.dilationW();
                                if (ix >= 0 && ix < g.w()) {
                                    dx[base + iy * g.w() + ix] += w[wi + ky * g.kw() + kx] * v;
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    static void weightGrad(Conv2dGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff) {
        int kk = g.kh() * g.kw();
        int hw = g.h() * g.w();
        int plane = g.plane();
        int wp = paddedW(g.ow(), g.strideW(), g.kw(), g.dilationW());
        int hp = paddedH(g.oh(), g.strideH(), g.kh(), g.dilationH());
        boolean unitStride = g.strideW() == 1;
        Parallel.forRange(g.c(), Math.max(1, MIN_TASK_ELEMENTS / Math.max(1, g.n() * plane)), (from, to) -> {
            float[] pad = padBuffer(hp * wp);
            float[] lanes = new float[L];
            for (int ch = from; ch < to; ch++) {
                Arrays.fill(dw, dwOff + ch * kk, dwOff + (ch + 1) * kk, 0f);
                for (int img = 0; img < g.n(); img++) {
                    int nc = img * g.c() + ch;
                    pad(x, xOff + nc * hw, g.h(), g.w(), g.padTop(), g.padLeft(), pad, hp, wp);
                    int dyi = dyOff + nc * plane;
                    for (int ky = 0; ky < g.kh(); ky++) {
                        for (int kx = 0; kx < g.kw(); kx++) {
                            int tap = ky * g.dilationH() * wp + kx * g.dilationW();
                            float sum = unitStride
                                    ? dotRows(dy, dyi, pad, tap, g.oh(), g.ow(), g.strideH() * wp, lanes)
                                    : dotStrided(dy, dyi, pad, tap, g.oh(), g.ow(), g.strideH() * wp, g.strideW());
                            dw[dwOff + ch * kk + ky * g.kw() + kx] += sum;
                        }
                    }
                }
            }
        });
    }

    /**
     * One output plane: {@code y[oy][ox] = b + sum over taps of w * pad[oy*sh + ky*dh][ox*sw + kx*dw]},
     * the taps read back to front when {@code flip}. Each tap adds into the output row in memory
     * (it stays in L1) rather than into a register carried across the tap loops, which C2 would
     * box on every iteration.
     */
    private static void slide(float[] pad, int wp, float[] w, int wi, boolean flip, int kh, int kw, int sh, int sw,
                              int dh, int dw, int oh, int ow, float b, float[] y, int yi) {
        if (kh == 3 && kw == 3 && sw == 1) {
            slide3x3(pad, wp, w, wi, flip, sh, dh, dw, oh, ow, b, y, yi);
            return;
        }
        int kk = kh * kw;
        int vecEnd = sw == 1 ? ow - ow % L : 0;
        for (int oy = 0; oy < oh; oy++) {
            int row = oy * sh * wp;
            int dst = yi + oy * ow;
            Arrays.fill(y, dst, dst + ow, b);
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    int t = ky * kw + kx;
                    float wt = w[wi + (flip ? kk - 1 - t : t)];
                    FloatVector wv = FloatVector.broadcast(S, wt);
                    int src = row + ky * dh * wp + kx * dw;
                    for (int ox = 0; ox < vecEnd; ox += L) {
                        FloatVector.fromArray(S, pad, src + ox).fma(wv, FloatVector.fromArray(S, y, dst + ox))
                                .intoArray(y, dst + ox);
                    }
                    for (int ox = vecEnd; ox < ow; ox++) {
                        y[dst + ox] += wt * pad[src + ox * sw];
                    }
                }
            }
        }
    }

    /**
     * {@link #slide} for the common 3x3 kernel at unit horizontal stride: the nine taps are
     * loop-invariant registers and each vector of outputs is summed in a register and stored once.
     */
    private static void slide3x3(float[] pad, int wp, float[] w, int wi, boolean flip, int sh, int dh, int dw,
                                 int oh, int ow, float b, float[] y, int yi) {
        int d = flip ? -1 : 1;
        int k0 = wi + (flip ? 8 : 0);
        float t0 = w[k0];
        float t1 = w[k0 + d];
        float t2 = w[k0 + 2 * d];
        float t3 = w[k0 + 3 * d];
        float t4 = w[k0 + 4 * d];
        float t5 = w[k0 + 5 * d];
        float t6 = w[k0 + 6 * d];
        float t7 = w[k0 + 7 * d];
        float t8 = w[k0 + 8 * d];
        FloatVector w0 = FloatVector.broadcast(S, t0);
        FloatVector w1 = FloatVector.broadcast(S, t1);
        FloatVector w2 = FloatVector.broadcast(S, t2);
        FloatVector w3 = FloatVector.broadcast(S, t3);
        FloatVector w4 = FloatVector.broadcast(S, t4);
        FloatVector w5 = FloatVector.broadcast(S, t5);
        FloatVector w6 = FloatVector.broadcast(S, t6);
        FloatVector w7 = FloatVector.broadcast(S, t7);
        FloatVector w8 = FloatVector.broadcast(S, t8);
        FloatVector bv = FloatVector.broadcast(S, b);
        int vecEnd = ow - ow % L;
        for (int oy = 0; oy < oh; oy++) {
            int r0 = oy * sh * wp;
            int r1 = r0 + dh * wp;
            int r2 = r1 + dh * wp;
            int dst = yi + oy * ow;
            for (int ox = 0; ox < vecEnd; ox += L) {
                FloatVector acc = FloatVector.fromArray(S, pad, r0 + ox).fma(w0, bv);
                acc = FloatVector.fromArray(S, pad, r0 + ox + dw).fma(w1, acc);
                acc = FloatVector.fromArray(S, pad, r0 + ox + 2 * dw).fma(w2, acc);
                acc = FloatVector.fromArray(S, pad, r1 + ox).fma(w3, acc);
                acc = FloatVector.fromArray(S, pad, r1 + ox + dw).fma(w4, acc);
                acc = FloatVector.fromArray(S, pad, r1 + ox + 2 * dw).fma(w5, acc);
                acc = FloatVector.fromArray(S, pad, r2 + ox).fma(w6, acc);
                acc = FloatVector.fromArray(S, pad, r2 + ox + dw).fma(w7, acc);
                acc = FloatVector.fromArray(S, pad, r2 + ox + 2 * dw).fma(w8, acc);
                acc.intoArray(y, dst + ox);
            }
            for (int ox = vecEnd; ox < ow; ox++) {
                y[dst + ox] = b + t0 * pad[r0 + ox] + t1 * pad[r0 + ox + dw] + t2 * pad[r0 + ox + 2 * dw]
                        + t3 * pad[r1 + ox] + t4 * pad[r1 + ox + dw] + t5 * pad[r1 + ox + 2 * dw]
                        + t6 * pad[r2 + ox] + t7 * pad[r2 + ox + dw] + t8 * pad[r2 + ox + 2 * dw];
            }
        }
    }

    /** {@code sum over oy, ox of dy[oy][ox] * pad[tap + oy*rowStep + ox]}, vectorised along rows. */
    private static float dotRows(float[] dy, int dyi, float[] pad, int tap, int oh, int ow, int rowStep, float[] lanes) {
        int vecEnd = ow - ow % L;
        Arrays.fill(lanes, 0f);
        float tail = 0f;
        for (int oy = 0; oy < oh; oy++) {
            int d = dyi + oy * ow;
            int p = tap + oy * rowStep;
            // The partial sums go through memory once per row so the vector never crosses the
            // outer loop, where C2 would box it.
            FloatVector acc = FloatVector.fromArray(S, lanes, 0);
            for (int ox = 0; ox < vecEnd; ox += L) {
                acc = FloatVector.fromArray(S, dy, d + ox).fma(FloatVector.fromArray(S, pad, p + ox), acc);
            }
            acc.intoArray(lanes, 0);
            for (int ox = vecEnd; ox < ow; ox++) {
                tail += dy[d + ox] * pad[p + ox];
            }
        }
        float sum = tail;
        for (float v : lanes) {
            sum += v;
        }
        return sum;
    }

    /** {@link #dotRows} for a horizontal stride other than 1. */
    private static float dotStrided(float[] dy, int dyi, float[] pad, int tap, int oh, int ow, int rowStep, int sw) {
        float sum = 0f;
        for (int oy = 0; oy < oh; oy++) {
            int d = dyi + oy * ow;
            int p = tap + oy * rowStep;
            for (int ox = 0; ox < ow; ox++) {
                sum += dy[d + ox] * pad[p + ox * sw];
            }
        }
        return sum;
    }

    /** Copies an {@code h x w} plane into {@code pad} ({@code hp x wp}) at {@code (top, left)}, zeros around. */
    private static void pad(float[] x, int xi, int h, int w, int top, int left, float[] pad, int hp, int wp) {
        int lo = Math.max(0, left);
        int hi = Math.max(lo, Math.min(wp, left + w));
        for (int yp = 0; yp < hp; yp++) {
            int dst = yp * wp;
            int iy = yp - top;
            if (iy < 0 || iy >= h || hi == lo) {
                Arrays.fill(pad, dst, dst + wp, 0f);
                continue;
            }
            Arrays.fill(pad, dst, dst + lo, 0f);
            System.arraycopy(x, xi + iy * w + lo - left, pad, dst + lo, hi - lo);
            Arrays.fill(pad, dst + hi, dst + wp, 0f);
        }
    }

    private static int paddedH(int oh, int sh, int kh, int dh) {
        return (oh - 1) * sh + (kh - 1) * dh + 1;
    }

    private static int paddedW(int ow, int sw, int kw, int dw) {
        return (ow - 1) * sw + (kw - 1) * dw + 1;
    }

    /** This thread's padding buffer, at least {@code size} floats. */
    private static float[] padBuffer(int size) {
        float[][] holder = PAD.get();
        if (holder[0].length < size) {
            holder[0] = new float[size];
        }
        return holder[0];
    }
}
