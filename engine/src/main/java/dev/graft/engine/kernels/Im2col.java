package dev.graft.engine.kernels;

import dev.graft.engine.Parallel;
import java.util.Arrays;
import java.util.Objects;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lowers a 2-D convolution of one image to a matrix product, and back.
 *
 * <p>{@link #im2col} unfolds a {@code [channels, height, width]} image into the row-major
 * {@code [channels * kernelH * kernelW, outH * outW]} column matrix whose row
 * {@code (c * kernelH + kh) * kernelW + kw} holds, for every output position, the input pixel that
 * kernel tap {@code (kh, kw)} of channel {@code c} sees there (zero where that falls in the
 * padding). A convolution is then {@code weights[outC, channels*kH*kW] x col}. {@link #col2im} is
 * its adjoint: it adds every column entry back onto the pixel it came from, which is the input
 * gradient of the convolution. Both take the same geometry:
 *
 * <pre>
 * ih = oh * strideH - padTop  + kh * dilationH
 * iw = ow * strideW - padLeft + kw * dilationW
 * </pre>
 *
 * <p>The caller computes {@code outH} and {@code outW} (ceil mode and asymmetric padding are its
 * business); positions that fall outside the image are padding, so any geometry is safe. Batches
 * and groups are loops in the caller, over offsets.
 */
public final class Im2col {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Column-matrix elements below which a task is not worth forking. */
    private static final int MIN_TASK_ELEMENTS = 1 << 14;

    private Im2col() {
    }

    /**
     * Writes the column matrix of one image.
     *
     * @param x the image, {@code [channels, height, width]} row-major from {@code xOff}
     * @param xOff index of the image's first pixel
     * @param channels input channels
     * @param height image height
     * @param width image width
     * @param kernelH kernel height, at least 1
     * @param kernelW kernel width, at least 1
     * @param strideH vertical stride, at least 1
     * @param strideW horizontal stride, at least 1
     * @param padTop implicit zero rows above the image
     * @param padLeft implicit zero columns left of the image
     * @param dilationH vertical distance between kernel taps, at least 1
     * @param dilationW horizontal distance between kernel taps, at least 1
     * @param outH output height
     * @param outW output width
     * @param col the column matrix, {@code [channels*kernelH*kernelW, outH*outW]} from
     *     {@code colOff}; overwritten
     * @param colOff index of the column matrix's first element
     * @throws IllegalArgumentException if a size is negative, a kernel size, stride or dilation is
     *     below 1, or the image or column matrix does not fit in its array
     */
    public static void im2col(float[] x, int xOff, int channels, int height, int width,
                              int kernelH, int kernelW, int strideH, int strideW,
                              int padTop, int padLeft, int dilationH, int dilationW,
                              int outH, int outW, float[] col, int colOff) {
        check("im2col", x, xOff, channels, height, width, kernelH, kernelW, strideH, strideW,
                padTop, padLeft, dilationH, dilationW, outH, outW, col, colOff);
        int rows = channels * kernelH * kernelW;
        int plane = outH * outW;
        if (rows == 0 || plane == 0) {
            return;
        }
        Parallel.forRange(rows, Math.max(1, MIN_TASK_ELEMENTS / plane), (from, to) -> {
            for (int r = from; r < to; r++) {
                int kw = r % kernelW;
                int kh = r / kernelW % kernelH;
                int c = r / (kernelW * kernelH);
                unfoldRow(x, xOff + c * height * width, height, width, kh * dilationH - padTop,
                        kw * dilationW - padLeft, strideH, strideW, outH, outW, col, colOff + r * plane);
            }
        });
    }

    /** Fills one row of the column matrix: kernel tap at offset (ih0, iw0) over all outputs. */
    private static void unfoldRow(float[] x, int planeOff, int height, int width, int ih0, int iw0,
                                  int strideH, int strideW, int outH, int outW, float[] col, int rowOff) {
        int owLo = Math.min(outW, firstInside(iw0, strideW));
        int owHi = Math.max(owLo, Math.min(outW, endInside(iw0, strideW, width)));
        if (owHi == owLo) {
            // this tap reads only padding (a pad wider than the image): no source offset is valid
            Arrays.fill(col, rowOff, rowOff + outH * outW, 0f);
            return;
        }
        for (int oh = 0; oh < outH; oh++) {
            int ih = oh * strideH + ih0;
            int dst = rowOff + oh * outW;
            if (ih < 0 || ih >= height) {
                Arrays.fill(col, dst, dst + outW, 0f);
                continue;
            }
            Arrays.fill(col, dst, dst + owLo, 0f);
            int src = planeOff + ih * width + owLo * strideW + iw0;
            if (strideW == 1) {
                System.arraycopy(x, src, col, dst + owLo, owHi - owLo);
            } else {
                for (int ow = owLo; ow < owHi; ow++, src += strideW) {
                    col[dst + ow] = x[src];
                }
            }
            Arrays.fill(col, dst + owHi, dst + outW, 0f);
        }
    }

    /**
     * Adds the column matrix back onto the image gradient: every entry of {@code col} is added to
     * the pixel {@link #im2col} read it from, and entries that came from padding are dropped.
     * {@code dx} is accumulated into, not overwritten.
     *
     * @param col the column matrix, {@code [channels*kernelH*kernelW, outH*outW]} from
     *     {@code colOff}
     * @param colOff index of the column matrix's first element
     * @param channels input channels
     * @param height image height
     * @param width image width
     * @param kernelH kernel height, at least 1
     * @param kernelW kernel width, at least 1
     * @param strideH vertical stride, at least 1
     * @param strideW horizontal stride, at least 1
     * @param padTop implicit zero rows above the image
     * @param padLeft implicit zero columns left of the image
     * @param dilationH vertical distance between kernel taps, at least 1
     * @param dilationW horizontal distance between kernel taps, at least 1
     * @param outH output height
     * @param outW output width
     * @param dx the image gradient, {@code [channels, height, width]} from {@code dxOff}
     * @param dxOff index of the gradient's first pixel
     * @throws IllegalArgumentException if a size is negative, a kernel size, stride or dilation is
     *     below 1, or the image or column matrix does not fit in its array
     */
    public static void col2im(float[] col, int colOff, int channels, int height, int width,
                              int kernelH, int kernelW, int strideH, int strideW,
                              int padTop, int padLeft, int dilationH, int dilationW,
                              int outH, int outW, float[] dx, int dxOff) {
        check("col2im", dx, dxOff, channels, height, width, kernelH, kernelW, strideH, strideW,
                padTop, padLeft, dilationH, dilationW, outH, outW, col, colOff);
        int taps = kernelH * kernelW;
        int plane = outH * outW;
        if (channels == 0 || taps == 0 || plane == 0) {
            return;
        }
        // One channel per task index: channels own disjoint image planes, so no two tasks add to
        // the same pixel.
        Parallel.forRange(channels, Math.max(1, MIN_TASK_ELEMENTS / (taps * plane)), (from, to) -> {
            for (int c = from; c < to; c++) {
                int planeOff = dxOff + c * height * width;
                for (int kh = 0; kh < kernelH; kh++) {
                    for (int kw = 0; kw < kernelW; kw++) {
                        int r = (c * kernelH + kh) * kernelW + kw;
                        foldRow(col, colOff + r * plane, height, width, kh * dilationH - padTop,
                                kw * dilationW - padLeft, strideH, strideW, outH, outW, dx, planeOff);
                    }
                }
            }
        });
    }

    /** Adds one row of the column matrix back: the transpose of {@link #unfoldRow}. */
    private static void foldRow(float[] col, int rowOff, int height, int width, int ih0, int iw0,
                                int strideH, int strideW, int outH, int outW, float[] dx, int planeOff) {
        int owLo = Math.min(outW, firstInside(iw0, strideW));
        int owHi = Math.max(owLo, Math.min(outW, endInside(iw0, strideW, width)));
        if (owHi == owLo) {
            return;
        }
        for (int oh = 0; oh < outH; oh++) {
            int ih = oh * strideH + ih0;
            if (ih < 0 || ih >= height) {
                continue;
            }
            int src = rowOff + oh * outW;
            int dst = planeOff + ih * width + owLo * strideW + iw0;
            if (strideW == 1) {
                addInto(col, src + owLo, dx, dst, owHi - owLo);
            } else {
                for (int ow = owLo; ow < owHi; ow++, dst += strideW) {
                    dx[dst] += col[src + ow];
                }
            }
        }
    }

    /** {@code dst[d..d+n) += src[s..s+n)}. */
    private static void addInto(float[] src, int s, float[] dst, int d, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, dst, d + i).add(FloatVector.fromArray(S, src, s + i)).intoArray(dst, d + i);
        }
        for (; i < n; i++) {
            dst[d + i] += src[s + i];
        }
    }

    /** The first output index {@code o >= 0} with {@code o * stride + i0 >= 0}. */
    private static int firstInside(int i0, int stride) {
        return i0 >= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, (-(long) i0 + stride - 1) / stride);
    }

    /** One past the last output index with {@code o * stride + i0 < size} (0 if there is none). */
    private static int endInside(int i0, int stride, int size) {
        long room = (long) size - i0;
        return room <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, (room + stride - 1) / stride);
    }

    private static void check(String kernel, float[] x, int xOff, int channels, int height, int width,
                              int kernelH, int kernelW, int strideH, int strideW,
                              int padTop, int padLeft, int dilationH, int dilationW,
                              int outH, int outW, float[] col, int colOff) {
        Objects.requireNonNull(x, kernel + ": image is null");
        Objects.requireNonNull(col, kernel + ": col is null");
        Checks.atLeast(kernel, "channels", channels, 0);
        Checks.atLeast(kernel, "height", height, 0);
        Checks.atLeast(kernel, "width", width, 0);
        Checks.atLeast(kernel, "kernelH", kernelH, 1);
        Checks.atLeast(kernel, "kernelW", kernelW, 1);
        Checks.atLeast(kernel, "strideH", strideH, 1);
        Checks.atLeast(kernel, "strideW", strideW, 1);
        Checks.atLeast(kernel, "padTop", padTop, 0);
        Checks.atLeast(kernel, "padLeft", padLeft, 0);
        Checks.atLeast(kernel, "dilationH", dilationH, 1);
        Checks.atLeast(kernel, "dilationW", dilationW, 1);
        Checks.atLeast(kernel, "outH", outH, 0);
        Checks.atLeast(kernel, "outW", outW, 0);
        Checks.block(kernel, "image", x.length, xOff, (long) channels * height * width);
        long colSize = (long) channels * kernelH * kernelW * outH * outW;
        Checks.block(kernel, "col", col.length, colOff, colSize);
        // Index arithmetic inside is int: every position the geometry can reach must fit.
        long reachH = (long) (outH - 1) * strideH + (long) (kernelH - 1) * dilationH;
        long reachW = (long) (outW - 1) * strideW + (long) (kernelW - 1) * dilationW;
        if (reachH > Integer.MAX_VALUE / 2 || reachW > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException(kernel + ": geometry reaches row " + reachH + ", column "
                    + reachW + ", beyond int indexing");
        }
    }
}
