package dev.graft.engine.kernels;

import dev.graft.engine.Parallel;
import java.util.Arrays;
import java.util.Objects;

/**
 * 2-D convolution over NCHW arrays, forward and both gradients, through {@link Gemm} without a
 * column matrix: per image and channel group, the forward pass is {@code weight[og, ckk] x
 * col[ckk, outputs]} with {@code col} packed panel by panel from a zero-padded copy of the image
 * split into stride phases ({@link ImagePanel}), and the weight gradient is computed transposed,
 * {@code col x dyᵀ}, with the rows of {@code col} read in place from the same buffer.
 *
 * <p>The input gradient of a stride-1 convolution is itself a stride-1 convolution of the output
 * gradient, by the flipped and transposed kernel, so it runs through the same path; other strides
 * compute {@code weightᵀ x dy} one band of outputs at a time into a small buffer and fold each
 * band back onto the image. A 1x1, stride-1, unpadded convolution is a plain GEMM on the image; a
 * depthwise one goes to the direct {@link DepthwiseConv2d}.
 *
 * <p>Batches of at least as many images as threads are split over the pool by image; smaller ones
 * run image after image and let each GEMM split its columns over the pool. Padded images, crop
 * buffers and packed panels live in per-thread buffers that grow to the largest call and are then
 * reused; the weight gradient of a batch split over threads allocates one partial sum per extra
 * thread.
 */
public final class Conv2dKernel {

    /** Column-matrix elements per band of the strided input gradient: 512 KiB, to stay in L2. */
    private static final int BAND_ELEMENTS = 1 << 17;
    /** Elements copied below which a task is not worth forking. */
    private static final int MIN_TASK_ELEMENTS = 1 << 15;

    /** Per-thread buffers, so repeated calls allocate nothing but their results. */
    private static final class Scratch {
        final ImagePanel panel = new ImagePanel();
        float[] image = new float[0];
        float[] out = new float[0];
        float[] grad = new float[0];
        float[] gradT = new float[0];
        float[] weight = new float[0];
        float[] band = new float[0];
        float[] packed = new float[0];
        float[] packedRows = new float[0];
        int[] rows = new int[0];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Conv2dKernel() {
    }

    /**
     * {@code y = conv(x, weight) + bias}, overwriting {@code y}.
     *
     * @param g the geometry
     * @param x input {@code [n, c, h, w]} from {@code xOff}
     * @param xOff index of the input's first element
     * @param weight {@code [o, c / groups, kh, kw]} from {@code wOff}
     * @param wOff index of the weight's first element
     * @param bias {@code [o]} from {@code bOff}, or null for none
     * @param bOff index of the bias's first element
     * @param y output {@code [n, o, oh, ow]} from {@code yOff}; overwritten
     * @param yOff index of the output's first element
     * @throws IllegalArgumentException if an operand does not fit in its array
     */
    public static void forward(Conv2dGeometry g, float[] x, int xOff, float[] weight, int wOff,
                               float[] bias, int bOff, float[] y, int yOff) {
        check("conv2d", g, x, xOff, weight, wOff, y, yOff);
        Scratch s = SCRATCH.get();
        s.packed = grow(s.packed, Conv2dWeights.size(g));
        forward(g, x, xOff, Conv2dWeights.into(g, weight, wOff, s.packed), bias, bOff, y, yOff);
    }

