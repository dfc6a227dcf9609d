package dev.graft.engine.kernels;

import dev.graft.engine.Parallel;
import java.util.Objects;

/**
 * 2-D convolution over NCHW arrays, forward and both gradients, lowered to {@link Gemm} per image
 * and channel group: the output is {@code weight[og, ckk] x col[ckk, plane]}, the input gradient
 * folds {@code weightᵀ x dy} back onto the image, and the weight gradient is
 * {@code dy x colᵀ} summed over images.
 */
public final class Conv2dKernel {

    private Conv2dKernel() {
    }

    /**
     * {@code y = conv(x, weight)}, overwriting {@code y}.
     *
     * @param g the geometry
     * @param x input {@code [n, c, h, w]} from {@code xOff}
     * @param xOff index of the input's first element
     * @param weight {@code [o, c / groups, kh, kw]} from {@code wOff}
     * @param wOff index of the weight's first element
     * @param y output {@code [n, o, oh, ow]} from {@code yOff}; overwritten
     * @param yOff index of the output's first element
     * @throws IllegalArgumentException if an operand does not fit in its array
     */
    public static void forward(Conv2dGeometry g, float[] x, int xOff, float[] weight, int wOff, float[] y, int yOff) {
        check("conv2d", g, x, xOff, weight, wOff, y, yOff);
        perImage(g.n(), (from, to) -> {
            float[] col = g.pointwise() ? null : new float[g.ckk() * g.plane()];
            for (int img = from; img < to; img++) {
                for (int gi = 0; gi < g.groups(); gi++) {
                    int xi = xOff + (img * g.c() + gi * g.cg()) * g.h() * g.w();
                    float[] b = x;
                    int bOff = xi;
                    if (col != null) {
                        im2col(g, x, xi, col);
                        b = col;
                        bOff = 0;
                    }
                    Gemm.sgemm(false, false, g.og(), g.plane(), g.ckk(), 1f, weight, wOff + gi * g.og() * g.ckk(), g.ckk(),
                            b, bOff, g.plane(), 0f, y, yOff + (img * g.o() + gi * g.og()) * g.plane(), g.plane());
                }
            }
        });
    }

    /**
     * The input gradient {@code dx} of the convolution given the output gradient {@code dy},
     * overwriting {@code dx}.
     *
     * @param g the geometry
     * @param dy output gradient {@code [n, o, oh, ow]} from {@code dyOff}
     * @param dyOff index of its first element
     * @param weight {@code [o, c / groups, kh, kw]} from {@code wOff}
     * @param wOff index of the weight's first element
     * @param dx input gradient {@code [n, c, h, w]} from {@code dxOff}; overwritten
     * @param dxOff index of its first element
     * @throws IllegalArgumentException if an operand does not fit in its array
     */
    public static void inputGrad(Conv2dGeometry g, float[] dy, int dyOff, float[] weight, int wOff, float[] dx, int dxOff) {
        check("conv2d input gradient", g, dx, dxOff, weight, wOff, dy, dyOff);
        java.util.Arrays.fill(dx, dxOff, dxOff + g.inputSize(), 0f);
        perImage(g.n(), (from, to) -> {
            float[] col = g.pointwise() ? null : new float[g.ckk() * g.plane()];
            for (int img = from; img < to; img++) {
                for (int gi = 0; gi < g.groups(); gi++) {
                    int dxi = dxOff + (img * g.c() + gi * g.cg()) * g.h() * g.w();
                    float[] target = col == null ? dx : col;
                    int tOff = col == null ? dxi : 0;
                    Gemm.sgemm(true, false, g.ckk(), g.plane(), g.og(), 1f, weight, wOff + gi * g.og() * g.ckk(), g.ckk(),
                            dy, dyOff + (img * g.o() + gi * g.og()) * g.plane(), g.plane(), 0f, target, tOff, g.plane());
                    if (col != null) {
                        Im2col.col2im(col, 0, g.cg(), g.h(), g.w(), g.kh(), g.kw(), g.strideH(), g.strideW(),
                                g.padTop(), g.padLeft(), g.dilationH(), g.dilationW(), g.oh(), g.ow(), dx, dxi);
                    }
                }
            }
        });
    }

    /**
     * The weight gradient {@code dweight} of the convolution given the output gradient {@code dy},
     * overwriting {@code dweight}.
     *
     * @param g the geometry
     * @param x input {@code [n, c, h, w]} from {@code xOff}
     * @param xOff index of the input's first element
     * @param dy output gradient {@code [n, o, oh, ow]} from {@code dyOff}
     * @param dyOff index of its first element
     * @param dweight weight gradient {@code [o, c / groups, kh, kw]} from {@code dwOff}; overwritten
     * @param dwOff index of its first element
     * @throws IllegalArgumentException if an operand does not fit in its array
     */
    public static void weightGrad(Conv2dGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] dweight, int dwOff) {
        check("conv2d weight gradient", g, x, xOff, dweight, dwOff, dy, dyOff);
        int wsize = g.weightSize();
        int chunks = Math.max(1, Math.min(g.n(), Parallel.threads()));
        float[][] partial = new float[chunks][];
        Parallel.forRange(chunks, 1, (cf, ct) -> {
            for (int ch = cf; ch < ct; ch++) {
                float[] acc = new float[wsize];
                float[] col = g.pointwise() ? null : new float[g.ckk() * g.plane()];
                for (int img = g.n() * ch / chunks; img < g.n() * (ch + 1) / chunks; img++) {
                    for (int gi = 0; gi < g.groups(); gi++) {
                        int xi = xOff + (img * g.c() + gi * g.cg()) * g.h() * g.w();
                        float[] b = x;
                        int bOff = xi;
                        if (col != null) {
                            im2col(g, x, xi, col);
                            b = col;
                            bOff = 0;
                        }
                        Gemm.sgemm(false, true, g.og(), g.ckk(), g.plane(), 1f,
                                dy, dyOff + (img * g.o() + gi * g.og()) * g.plane(), g.plane(), b, bOff, g.plane(),
                                1f, acc, gi * g.og() * g.ckk(), g.ckk());
                    }
                }
                partial[ch] = acc;
            }
        });
        System.arraycopy(partial[0], 0, dweight, dwOff, wsize);
        for (int ch = 1; ch < chunks; ch++) {
            for (int i = 0; i < wsize; i++) {
                dweight[dwOff + i] += partial[ch][i];
            }
        }
    }

    private static void im2col(Conv2dGeometry g, float[] x, int xi, float[] col) {
        Im2col.im2col(x, xi, g.cg(), g.h(), g.w(), g.kh(), g.kw(), g.strideH(), g.strideW(), g.padTop(), g.padLeft(),
                g.dilationH(), g.dilationW(), g.oh(), g.ow(), col, 0);
    }

    /** Runs over images on the pool when there are enough of them to share; else on this thread, leaving GEMM the pool. */
    private static void perImage(int n, Parallel.RangeBody body) {
        Parallel.forRange(n, n >= Parallel.threads() ? 1 : Integer.MAX_VALUE, body);
    }

    private static void check(String kernel, Conv2dGeometry g, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff) {
        Objects.requireNonNull(g, kernel + ": geometry is null");
        Objects.requireNonNull(x, kernel + ": input array is null");
        Objects.requireNonNull(w, kernel + ": weight array is null");
        Objects.requireNonNull(y, kernel + ": output array is null");
        Checks.block(kernel, "input", x.length, xOff, g.inputSize());
        Checks.block(kernel, "weight", w.length, wOff, g.weightSize());
        Checks.block(kernel, "output", y.length, yOff, g.outputSize());
    }
}
