package dev.graft.engine.kernels;

/**
 * Shapes of one 2-D convolution over NCHW input: input {@code [n, c, h, w]}, weight
 * {@code [o, c / groups, kh, kw]}, output {@code [n, o, oh, ow]}, with input pixel
 * {@code (oy * strideH - padTop + ky * dilationH, ox * strideW - padLeft + kx * dilationW)} feeding
 * output pixel {@code (oy, ox)} through kernel tap {@code (ky, kx)}. The caller works out
 * {@code oh} and {@code ow} (bottom and right padding only matter there); taps that fall outside
 * the image read zero.
 *
 * @param n images in the batch
 * @param c input channels
 * @param h input height
 * @param w input width
 * @param o output channels
 * @param kh kernel height
 * @param kw kernel width
 * @param strideH vertical stride
 * @param strideW horizontal stride
 * @param padTop implicit zero rows above the image
 * @param padLeft implicit zero columns left of the image
 * @param dilationH vertical distance between kernel taps
 * @param dilationW horizontal distance between kernel taps
 * @param groups channel groups; {@code c} and {@code o} divide by it
 * @param oh output height
 * @param ow output width
 */
public record Conv2dGeometry(int n, int c, int h, int w, int o, int kh, int kw,
                             int strideH, int strideW, int padTop, int padLeft,
                             int dilationH, int dilationW, int groups, int oh, int ow) {

    /**
     * Validates the geometry.
     *
     * @throws IllegalArgumentException if a size is negative, a kernel size, stride, dilation or
     *     group count is below 1, the channels do not divide by the groups, or a tensor would
     *     exceed int indexing
     */
    public Conv2dGeometry {
        String k = "conv2d";
        Checks.atLeast(k, "n", n, 0);
        Checks.atLeast(k, "c", c, 0);
        Checks.atLeast(k, "h", h, 0);
        Checks.atLeast(k, "w", w, 0);
        Checks.atLeast(k, "o", o, 0);
        Checks.atLeast(k, "kh", kh, 1);
        Checks.atLeast(k, "kw", kw, 1);
        Checks.atLeast(k, "strideH", strideH, 1);
        Checks.atLeast(k, "strideW", strideW, 1);
        Checks.atLeast(k, "padTop", padTop, 0);
        Checks.atLeast(k, "padLeft", padLeft, 0);
        Checks.atLeast(k, "dilationH", dilationH, 1);
        Checks.atLeast(k, "dilationW", dilationW, 1);
        Checks.atLeast(k, "groups", groups, 1);
        Checks.atLeast(k, "oh", oh, 0);
        Checks.atLeast(k, "ow", ow, 0);
        if (c % groups != 0 || o % groups != 0) {
            throw new IllegalArgumentException("conv2d: " + c + " input and " + o
                    + " output channels must both divide by " + groups + " groups");
        }
        long largest = Math.max(Math.max((long) n * c * h * w, (long) n * o * oh * ow),
                Math.max((long) o * (c / groups) * kh * kw, (long) (c / groups) * kh * kw * oh * ow));
        if (largest > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("conv2d: a tensor of " + largest + " elements is beyond int indexing");
        }
    }

    /** @return input channels per group */
    public int cg() {
        return c / groups;
    }

    /** @return output channels per group */
    public int og() {
        return o / groups;
    }

    /** @return depth of the lowered product: input channels per group times kernel taps */
    public int ckk() {
        return cg() * kh * kw;
    }

    /** @return output pixels per channel */
    public int plane() {
        return oh * ow;
    }

    /** @return elements of the input */
    public int inputSize() {
        return n * c * h * w;
    }

    /** @return elements of the weight */
    public int weightSize() {
        return o * ckk();
    }

    /** @return elements of the output */
    public int outputSize() {
        return n * o * plane();
    }

    /** @return whether the convolution is 1x1, stride 1 and unpadded: the image is its own column matrix */
    public boolean pointwise() {
        return kh == 1 && kw == 1 && strideH == 1 && strideW == 1 && padTop == 0 && padLeft == 0
                && oh == h && ow == w;
    }

    /** @return whether every group has one input and one output channel */
    public boolean depthwise() {
        return groups == c && groups == o;
    }
}
