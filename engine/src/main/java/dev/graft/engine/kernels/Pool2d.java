package dev.graft.engine.kernels;

import dev.graft.engine.Parallel;
import java.util.Arrays;
import java.util.Objects;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * 2-D max and average pooling over {@code planes} independent {@code height x width} planes (a
 * batch of {@code N * C} channels), forward and backward, in parallel over planes.
 *
 * <p>Output {@code (oh, ow)} of a plane looks at the window of rows
 * {@code [oh * strideH - padTop, oh * strideH - padTop + kernelH)} and the matching columns. The
 * caller computes {@code outH} and {@code outW}, so ceil mode is simply a larger output whose last
 * windows overhang the input; every window is clipped to what exists:
 * <ul>
 *   <li>Max pooling treats positions outside the input as {@code -inf}. It records, per output,
 *       the flat index {@code ih * width + iw} of the winner within its plane for the backward
 *       pass. NaN wins (it propagates, as in PyTorch). A window with no input position at all
 *       yields {@code -inf} and index {@code -1}, which the backward pass skips.
 *   <li>Average pooling follows PyTorch and ONNX: positions inside the explicit padding count in
 *       the divisor when {@code countIncludePad}, positions beyond it (a ceil-mode overhang) never
 *       do; without {@code countIncludePad} the divisor is the number of input positions in the
 *       window. A window with no input position yields 0. This is why average pooling also takes
 *       {@code padBottom} and {@code padRight}.
 * </ul>
 * Backward passes add into the input gradient, which the caller zeroes first.
 */
public final class Pool2d {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Output elements below which a task is not worth forking. */
    private static final int MIN_TASK_OUTPUTS = 1 << 12;

    private Pool2d() {
    }

    /**
     * Max pooling forward.
     *
     * @param x input planes, {@code planes * height * width} from {@code xOff}
     * @param xOff index of the first input element
     * @param planes number of planes (batch times channels)
     * @param height input height
     * @param width input width
     * @param kernelH window height, at least 1
     * @param kernelW window width, at least 1
     * @param strideH vertical stride, at least 1
     * @param strideW horizontal stride, at least 1
     * @param padTop rows of padding above the input
     * @param padLeft columns of padding left of the input
     * @param outH output height
     * @param outW output width
     * @param y output planes, {@code planes * outH * outW} from {@code yOff}
     * @param yOff index of the first output element
     * @param argmax per output, the flat index within its input plane of the maximum, or -1
     * @param argmaxOff index of the first argmax entry
     * @throws IllegalArgumentException if a size is out of range or an operand does not fit
     */
    public static void maxForward(float[] x, int xOff, int planes, int height, int width,
                                  int kernelH, int kernelW, int strideH, int strideW,
                                  int padTop, int padLeft, int outH, int outW,
                                  float[] y, int yOff, int[] argmax, int argmaxOff) {
        Objects.requireNonNull(argmax, "maxPool: argmax is null");
        check("maxPool", x, xOff, planes, height, width, kernelH, kernelW, strideH, strideW,
                padTop, padLeft, 0, 0, outH, outW, y, yOff);
        Checks.block("maxPool", "argmax", argmax.length, argmaxOff, (long) planes * outH * outW);
        int in = height * width;
        int out = outH * outW;
        Parallel.forRange(planes, grain(out), (from, to) -> {
            for (int p = from; p < to; p++) {
                maxPlane(x, xOff + p * in, width, height, kernelH, kernelW, strideH, strideW,
                        padTop, padLeft, outH, outW, y, yOff + p * out, argmax, argmaxOff + p * out);
            }
        });
    }

