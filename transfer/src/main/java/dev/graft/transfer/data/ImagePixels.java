package dev.graft.transfer.data;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;

/**
 * A decoded image kept compactly in memory: 8-bit samples, channel-major ({@code [C, H, W]}),
 * already converted to the channel count the transform wants and, when much larger than needed,
 * shrunk by averaging pixel blocks. Sampling reads it back as floats in [0, 1].
 */
final class ImagePixels {

    private final byte[] samples;
    private final int channels;
    private final int height;
    private final int width;

    private ImagePixels(byte[] samples, int channels, int height, int width) {
        this.samples = samples;
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    int height() {
        return height;
    }

    int width() {
        return width;
    }

    /**
     * Converts a decoded image.
     *
     * @param channels 1 or 3
     * @param minShorterSide shrink (by whole-block averaging) only while the shorter side stays at
     *     least this long, so later bilinear sampling steps over about two source pixels at most
     *     and does not alias badly
     */
    static ImagePixels of(BufferedImage image, int channels, int minShorterSide) {
        int h = image.getHeight();
        int w = image.getWidth();
        float[] planes = channels == 1 ? grey(image, h, w) : rgb(image, h, w);
        int factor = Math.max(1, Math.min(h, w) / Math.max(1, minShorterSide));
        int oh = h / factor;
        int ow = w / factor;
        byte[] out = new byte[channels * oh * ow];
        float norm = 255f / (factor * factor);
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    float sum = 0;
                    for (int dy = 0; dy < factor; dy++) {
                        int row = (c * h + y * factor + dy) * w + x * factor;
                        for (int dx = 0; dx < factor; dx++) {
                            sum += planes[row + dx];
                        }
                    }
                    out[(c * oh + y) * ow + x] = (byte) Math.round(sum * norm);
                }
            }
        }
        return new ImagePixels(out, channels, oh, ow);
    }

    /** Values in [0, 1]. Single-band rasters are read directly: getRGB would push linear grey through a colour conversion. */
    private static float[] grey(BufferedImage image, int h, int w) {
        Raster raster = image.getRaster();
        float[] out = new float[h * w];
        if (raster.getNumBands() == 1 && image.getColorModel().getNumComponents() == 1) {
            float max = (1 << image.getColorModel().getComponentSize(0)) - 1;
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    out[y * w + x] = row[x] / max;
                }
            }
            return out;
        }
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            // ITU-R BT.601 luma, the weights PIL's convert("L") uses.
            out[i] = (0.299f * ((p >> 16) & 0xFF) + 0.587f * ((p >> 8) & 0xFF) + 0.114f * (p & 0xFF)) / 255f;
        }
        return out;
    }

    private static float[] rgb(BufferedImage image, int h, int w) {
        int plane = h * w;
        float[] out = new float[3 * plane];
        Raster raster = image.getRaster();
        if (raster.getNumBands() == 1 && image.getColorModel().getNumComponents() == 1) {
            float[] g = grey(image, h, w);
            System.arraycopy(g, 0, out, 0, plane);
            System.arraycopy(g, 0, out, plane, plane);
            System.arraycopy(g, 0, out, 2 * plane, plane);
            return out;
        }
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < plane; i++) {
            int p = argb[i];
            out[i] = ((p >> 16) & 0xFF) / 255f;
            out[plane + i] = ((p >> 8) & 0xFF) / 255f;
            out[2 * plane + i] = (p & 0xFF) / 255f;
        }
        return out;
    }

    /**
     * Bilinearly resamples the box {@code (x0, y0, bw, bh)} (source pixels, may be fractional)
     * onto an {@code outH x outW} grid, pixel centres aligned as in torchvision's
     * {@code align_corners=False}, optionally mirrored left to right.
     */
    void sample(double x0, double y0, double bw, double bh, int outH, int outW, boolean mirror, float[] dst, int offset) {
        double sy = bh / outH;
        double sx = bw / outW;
        int plane = outH * outW;
        for (int oy = 0; oy < outH; oy++) {
            double fy = clamp(y0 + (oy + 0.5) * sy - 0.5, height - 1);
            int yA = (int) fy;
            int yB = Math.min(yA + 1, height - 1);
            float ty = (float) (fy - yA);
            for (int ox = 0; ox < outW; ox++) {
                double fx = clamp(x0 + (ox + 0.5) * sx - 0.5, width - 1);
                int xA = (int) fx;
                int xB = Math.min(xA + 1, width - 1);
                float tx = (float) (fx - xA);
                int col = mirror ? outW - 1 - ox : ox;
                for (int c = 0; c < channels; c++) {
                    int base = c * height * width;
                    float a = (samples[base + yA * width + xA] & 0xFF) + tx * ((samples[base + yA * width + xB] & 0xFF) - (samples[base + yA * width + xA] & 0xFF));
                    float b = (samples[base + yB * width + xA] & 0xFF) + tx * ((samples[base + yB * width + xB] & 0xFF) - (samples[base + yB * width + xA] & 0xFF));
                    dst[offset + c * plane + oy * outW + col] = (a + ty * (b - a)) / 255f;
                }
            }
        }
    }

    private static double clamp(double v, int max) {
        return v < 0 ? 0 : Math.min(v, max);
    }
}
