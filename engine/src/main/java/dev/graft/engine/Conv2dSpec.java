package dev.graft.engine;

/**
 * Geometry of a 2-D convolution over NCHW input.
 *
 * @param strideH vertical stride, at least 1
 * @param strideW horizontal stride, at least 1
 * @param padTop zero rows added above
 * @param padLeft zero columns added on the left
 * @param padBottom zero rows added below
 * @param padRight zero columns added on the right
 * @param dilationH vertical spacing of kernel taps, at least 1
 * @param dilationW horizontal spacing of kernel taps, at least 1
 * @param groups channel groups (input and output channels must divide by it; groups == channels is depthwise)
 */
public record Conv2dSpec(int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight,
                         int dilationH, int dilationW, int groups) {

    /** Validates every field. */
    public Conv2dSpec {
        if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1 || groups < 1) {
            throw new IllegalArgumentException("Conv2dSpec: strides, dilations and groups must be >= 1, got stride "
                    + strideH + "x" + strideW + ", dilation " + dilationH + "x" + dilationW + ", groups " + groups);
        }
        if (padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0) {
            throw new IllegalArgumentException("Conv2dSpec: pads must be >= 0, got top " + padTop + " left " + padLeft
                    + " bottom " + padBottom + " right " + padRight);
        }
    }

    /** @return a spec with the same stride, padding and dilation on both axes */
    public static Conv2dSpec of(int stride, int padding, int dilation, int groups) {
        return new Conv2dSpec(stride, stride, padding, padding, padding, padding, dilation, dilation, groups);
    }

    /** @return output height for an input of height {@code h} and a kernel of height {@code kh} */
    int outH(int h, int kh) {
        return (h + padTop + padBottom - dilationH * (kh - 1) - 1) / strideH + 1;
    }

    /** @return output width for an input of width {@code w} and a kernel of width {@code kw} */
    int outW(int w, int kw) {
        return (w + padLeft + padRight - dilationW * (kw - 1) - 1) / strideW + 1;
    }
}
