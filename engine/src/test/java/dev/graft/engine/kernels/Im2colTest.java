package dev.graft.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class Im2colTest {

    /**
     * channels, height, width, kernelH, kernelW, strideH, strideW, padTop, padLeft, padBottom,
     * padRight, dilationH, dilationW, extraOutH, extraOutW (windows beyond the usual output, which
     * must read as padding).
     */
    private static final int[][] GEOMETRIES = {
        {1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0},
        {3, 7, 13, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0},
        {2, 13, 7, 3, 5, 2, 3, 0, 2, 1, 2, 1, 1, 0, 0},
        {2, 9, 11, 3, 3, 2, 2, 1, 1, 1, 1, 2, 3, 0, 0},
        {1, 5, 5, 7, 7, 1, 1, 3, 3, 3, 3, 1, 1, 0, 0},
        {4, 8, 8, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1, 0, 0},
        {1, 6, 6, 2, 2, 4, 4, 0, 0, 0, 0, 1, 1, 1, 2},
        {2, 5, 37, 2, 3, 3, 1, 4, 0, 0, 5, 1, 2, 0, 0},
        {3, 1, 13, 1, 3, 1, 1, 0, 1, 0, 1, 1, 1, 0, 0},
        {8, 32, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0},
    };

    private final Random random = new Random(3);

    @Test
    void im2colMatchesTheDefinition() {
        for (int[] g : GEOMETRIES) {
            Geometry geo = new Geometry(g);
            int xOff = 2;
            int colOff = 3;
            float[] x = random(xOff + geo.imageSize() + 1);
            float[] col = new float[colOff + geo.colSize() + 2];
            java.util.Arrays.fill(col, Float.NaN);
            geo.im2col(x, xOff, col, colOff);
            for (int i = 0; i < col.length; i++) {
                boolean inside = i >= colOff && i < colOff + geo.colSize();
                if (inside) {
                    assertEquals(geo.reference(x, xOff, i - colOff), col[i], geo + " at " + (i - colOff));
                } else {
                    assertEquals(Float.NaN, col[i], geo + ": wrote outside the column matrix at " + i);
                }
            }
        }
    }

    @Test
    void col2imIsTheAdjointAndAccumulates() {
        for (int[] g : GEOMETRIES) {
            Geometry geo = new Geometry(g);
            float[] x = random(geo.imageSize());
            float[] y = random(1 + geo.colSize());
            float[] col = new float[geo.colSize()];
            geo.im2col(x, 0, col, 0);
            float[] dx = random(1 + geo.imageSize());
            float[] before = dx.clone();
            geo.col2im(y, 1, dx, 1);

            double lhs = 0;
            double scale = 0;
            for (int i = 0; i < col.length; i++) {
                lhs += (double) col[i] * y[1 + i];
                scale += Math.abs((double) col[i] * y[1 + i]);
            }
            double rhs = 0;
            for (int i = 0; i < x.length; i++) {
                rhs += (double) x[i] * (dx[1 + i] - (double) before[1 + i]);
            }
            assertEquals(lhs, rhs, 1e-5 * scale + 1e-12, geo + ": <im2col(x), y> != <x, col2im(y)>");

            // Entry by entry: each image position gathers exactly the column entries that read it.
            double[] expected = new double[geo.imageSize()];
            for (int i = 0; i < geo.colSize(); i++) {
                int src = geo.source(i);
                if (src >= 0) {
                    expected[src] += y[1 + i];
                }
            }
            assertEquals(before[0], dx[0], geo + ": wrote before the gradient");
            for (int i = 0; i < expected.length; i++) {
                assertEquals(before[1 + i] + expected[i], dx[1 + i], 1e-5, geo + " at " + i);
            }
        }
    }

    @Test
    void rejectsBadGeometryAndShortArrays() {
        float[] x = new float[2 * 4 * 4];
        float[] col = new float[2 * 9 * 4];
        assertThrows(IllegalArgumentException.class,
                () -> Im2col.im2col(x, 0, 2, 4, 4, 0, 3, 1, 1, 0, 0, 1, 1, 2, 2, col, 0));
        assertThrows(IllegalArgumentException.class,
                () -> Im2col.im2col(x, 0, 2, 4, 4, 3, 3, 0, 1, 0, 0, 1, 1, 2, 2, col, 0));
        assertThrows(IllegalArgumentException.class,
                () -> Im2col.im2col(x, 0, 2, 4, 4, 3, 3, 1, 1, -1, 0, 1, 1, 2, 2, col, 0));
        assertThrows(IllegalArgumentException.class,
                () -> Im2col.im2col(x, 0, 2, 4, 4, 3, 3, 1, 1, 0, 0, 0, 1, 2, 2, col, 0));
        assertThrows(IllegalArgumentException.class,
                () -> Im2col.im2col(x, 1, 2, 4, 4, 3, 3, 1, 1, 0, 0, 1, 1, 2, 2, col, 0));
        assertThrows(IllegalArgumentException.class,
                () -> Im2col.im2col(x, 0, 2, 4, 4, 3, 3, 1, 1, 0, 0, 1, 1, 2, 3, col, 0));
        assertThrows(IllegalArgumentException.class,
                () -> Im2col.col2im(col, 1, 2, 4, 4, 3, 3, 1, 1, 0, 0, 1, 1, 2, 2, x, 0));
        assertThrows(IllegalArgumentException.class,
                () -> Im2col.col2im(col, 0, 2, 4, 5, 3, 3, 1, 1, 0, 0, 1, 1, 2, 2, x, 0));
        assertThrows(IllegalArgumentException.class,
                () -> Im2col.col2im(col, 0, -2, 4, 4, 3, 3, 1, 1, 0, 0, 1, 1, 2, 2, x, 0));
    }

    private float[] random(int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = random.nextFloat() * 2 - 1;
        }
        return v;
    }

    /** One test geometry, with the output size computed the usual way (plus any extra windows). */
    private static final class Geometry {
        final int c;
        final int h;
        final int w;
        final int kh;
        final int kw;
        final int sh;
        final int sw;
        final int pt;
        final int pl;
        final int dh;
        final int dw;
        final int oh;
        final int ow;

        Geometry(int[] g) {
            c = g[0];
            h = g[1];
            w = g[2];
            kh = g[3];
            kw = g[4];
            sh = g[5];
            sw = g[6];
            pt = g[7];
            pl = g[8];
            dh = g[11];
            dw = g[12];
            oh = (h + pt + g[9] - dh * (kh - 1) - 1) / sh + 1 + g[13];
            ow = (w + pl + g[10] - dw * (kw - 1) - 1) / sw + 1 + g[14];
        }

        int imageSize() {
            return c * h * w;
        }

        int colSize() {
            return c * kh * kw * oh * ow;
        }

        void im2col(float[] x, int xOff, float[] col, int colOff) {
            Im2col.im2col(x, xOff, c, h, w, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow, col, colOff);
        }

        void col2im(float[] col, int colOff, float[] dx, int dxOff) {
            Im2col.col2im(col, colOff, c, h, w, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow, dx, dxOff);
        }

        /** The image index column entry {@code i} reads, or -1 for padding. */
        int source(int i) {
            int o = i % (oh * ow);
            int row = i / (oh * ow);
            int y = o / ow;
            int xo = o % ow;
            int tapW = row % kw;
            int tapH = row / kw % kh;
            int ch = row / (kw * kh);
            int ih = y * sh - pt + tapH * dh;
            int iw = xo * sw - pl + tapW * dw;
            return ih < 0 || ih >= h || iw < 0 || iw >= w ? -1 : (ch * h + ih) * w + iw;
        }

        float reference(float[] x, int xOff, int i) {
            int src = source(i);
            return src < 0 ? 0f : x[xOff + src];
        }

        @Override
        public String toString() {
            return "c=" + c + " " + h + "x" + w + " k=" + kh + "x" + kw + " s=" + sh + "," + sw
                    + " pad=" + pt + "," + pl + " dil=" + dh + "," + dw + " out=" + oh + "x" + ow;
        }
    }
}