    /**
     * Max pooling forward without the argmax, for inference: the same values as
     * {@link #maxForward}, found by a vectorised maximum over each window's rows, then a scalar
     * maximum across the window's columns of that row.
     *
     * @param x input planes, {@code planes * height * width} from {@code xOff}
     * @param xOff index of the first input element
     * @param planes number of planes (batch times channels)
     * @param height input height
     * @param width input width
     * @param kernelH window height, at least 1
     * @param kernelW window width, at least 1
     * @param strideH vertical stride, at least 1
     * @param strideW horizontal stride, at least 1
     * @param padTop rows of padding above the input
     * @param padLeft columns of padding left of the input
     * @param outH output height
     * @param outW output width
     * @param y output planes, {@code planes * outH * outW} from {@code yOff}
     * @param yOff index of the first output element
     * @throws IllegalArgumentException if a size is out of range or an operand does not fit
     */
    public static void maxForward(float[] x, int xOff, int planes, int height, int width,
                                  int kernelH, int kernelW, int strideH, int strideW,
                                  int padTop, int padLeft, int outH, int outW, float[] y, int yOff) {
        check("maxPool", x, xOff, planes, height, width, kernelH, kernelW, strideH, strideW,
                padTop, padLeft, 0, 0, outH, outW, y, yOff);
        int in = height * width;
        int out = outH * outW;
        Parallel.forRange(planes, grain(out), (from, to) -> {
            float[] rowMax = new float[width];
            for (int p = from; p < to; p++) {
                maxValuesPlane(x, xOff + p * in, width, height, kernelH, kernelW, strideH, strideW,
                        padTop, padLeft, outH, outW, y, yOff + p * out, rowMax);
            }
        });
    }

    private static void maxValuesPlane(float[] x, int xo, int width, int height, int kernelH, int kernelW,
                                       int strideH, int strideW, int padTop, int padLeft, int outH, int outW,
                                       float[] y, int yo, float[] rowMax) {
        int bound = S.loopBound(width);
        for (int oh = 0; oh < outH; oh++) {
            int h0 = oh * strideH - padTop;
            int hs = Math.max(h0, 0);
            int he = Math.min(h0 + kernelH, height);
            int yRow = yo + oh * outW;
            if (hs >= he) {
                Arrays.fill(y, yRow, yRow + outW, Float.NEGATIVE_INFINITY);
                continue;
            }
            // Math.max and the lanewise MAX both let NaN win, as the argmax path does.
            int first = xo + hs * width;
            int i = 0;
            for (; i < bound; i += L) {
                FloatVector m = FloatVector.fromArray(S, x, first + i);
                for (int ih = hs + 1; ih < he; ih++) {
                    m = m.lanewise(VectorOperators.MAX, FloatVector.fromArray(S, x, xo + ih * width + i));
                }
                m.intoArray(rowMax, i);
            }
            for (; i < width; i++) {
                float m = x[first + i];
                for (int ih = hs + 1; ih < he; ih++) {
                    m = Math.max(m, x[xo + ih * width + i]);
                }
                rowMax[i] = m;
            }
            for (int ow = 0; ow < outW; ow++) {
                int w0 = ow * strideW - padLeft;
                int ws = Math.max(w0, 0);
                int we = Math.min(w0 + kernelW, width);
                float m = Float.NEGATIVE_INFINITY;
                if (ws < we) {
                    m = rowMax[ws];
                    for (int iw = ws + 1; iw < we; iw++) {
                        m = Math.max(m, rowMax[iw]);
                    }
                }
                y[yRow + ow] = m;
            }
        }
    }

    private static void maxPlane(float[] x, int xo, int width, int height, int kernelH, int kernelW,
                                 int strideH, int strideW, int padTop, int padLeft, int outH, int outW,
                                 float[] y, int yo, int[] argmax, int ao) {
        for (int oh = 0; oh < outH; oh++) {
            int h0 = oh * strideH - padTop;
            int hs = Math.max(h0, 0);
            int he = Math.min(h0 + kernelH, height);
            for (int ow = 0; ow < outW; ow++) {
                int w0 = ow * strideW - padLeft;
                int ws = Math.max(w0, 0);
                int we = Math.min(w0 + kernelW, width);
                int o = oh * outW + ow;
                if (hs >= he || ws >= we) {
                    y[yo + o] = Float.NEGATIVE_INFINITY;
                    argmax[ao + o] = -1;
                    continue;
                }
                // Start from the window's first element, not -inf, so an all -inf window still
                // names a real input position.
                int best = hs * width + ws;
                float max = x[xo + best];
                for (int ih = hs; ih < he; ih++) {
                    int row = ih * width;
                    for (int iw = ws; iw < we; iw++) {
                        float v = x[xo + row + iw];
                        if (v > max || v != v) {
                            max = v;
                            best = row + iw;
                        }
                    }
                }
                y[yo + o] = max;
                argmax[ao + o] = best;
            }
        }
    }

