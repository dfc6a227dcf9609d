package dev.graft.engine.kernels;

/**
 * Unfolds image patches into the column matrix a convolution multiplies by its weights
 * ({@code [channels * kernelH * kernelW, outH * outW]}, zeros where a tap falls in the padding),
 * and folds such a matrix back by accumulation (the adjoint, for the input gradient).
 */
public final class Im2col {
    private Im2col() {
    }

    /** Writes the column matrix of one image, starting at {@code col[colOff]}. */
    public static void im2col(float[] x, int xOff, int channels, int height, int width, int kernelH, int kernelW,
                              int strideH, int strideW, int padTop, int padLeft, int dilationH, int dilationW,
                              int outH, int outW, float[] col, int colOff) {
        int p = outH * outW;
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < kernelH; i++) {
                for (int j = 0; j < kernelW; j++) {
                    int row = (c * kernelH + i) * kernelW + j;
                    for (int oy = 0; oy < outH; oy++) {
                        for (int ox = 0; ox < outW; ox++) {
                            int y = oy * strideH - padTop + i * dilationH;
                            int xx = ox * strideW - padLeft + j * dilationW;
                            col[colOff + row * p + oy * outW + ox] = y >= 0 && y < height && xx >= 0 && xx < width
                                    ? x[xOff + (c * height + y) * width + xx] : 0f;
                        }
                    }
                }
            }
        }
    }

    /** Adds the column matrix back into one image's gradient, starting at {@code x[xOff]}. */
    public static void col2im(float[] col, int colOff, int channels, int height, int width, int kernelH, int kernelW,
                              int strideH, int strideW, int padTop, int padLeft, int dilationH, int dilationW,
                              int outH, int outW, float[] x, int xOff) {
        int p = outH * outW;
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < kernelH; i++) {
                for (int j = 0; j < kernelW; j++) {
                    int row = (c * kernelH + i) * kernelW + j;
                    for (int oy = 0; oy < outH; oy++) {
                        for (int ox = 0; ox < outW; ox++) {
                            int y = oy * strideH - padTop + i * dilationH;
                            int xx = ox * strideW - padLeft + j * dilationW;
                            if (y >= 0 && y < height && xx >= 0 && xx < width) {
                                x[xOff + (c * height + y) * width + xx] += col[colOff + row * p + oy * outW + ox];
                            }
                        }
                    }
                }
            }
        }
    }
}