    /**
     * {@code y = conv(x, weight) + bias} with weights packed beforehand, overwriting {@code y}.
     *
     * @param g the geometry
     * @param x input {@code [n, c, h, w]} from {@code xOff}
     * @param xOff index of the input's first element
     * @param weight the weights, packed for {@code g}
     * @param bias {@code [o]} from {@code bOff}, or null for none
     * @param bOff index of the bias's first element
     * @param y output {@code [n, o, oh, ow]} from {@code yOff}; overwritten
     * @param yOff index of the output's first element
     * @throws IllegalArgumentException if an operand does not fit in its array or the weights were
     *     packed for another geometry
     */
    public static void forward(Conv2dGeometry g, float[] x, int xOff, Conv2dWeights weight,
                               float[] bias, int bOff, float[] y, int yOff) {
        Objects.requireNonNull(weight, "conv2d: weights are null");
        if (!weight.fits(g, weight.offset())) {
            throw new IllegalArgumentException("conv2d: weights were packed for another geometry than " + g);
        }
        Objects.requireNonNull(x, "conv2d: input array is null");
        Objects.requireNonNull(y, "conv2d: output array is null");
        Checks.block("conv2d", "input", x.length, xOff, g.inputSize());
        Checks.block("conv2d", "output", y.length, yOff, g.outputSize());
        if (bias != null) {
            Checks.block("conv2d", "bias", bias.length, bOff, g.o());
        }
        if (g.depthwise()) {
            DepthwiseConv2d.forward(g, x, xOff, weight.raw(), weight.offset(), bias, bOff, y, yOff);
            return;
        }
        convolve(g, g.padTop(), g.padLeft(), x, xOff, weight, bias, bOff, y, yOff);
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
    public static void inputGrad(Conv2dGeometry g, float[] dy, int dyOff, float[] weight, int wOff,
                                 float[] dx, int dxOff) {
        check("conv2d input gradient", g, dx, dxOff, weight, wOff, dy, dyOff);
        if (g.depthwise()) {
            DepthwiseConv2d.inputGrad(g, dy, dyOff, weight, wOff, dx, dxOff);
        } else if (g.pointwise()) {
            forImages(g.n(), (img, s) -> {
                for (int gi = 0; gi < g.groups(); gi++) {
                    Gemm.sgemm(true, false, g.cg(), g.plane(), g.og(), 1f, weight, wOff + gi * g.og() * g.ckk(), g.ckk(),
                            dy, dyOff + (img * g.o() + gi * g.og()) * g.plane(), g.plane(),
                            0f, dx, dxOff + (img * g.c() + gi * g.cg()) * g.plane(), g.plane());
                }
            });
        } else if (g.strideH() == 1 && g.strideW() == 1) {
            // dx = conv(dy, flipped weightᵀ), padded so that output pixel (y, x) sees dy from
            // (y + padTop - (kh-1)*dh, x + padLeft - (kw-1)*dw): a negative pad just skips dy rows
            // or columns that only ever met padding.
            Scratch s = SCRATCH.get();
            float[] flipped = s.weight = grow(s.weight, g.weightSize());
            flipTranspose(g, weight, wOff, flipped);
            Conv2dGeometry t = new Conv2dGeometry(g.n(), g.o(), g.oh(), g.ow(), g.c(), g.kh(), g.kw(), 1, 1, 0, 0,
                    g.dilationH(), g.dilationW(), g.groups(), g.h(), g.w());
            convolve(t, g.dilationH() * (g.kh() - 1) - g.padTop(), g.dilationW() * (g.kw() - 1) - g.padLeft(),
                    dy, dyOff, Conv2dWeights.into(t, flipped, 0, s.packed = grow(s.packed, Conv2dWeights.size(t))),
                    null, 0, dx, dxOff);
        } else {
            stridedInputGrad(g, dy, dyOff, weight, wOff, dx, dxOff);
        }
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
    public static void weightGrad(Conv2dGeometry g, float[] x, int xOff, float[] dy, int dyOff,
                                  float[] dweight, int dwOff) {
        check("conv2d weight gradient", g, x, xOff, dweight, dwOff, dy, dyOff);
        if (g.depthwise()) {
            DepthwiseConv2d.weightGrad(g, x, xOff, dy, dyOff, dweight, dwOff);
            return;
        }
        // Each image adds dy x colᵀ, the first one of each thread overwriting, so nothing is
        // zeroed first.
        int wsize = g.weightSize();
        int threads = Parallel.threads();
        if (g.n() == 0) {
            Arrays.fill(dweight, dwOff, dwOff + wsize, 0f);
            return;
        }
        if (g.n() < threads) {
            Scratch s = SCRATCH.get();
            for (int img = 0; img < g.n(); img++) {
                weightGradImage(g, x, xOff, dy, dyOff, img, dweight, dwOff, img == 0, s);
            }
            return;
        }
        // One partial sum per extra thread, allocated: a worker's own buffers could be taken by
        // another call's task before this one has read them. The first goes into the result.
        float[][] partial = new float[threads][];
        Parallel.forRange(threads, 1, (from, to) -> {
            Scratch s = SCRATCH.get();
            for (int ch = from; ch < to; ch++) {
                float[] acc = ch == 0 ? dweight : new float[wsize];
                int accOff = ch == 0 ? dwOff : 0;
                int first = g.n() * ch / threads;
                for (int img = first; img < g.n() * (ch + 1) / threads; img++) {
                    weightGradImage(g, x, xOff, dy, dyOff, img, acc, accOff, img == first, s);
                }
                partial[ch] = acc;
            }
        });
        for (int ch = 1; ch < threads; ch++) {
            float[] p = partial[ch];
            for (int i = 0; i < wsize; i++) {
                dweight[dwOff + i] += p[i];
            }
        }
    }

    /** Work on one image with the calling thread's buffers. */
    @FunctionalInterface
    private interface ImageBody {
        void run(int img, Scratch s);
    }

    /**
     * Runs {@code body} for every image: over the pool when there are at least as many images as
     * threads, else one after the other on this thread, leaving each GEMM the pool.
     */
    private static void forImages(int n, ImageBody body) {
        if (n >= Parallel.threads()) {
            Parallel.forRange(n, 1, (from, to) -> {
                Scratch s = SCRATCH.get();
                for (int img = from; img < to; img++) {
                    body.run(img, s);
                }
            });
        } else {
            Scratch s = SCRATCH.get();
            for (int img = 0; img < n; img++) {
                body.run(img, s);
            }
        }
    }

    /**
     * The forward pass with the pads given apart from {@code g} (they may be negative here, for
     * the input gradient), writing {@code y} (plus {@code bias} when not null).
     */
    private static void convolve(Conv2dGeometry g, int padTop, int padLeft, float[] x, int xOff,
                                 Conv2dWeights weight, float[] bias, int bOff, float[] y, int yOff) {
        boolean pointwise = g.kh() == 1 && g.kw() == 1 && g.strideH() == 1 && g.strideW() == 1
                && padTop == 0 && padLeft == 0 && g.oh() == g.h() && g.ow() == g.w();
        forImages(g.n(), (img, s) -> {
            for (int gi = 0; gi < g.groups(); gi++) {
                int xi = xOff + (img * g.c() + gi * g.cg()) * g.h() * g.w();
                int yi = yOff + (img * g.o() + gi * g.og()) * g.plane();
                int bi = bOff + gi * g.og();
                if (pointwise) {
                    fillBias(bias, bi, g.og(), g.plane(), y, yi);
                    Gemm.product(weight.group(gi), g.plane(), Gemm.matrix(false, x, xi, g.plane()),
                            bias == null ? 0f : 1f, y, yi, g.plane());
                } else {
                    forwardGroup(g, padTop, padLeft, x, xi, weight.group(gi), bias, bi, y, yi, s);
                }
            }
        });
    }

    private static void forwardGroup(Conv2dGeometry g, int padTop, int padLeft, float[] x, int xi,
                                     Gemm.Packed weight, float[] bias, int bi, float[] y, int yi, Scratch s) {
        ImagePanel panel = prepare(g, padTop, padLeft, x, xi, s);
        int wq = phaseW(g);
        int og = g.og();
        int plane = g.plane();
        // Outputs are numbered across the phase width; the wq - ow columns per row past the
        // output are computed into the buffer and dropped by the copy.
        int cols = (g.oh() - 1) * wq + g.ow();
        float[] out = s.out = grow(s.out, og * cols);
        Gemm.product(weight, cols, panel, 0f, out, 0, cols);
        int ow = g.ow();
        Parallel.forRange(og, Math.max(1, MIN_TASK_ELEMENTS / plane), (from, to) -> {
            for (int o = from; o < to; o++) {
                float b = bias == null ? 0f : bias[bi + o];
                for (int oy = 0; oy < g.oh(); oy++) {
                    int src = o * cols + oy * wq;
                    int dst = yi + o * plane + oy * ow;
                    for (int ox = 0; ox < ow; ox++) {
                        y[dst + ox] = out[src + ox] + b;
                    }
                }
            }
        });
    }

    /** Adds this image's share of the weight gradient to {@code acc}, or writes it when {@code first}. */
    private static void weightGradImage(Conv2dGeometry g, float[] x, int xOff, float[] dy, int dyOff, int img,
                                        float[] acc, int accOff, boolean first, Scratch s) {
        int og = g.og();
        int plane = g.plane();
        float beta = first ? 0f : 1f;
        for (int gi = 0; gi < g.groups(); gi++) {
            int xi = xOff + (img * g.c() + gi * g.cg()) * g.h() * g.w();
            int dyi = dyOff + (img * g.o() + gi * og) * plane;
            int ai = accOff + gi * og * g.ckk();
            if (g.pointwise()) {
                Gemm.sgemm(false, true, og, g.cg(), plane, 1f, dy, dyi, plane, x, xi, plane, beta, acc, ai, g.ckk());
                continue;
            }
            ImagePanel panel = prepare(g, g.padTop(), g.padLeft(), x, xi, s);
            // dy spread over the phase width with zeros past each output row, so the windows
            // computed there add nothing.
            int wq = phaseW(g);
            int cols = (g.oh() - 1) * wq + g.ow();
            float[] spread = s.grad = grow(s.grad, og * cols);
            for (int o = 0; o < og; o++) {
                for (int oy = 0; oy < g.oh(); oy++) {
                    int dst = o * cols + oy * wq;
                    System.arraycopy(dy, dyi + o * plane + oy * g.ow(), spread, dst, g.ow());
                    if (oy < g.oh() - 1) {
                        Arrays.fill(spread, dst + g.ow(), dst + wq, 0f);
                    }
                }
            }
            // dWᵀ = col x spreadᵀ: the column matrix is the left operand, its rows read in place
            // from the padded image. As the right one (dW = spread x colᵀ) it had to be packed
            // transposed, one scalar store per element: a quarter of the time at 64 channels.
            int ckk = g.ckk();
            float[] gradT = s.gradT = grow(s.gradT, ckk * og);
            Gemm.productRows(ckk, og, cols, panel.src, panel.rowOff, Gemm.matrix(true, spread, 0, cols),
                    0f, gradT, 0, og);
            for (int o = 0; o < og; o++) {
                int row = ai + o * ckk;
                for (int r = 0; r < ckk; r++) {
                    acc[row + r] = first ? gradT[r * og + o] : acc[row + r] + gradT[r * og + o];
                }
            }
        }
    }

    /**
     * Input gradient of a strided convolution: {@code weightᵀ x dy} for one band of outputs at a
     * time into a buffer, folded onto the image band by band. Images go over the pool when there
     * are enough; else the input channels are split, since two channel ranges never add to the
     * same pixel.
     */
    private static void stridedInputGrad(Conv2dGeometry g, float[] dy, int dyOff, float[] weight, int wOff,
                                         float[] dx, int dxOff) {
        int kk = g.kh() * g.kw();
        if (g.n() >= Parallel.threads()) {
            // weightᵀ packed once per group for every image and band
            Gemm.Packed[] transposed = new Gemm.Packed[g.groups()];
            int per = Gemm.packedSize(g.ckk(), g.og());
            Scratch caller = SCRATCH.get();
            float[] buffer = caller.packed = grow(caller.packed, g.groups() * per);
            for (int gi = 0; gi < g.groups(); gi++) {
                transposed[gi] = Gemm.pack(true, g.ckk(), g.og(), 1f, weight, wOff + gi * g.og() * g.ckk(), g.ckk(),
                        buffer, gi * per);
            }
            Parallel.forRange(g.n(), 1, (from, to) -> {
                Scratch s = SCRATCH.get();
                for (int img = from; img < to; img++) {
                    for (int gi = 0; gi < g.groups(); gi++) {
                        foldChannels(g, dy, dyOff, transposed[gi], dx, dxOff, img, gi, 0, g.cg(), s);
                    }
                }
            });
            return;
        }
        for (int img = 0; img < g.n(); img++) {
            for (int gi = 0; gi < g.groups(); gi++) {
                int image = img;
                int group = gi;
                Parallel.forRange(g.cg(), 1, (from, to) -> {
                    Scratch s = SCRATCH.get();
                    int rows = (to - from) * kk;
                    s.packedRows = grow(s.packedRows, Gemm.packedSize(rows, g.og()));
                    Gemm.Packed packed = Gemm.pack(true, rows, g.og(), 1f, weight,
                            wOff + group * g.og() * g.ckk() + from * kk, g.ckk(), s.packedRows, 0);
                    foldChannels(g, dy, dyOff, packed, dx, dxOff, image, group, from, to, s);
                });
            }
        }
    }

    /**
     * Input gradient of channels {@code [c0, c1)} of one image group, overwriting them, given the
     * rows of {@code weightᵀ} for those channels packed.
     */
    private static void foldChannels(Conv2dGeometry g, float[] dy, int dyOff, Gemm.Packed weightT,
                                     float[] dx, int dxOff, int img, int gi, int c0, int c1, Scratch s) {
        int kk = g.kh() * g.kw();
        int rows = (c1 - c0) * kk;
        int plane = g.plane();
        int hw = g.h() * g.w();
        int dxi = dxOff + (img * g.c() + gi * g.cg() + c0) * hw;
        Arrays.fill(dx, dxi, dxi + (c1 - c0) * hw, 0f);
        int nb = Math.max(Gemm.NR, BAND_ELEMENTS / Math.max(1, rows) / Gemm.NR * Gemm.NR);
        float[] band = s.band = grow(s.band, rows * Math.min(nb, plane));
        int dyi = dyOff + (img * g.o() + gi * g.og()) * plane;
        for (int p0 = 0; p0 < plane; p0 += nb) {
            int cols = Math.min(nb, plane - p0);
            Gemm.product(weightT, cols, Gemm.matrix(false, dy, dyi + p0, plane), 0f, band, 0, cols);
            for (int r = 0; r < rows; r++) {
                int ky = r % kk / g.kw() * g.dilationH() - g.padTop();
                int kx = r % g.kw() * g.dilationW() - g.padLeft();
                foldRow(g, band, r * cols, p0, cols, ky, kx, dx, dxi + r / kk * hw);
            }
        }
    }

    /**
     * Adds one row of a band of the column-matrix gradient (kernel tap at offset {@code (ky, kx)}
     * from each window's corner, outputs {@code p0 .. p0+cols}) onto its input plane, output row
     * by output row over the outputs whose pixel lies inside the image.
     */
    private static void foldRow(Conv2dGeometry g, float[] band, int b0, int p0, int cols, int ky, int kx,
                                float[] dx, int planeOff) {
        int ow = g.ow();
        int sw = g.strideW();
        // outputs ox with 0 <= ox*sw + kx < w
        int oxLo = Math.min(ow, Math.max(0, ceilDiv(-kx, sw)));
        int oxHi = Math.max(oxLo, Math.min(ow, ceilDiv(g.w() - kx, sw)));
        int end = p0 + cols;
        for (int oy = p0 / ow; oy * ow < end; oy++) {
            int iy = oy * g.strideH() + ky;
            if (iy < 0 || iy >= g.h()) {
                continue;
            }
            int lo = Math.max(oxLo, p0 - oy * ow);
            int hi = Math.min(oxHi, end - oy * ow);
            int src = b0 + oy * ow - p0;
            int dst = planeOff + iy * g.w() + kx;
            for (int ox = lo; ox < hi; ox++) {
                dx[dst + ox * sw] += band[src + ox];
            }
        }
    }

    /** Rows of one phase image: the padded rows the windows span, every strideH-th. */
    private static int phaseH(Conv2dGeometry g) {
        int hp = (g.oh() - 1) * g.strideH() + (g.kh() - 1) * g.dilationH() + 1;
        return (hp + g.strideH() - 1) / g.strideH();
    }

    /** Columns of one phase image: the padded columns the windows span, every strideW-th. */
    private static int phaseW(Conv2dGeometry g) {
        int wp = (g.ow() - 1) * g.strideW() + (g.kw() - 1) * g.dilationW() + 1;
        return (wp + g.strideW() - 1) / g.strideW();
    }

    /**
     * Copies one image group into the thread's buffer as phase images and points the thread's
     * panel at it. Phase {@code (a, b)} of a channel holds the zero-padded image's rows
     * {@code a, a + strideH, ...} and columns {@code b, b + strideW, ...}; kernel tap
     * {@code (ky, kx)} then reads phase {@code (ky*dh % sh, kx*dw % sw)} shifted by
     * {@code (ky*dh / sh, kx*dw / sw)} at unit stride, so every row of the column matrix is one
     * contiguous run over the phase width, whatever the stride (stride 1 has the padded image as
     * its only phase). Pads may be negative: rows and columns before the windows are dropped.
     */
    private static ImagePanel prepare(Conv2dGeometry g, int padTop, int padLeft, float[] x, int xi, Scratch s) {
        int sh = g.strideH();
        int sw = g.strideW();
        int hq = phaseH(g);
        int wq = phaseW(g);
        int cg = g.cg();
        int phase = hq * wq;
        float[] image = s.image = grow(s.image, cg * sh * sw * phase);
        // Over the pool when a single image leaves it idle; inline inside a batch split.
        Parallel.forRange(cg, Math.max(1, MIN_TASK_ELEMENTS / Math.max(1, sh * sw * phase)), (c0, c1) -> {
            for (int ci = c0; ci < c1; ci++) {
                phases(g, padTop, padLeft, x, xi + ci * g.h() * g.w(), image, ci * sh * sw * phase, hq, wq);
            }
        });
        int taps = g.ckk();
        int[] rows = s.rows = grow(s.rows, taps);
        for (int r = 0; r < taps; r++) {
            int kx = r % g.kw() * g.dilationW();
            int ky = r / g.kw() % g.kh() * g.dilationH();
            int ci = r / (g.kw() * g.kh());
            rows[r] = ((ci * sh + ky % sh) * sw + kx % sw) * phase + ky / sh * wq + kx / sw;
        }
        ImagePanel panel = s.panel;
        panel.src = image;
        panel.rowOff = rows;
        return panel;
    }

    /** Writes the {@code strideH x strideW} phase images of one channel plane from {@code dst}. */
    private static void phases(Conv2dGeometry g, int padTop, int padLeft, float[] x, int xi, float[] image, int dst0,
                               int hq, int wq) {
        int sh = g.strideH();
        int sw = g.strideW();
        int h = g.h();
        int w = g.w();
        for (int a = 0; a < sh; a++) {
            for (int b = 0; b < sw; b++) {
                if (!tapInPhase(g.kh(), g.dilationH(), sh, a) || !tapInPhase(g.kw(), g.dilationW(), sw, b)) {
                    continue; // no tap reads this phase (a 1x1 strided kernel reads only the first)
                }
                int base = dst0 + (a * sw + b) * hq * wq;
                // phase column q reads image column q*sw + b - padLeft: those inside [0, w)
                int qLo = Math.min(wq, Math.max(0, ceilDiv(padLeft - b, sw)));
                int qHi = Math.max(qLo, Math.min(wq, ceilDiv(w + padLeft - b, sw)));
                for (int qy = 0; qy < hq; qy++) {
                    int dst = base + qy * wq;
                    int iy = qy * sh + a - padTop;
                    if (iy < 0 || iy >= h || qHi == qLo) {
                        Arrays.fill(image, dst, dst + wq, 0f);
                        continue;
                    }
                    Arrays.fill(image, dst, dst + qLo, 0f);
                    int src = xi + iy * w + qLo * sw + b - padLeft;
                    if (sw == 1) {
                        System.arraycopy(x, src, image, dst + qLo, qHi - qLo);
                    } else {
                        for (int q = qLo; q < qHi; q++, src += sw) {
                            image[dst + q] = x[src];
                        }
                    }
                    Arrays.fill(image, dst + qHi, dst + wq, 0f);
                }
            }
        }
    }

    /** Whether some tap {@code k < taps} has {@code k * dilation % stride == phase}. */
    private static boolean tapInPhase(int taps, int dilation, int stride, int phase) {
        for (int k = 0; k < taps && k < stride; k++) {
            if (k * dilation % stride == phase) {
                return true;
            }
        }
        return false;
    }

    /** {@code ceil(a / b)} for {@code b > 0} and any sign of {@code a}. */
    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    /**
     * Writes the weight of the transposed convolution that maps {@code dy} to {@code dx}:
     * {@code t[gi*cg + ci][oi][ky][kx] = w[gi*og + oi][ci][kh-1-ky][kw-1-kx]}.
     */
    private static void flipTranspose(Conv2dGeometry g, float[] w, int wOff, float[] t) {
        int kk = g.kh() * g.kw();
        for (int gi = 0; gi < g.groups(); gi++) {
            for (int oi = 0; oi < g.og(); oi++) {
                for (int ci = 0; ci < g.cg(); ci++) {
                    int src = wOff + ((gi * g.og() + oi) * g.cg() + ci) * kk;
                    int dst = ((gi * g.cg() + ci) * g.og() + oi) * kk;
                    for (int k = 0; k < kk; k++) {
                        t[dst + k] = w[src + kk - 1 - k];
                    }
                }
            }
        }
    }

    /** Fills {@code rows} rows of {@code len} with the bias of each, if there is a bias. */
    private static void fillBias(float[] bias, int bi, int rows, int len, float[] y, int yi) {
        if (bias != null) {
            for (int o = 0; o < rows; o++) {
                Arrays.fill(y, yi + o * len, yi + (o + 1) * len, bias[bi + o]);
            }
        }
    }

    private static float[] grow(float[] a, int size) {
        return a.length >= size ? a : new float[size];
    }

    private static int[] grow(int[] a, int size) {
        return a.length >= size ? a : new int[size];
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