    /**
     * Max pooling backward: adds each output gradient to the input position its argmax names.
     *
     * @param dy output gradient, {@code planes * outH * outW} from {@code dyOff}
     * @param dyOff index of the first output-gradient element
     * @param argmax the indices {@link #maxForward} recorded
     * @param argmaxOff index of the first argmax entry
     * @param planes number of planes
     * @param height input height
     * @param width input width
     * @param outH output height
     * @param outW output width
     * @param dx input gradient, {@code planes * height * width} from {@code dxOff}; added into
     * @param dxOff index of the first input-gradient element
     * @throws IllegalArgumentException if a size is negative, an operand does not fit, or an
     *     argmax entry is neither -1 nor a position within its plane (checked before any write)
     */
    public static void maxBackward(float[] dy, int dyOff, int[] argmax, int argmaxOff,
                                   int planes, int height, int width, int outH, int outW,
                                   float[] dx, int dxOff) {
        Objects.requireNonNull(dy, "maxPoolBackward: dy is null");
        Objects.requireNonNull(argmax, "maxPoolBackward: argmax is null");
        Objects.requireNonNull(dx, "maxPoolBackward: dx is null");
        Checks.atLeast("maxPoolBackward", "planes", planes, 0);
        Checks.atLeast("maxPoolBackward", "height", height, 0);
        Checks.atLeast("maxPoolBackward", "width", width, 0);
        Checks.atLeast("maxPoolBackward", "outH", outH, 0);
        Checks.atLeast("maxPoolBackward", "outW", outW, 0);
        long outs = (long) planes * outH * outW;
        Checks.block("maxPoolBackward", "dy", dy.length, dyOff, outs);
        Checks.block("maxPoolBackward", "argmax", argmax.length, argmaxOff, outs);
        Checks.block("maxPoolBackward", "dx", dx.length, dxOff, (long) planes * height * width);
        int in = height * width;
        for (int i = 0; i < outs; i++) {
            int idx = argmax[argmaxOff + i];
            if (idx < -1 || idx >= in) {
                throw new IllegalArgumentException("maxPoolBackward: argmax[" + i + "] = " + idx
                        + " is outside a " + height + "x" + width + " plane");
            }
        }
        int out = outH * outW;
        Parallel.forRange(planes, grain(out), (from, to) -> {
            for (int p = from; p < to; p++) {
                int xo = dxOff + p * in;
                int go = dyOff + p * out;
                int ao = argmaxOff + p * out;
                for (int o = 0; o < out; o++) {
                    int idx = argmax[ao + o];
                    if (idx >= 0) {
                        dx[xo + idx] += dy[go + o];
                    }
                }
            }
        });
    }

