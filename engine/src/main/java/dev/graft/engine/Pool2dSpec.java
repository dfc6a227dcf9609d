package dev.graft.engine;

/**
 * Geometry of a 2-D pooling window over NCHW input.
 *
 * @param kernelH window height, at least 1
 * @param kernelW window width, at least 1
 * @param strideH vertical stride, at least 1
 * @param strideW horizontal stride, at least 1
 * @param padTop rows of padding above
 * @param padLeft columns of padding on the left
 * @param padBottom rows of padding below
 * @param padRight columns of padding on the right
 * @param ceilMode round the output size up instead of down (a last window may then hang over the edge)
 */
public record Pool2dSpec(int kernelH, int kernelW, int strideH, int strideW, int padTop, int padLeft,
                         int padBottom, int padRight, boolean ceilMode) {

    /** Validates every field. */
    public Pool2dSpec {
        if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException("Pool2dSpec: kernel and stride must be >= 1, got kernel " + kernelH + "x"
                    + kernelW + ", stride " + strideH + "x" + strideW);
        }
        if (padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0) {
            throw new IllegalArgumentException("Pool2dSpec: pads must be >= 0");
        }
        if (padTop > kernelH / 2 || padBottom > kernelH / 2 || padLeft > kernelW / 2 || padRight > kernelW / 2) {
            throw new IllegalArgumentException("Pool2dSpec: pads must be at most half the kernel (kernel " + kernelH + "x"
                    + kernelW + ", pads " + padTop + "/" + padLeft + "/" + padBottom + "/" + padRight + ")");
        }
    }

    /** @return a square window with equal stride and padding on both axes, floor mode */
    public static Pool2dSpec of(int kernel, int stride, int padding) {
        return new Pool2dSpec(kernel, kernel, stride, stride, padding, padding, padding, padding, false);
    }

    int outH(int h) {
        return outSize(h, kernelH, strideH, padTop, padBottom);
    }

    int outW(int w) {
        return outSize(w, kernelW, strideW, padLeft, padRight);
    }

    /** PyTorch's rule: in ceil mode the last window must still start inside the input or the leading padding. */
    private int outSize(int in, int k, int s, int padBegin, int padEnd) {
        int span = in + padBegin + padEnd - k;
        if (span < 0) {
            return 0;
        }
        int out = (ceilMode ? (span + s - 1) / s : span / s) + 1;
        if (ceilMode && (out - 1) * s >= in + padBegin) {
            out--;
        }
        return out;
    }
}