    /**
     * Average pooling forward.
     *
     * @param x input planes, {@code planes * height * width} from {@code xOff}
     * @param xOff index of the first input element
     * @param planes number of planes (batch times channels)
     * @param height input height
     * @param width input width
     * @param kernelH window height, at least 1
     * @param kernelW window width, at least 1
     * @param strideH vertical stride, at least 1
     * @param strideW horizontal stride, at least 1
     * @param padTop rows of padding above the input
     * @param padLeft columns of padding left of the input
     * @param padBottom rows of explicit padding below the input (they count when
     *     {@code countIncludePad}; a ceil-mode overhang beyond them does not)
     * @param padRight columns of explicit padding right of the input
     * @param outH output height
     * @param outW output width
     * @param countIncludePad whether padding positions count in the divisor
     * @param y output planes, {@code planes * outH * outW} from {@code yOff}
     * @param yOff index of the first output element
     * @throws IllegalArgumentException if a size is out of range or an operand does not fit
     */
    public static void avgForward(float[] x, int xOff, int planes, int height, int width,
                                  int kernelH, int kernelW, int strideH, int strideW,
                                  int padTop, int padLeft, int padBottom, int padRight,
                                  int outH, int outW, boolean countIncludePad, float[] y, int yOff) {
        check("avgPool", x, xOff, planes, height, width, kernelH, kernelW, strideH, strideW,
                padTop, padLeft, padBottom, padRight, outH, outW, y, yOff);
        int in = height * width;
        int out = outH * outW;
        // windows with no input position are skipped by the walk, so their outputs start at 0
        Arrays.fill(y, yOff, yOff + planes * out, 0f);
        forEachAvgWindow(planes, height, width, kernelH, kernelW, strideH, strideW, padTop, padLeft,
                padBottom, padRight, outH, outW, countIncludePad, (p, o, hs, he, ws, we, divisor) -> {
                    int xo = xOff + p * in;
                    float sum = 0f;
                    for (int ih = hs; ih < he; ih++) {
                        sum += sum(x, xo + ih * width + ws, we - ws);
                    }
                    y[yOff + p * out + o] = sum / divisor;
                });
    }

    /**
     * Average pooling backward: spreads each output gradient evenly, with the forward pass's
     * divisor, over the input positions of its window. Same geometry as {@link #avgForward}.
     *
     * @param dy output gradient, {@code planes * outH * outW} from {@code dyOff}
     * @param dyOff index of the first output-gradient element
     * @param planes number of planes
     * @param height input height
     * @param width input width
     * @param kernelH window height, at least 1
     * @param kernelW window width, at least 1
     * @param strideH vertical stride, at least 1
     * @param strideW horizontal stride, at least 1
     * @param padTop rows of padding above the input
     * @param padLeft columns of padding left of the input
     * @param padBottom rows of explicit padding below the input
     * @param padRight columns of explicit padding right of the input
     * @param outH output height
     * @param outW output width
     * @param countIncludePad whether padding positions count in the divisor
     * @param dx input gradient, {@code planes * height * width} from {@code dxOff}; added into
     * @param dxOff index of the first input-gradient element
     * @throws IllegalArgumentException if a size is out of range or an operand does not fit
     */
    public static void avgBackward(float[] dy, int dyOff, int planes, int height, int width,
                                   int kernelH, int kernelW, int strideH, int strideW,
                                   int padTop, int padLeft, int padBottom, int padRight,
                                   int outH, int outW, boolean countIncludePad, float[] dx, int dxOff) {
        check("avgPoolBackward", dx, dxOff, planes, height, width, kernelH, kernelW, strideH, strideW,
                padTop, padLeft, padBottom, padRight, outH, outW, dy, dyOff);
        int in = height * width;
        int out = outH * outW;
        forEachAvgWindow(planes, height, width, kernelH, kernelW, strideH, strideW, padTop, padLeft,
                padBottom, padRight, outH, outW, countIncludePad, (p, o, hs, he, ws, we, divisor) -> {
                    float g = dy[dyOff + p * out + o] / divisor;
                    for (int ih = hs; ih < he; ih++) {
                        int row = dxOff + p * in + ih * width;
                        for (int iw = ws; iw < we; iw++) {
                            dx[row + iw] += g;
                        }
                    }
                });
    }

    /** Work on one averaging window of plane {@code p}: output {@code o}, input rows {@code [hs, he)}, columns {@code [ws, we)}. */
    @FunctionalInterface
    private interface AvgWindow {
        void visit(int p, int o, int hs, int he, int ws, int we, float divisor);
    }

    /**
     * Walks every averaging window that holds at least one input position, planes spread over the
     * pool, so forward and backward share one definition of the window and its divisor.
     */
    private static void forEachAvgWindow(int planes, int height, int width, int kernelH, int kernelW,
                                         int strideH, int strideW, int padTop, int padLeft, int padBottom,
                                         int padRight, int outH, int outW, boolean countIncludePad, AvgWindow body) {
        Parallel.forRange(planes, grain(outH * outW), (from, to) -> {
            for (int p = from; p < to; p++) {
                for (int oh = 0; oh < outH; oh++) {
                    int h0 = oh * strideH - padTop;
                    int hp = Math.min(h0 + kernelH, height + padBottom);
                    int hs = Math.max(h0, 0);
                    int he = Math.min(hp, height);
                    for (int ow = 0; ow < outW; ow++) {
                        int w0 = ow * strideW - padLeft;
                        int wp = Math.min(w0 + kernelW, width + padRight);
                        int ws = Math.max(w0, 0);
                        int we = Math.min(wp, width);
                        if (hs < he && ws < we) {
                            body.visit(p, oh * outW + ow, hs, he, ws, we,
                                    divisor(countIncludePad, h0, hp, w0, wp, hs, he, ws, we));
                        }
                    }
                }
            }
        });
    }

    /** The window's area within the padded input, or within the input alone. */
    private static float divisor(boolean countIncludePad, int h0, int hp, int w0, int wp,
                                 int hs, int he, int ws, int we) {
        return countIncludePad ? (float) ((long) (hp - h0) * (wp - w0)) : (float) ((long) (he - hs) * (we - ws));
    }

    /** Sum of {@code n} consecutive floats; vectorised because global pooling has long rows. */
    private static float sum(float[] x, int off, int n) {
        int i = 0;
        float s = 0f;
        if (n >= 2 * L) {
            FloatVector acc = FloatVector.fromArray(S, x, off);
            for (i = L; i <= n - L; i += L) {
                acc = acc.add(FloatVector.fromArray(S, x, off + i));
            }
            s = Lanes.sum(acc);
        }
        for (; i < n; i++) {
            s += x[off + i];
        }
        return s;
    }

    /** Planes per task so that a task has at least {@link #MIN_TASK_OUTPUTS} outputs. */
    private static int grain(int outputsPerPlane) {
        return Math.max(1, MIN_TASK_OUTPUTS / Math.max(1, outputsPerPlane));
    }

    private static void check(String kernel, float[] x, int xOff, int planes, int height, int width,
                              int kernelH, int kernelW, int strideH, int strideW,
                              int padTop, int padLeft, int padBottom, int padRight,
                              int outH, int outW, float[] y, int yOff) {
        Objects.requireNonNull(x, kernel + ": input is null");
        Objects.requireNonNull(y, kernel + ": output is null");
        Checks.atLeast(kernel, "planes", planes, 0);
        Checks.atLeast(kernel, "height", height, 0);
        Checks.atLeast(kernel, "width", width, 0);
        Checks.atLeast(kernel, "kernelH", kernelH, 1);
        Checks.atLeast(kernel, "kernelW", kernelW, 1);
        Checks.atLeast(kernel, "strideH", strideH, 1);
        Checks.atLeast(kernel, "strideW", strideW, 1);
        Checks.atLeast(kernel, "padTop", padTop, 0);
        Checks.atLeast(kernel, "padLeft", padLeft, 0);
        Checks.atLeast(kernel, "padBottom", padBottom, 0);
        Checks.atLeast(kernel, "padRight", padRight, 0);
        Checks.atLeast(kernel, "outH", outH, 0);
        Checks.atLeast(kernel, "outW", outW, 0);
        Checks.block(kernel, "input", x.length, xOff, (long) planes * height * width);
        Checks.block(kernel, "output", y.length, yOff, (long) planes * outH * outW);
        // Window bounds are computed in int: the last window's end and the padded extent must fit.
        long reachH = (long) (outH - 1) * strideH + kernelH;
        long reachW = (long) (outW - 1) * strideW + kernelW;
        if (reachH > Integer.MAX_VALUE || reachW > Integer.MAX_VALUE
                || (long) height + padBottom > Integer.MAX_VALUE || (long) width + padRight > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(kernel + ": geometry exceeds int indexing");
        }
    }
}
