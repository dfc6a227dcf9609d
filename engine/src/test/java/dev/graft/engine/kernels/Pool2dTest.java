package dev.graft.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Pool2dTest {

    /**
     * planes, height, width, kernelH, kernelW, strideH, strideW, padTop, padLeft, padBottom,
     * padRight, ceil mode (0/1), extra output rows and columns past the computed size.
     */
    private static final int[][] GEOMETRIES = {
        {1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0},
        {3, 7, 13, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0},
        {3, 7, 13, 2, 2, 2, 2, 0, 0, 0, 0, 1, 0, 0},
        {2, 13, 7, 3, 3, 2, 2, 1, 1, 1, 1, 1, 0, 0},
        {2, 9, 11, 3, 5, 3, 2, 1, 2, 0, 1, 1, 0, 0},
        {2, 6, 6, 3, 3, 2, 2, 1, 1, 2, 2, 1, 0, 0},
        {1, 5, 37, 2, 7, 1, 3, 1, 3, 1, 3, 0, 0, 0},
        {2, 4, 4, 2, 2, 3, 3, 0, 0, 0, 0, 0, 1, 1},
        {1, 7, 7, 7, 7, 1, 1, 0, 0, 0, 0, 0, 0, 0},
        {1, 40, 40, 40, 40, 1, 1, 0, 0, 0, 0, 0, 0, 0},
        {16, 64, 64, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0},
    };

    private final Random random = new Random(11);

    @Test
    void maxPoolingMatchesTheDefinition() {
        for (int[] g : GEOMETRIES) {
            Geometry geo = new Geometry(g);
            float[] x = random(1 + geo.inSize());
            x[1 + random.nextInt(geo.inSize())] = Float.NaN;
            float[] y = filled(2 + geo.outSize(), 99f);
            int[] arg = new int[3 + geo.outSize()];
            Arrays.fill(arg, 77);
            Pool2d.maxForward(x, 1, geo.planes, geo.h, geo.w, geo.kh, geo.kw, geo.sh, geo.sw,
                    geo.pt, geo.pl, geo.oh, geo.ow, y, 2, arg, 3);
            float[] dy = random(geo.outSize());
            float[] dx = random(geo.inSize());
            float[] expectedDx = dx.clone();
            for (int p = 0; p < geo.planes; p++) {
                for (int o = 0; o < geo.oh * geo.ow; o++) {
                    int idx = geo.maxIndex(x, 1 + p * geo.h * geo.w, o);
                    int out = p * geo.oh * geo.ow + o;
                    float expected = idx < 0 ? Float.NEGATIVE_INFINITY : x[1 + p * geo.h * geo.w + idx];
                    assertEquals(expected, y[2 + out], geo + " output " + out);
                    assertEquals(idx, arg[3 + out], geo + " argmax " + out);
                    if (idx >= 0) {
                        expectedDx[p * geo.h * geo.w + idx] += dy[out];
                    }
                }
            }
            assertEquals(99f, y[1]);
            assertEquals(77, arg[2]);
            Pool2d.maxBackward(dy, 0, arg, 3, geo.planes, geo.h, geo.w, geo.oh, geo.ow, dx, 0);
            assertArrayEquals(expectedDx, dx, 1e-6f, geo + " backward");
        }
    }

    @Test
    void maxPoolingWithoutArgmaxGivesTheSameValues() {
        for (int[] g : GEOMETRIES) {
            Geometry geo = new Geometry(g);
            float[] x = random(1 + geo.inSize());
            x[1 + random.nextInt(geo.inSize())] = Float.NaN;
            float[] y = filled(2 + geo.outSize() + 1, 99f);
            Pool2d.maxForward(x, 1, geo.planes, geo.h, geo.w, geo.kh, geo.kw, geo.sh, geo.sw,
                    geo.pt, geo.pl, geo.oh, geo.ow, y, 2);
            for (int p = 0; p < geo.planes; p++) {
                for (int o = 0; o < geo.oh * geo.ow; o++) {
                    int idx = geo.maxIndex(x, 1 + p * geo.h * geo.w, o);
                    float expected = idx < 0 ? Float.NEGATIVE_INFINITY : x[1 + p * geo.h * geo.w + idx];
                    assertEquals(expected, y[2 + p * geo.oh * geo.ow + o], geo + " output " + o + " of plane " + p);
                }
            }
            assertEquals(99f, y[1], geo + " wrote before its output");
            assertEquals(99f, y[y.length - 1], geo + " wrote past its output");
        }
    }

    @Test
    void averagePoolingMatchesTheDefinition() {
        for (int[] g : GEOMETRIES) {
            Geometry geo = new Geometry(g);
            for (boolean include : new boolean[] {false, true}) {
                float[] x = random(geo.inSize());
                float[] y = filled(1 + geo.outSize(), 99f);
                Pool2d.avgForward(x, 0, geo.planes, geo.h, geo.w, geo.kh, geo.kw, geo.sh, geo.sw,
                        geo.pt, geo.pl, geo.pb, geo.pr, geo.oh, geo.ow, include, y, 1);
                float[] dy = random(geo.outSize());
                float[] dx = random(geo.inSize());
                double[] expectedDx = new double[dx.length];
                for (int i = 0; i < dx.length; i++) {
                    expectedDx[i] = dx[i];
                }
                for (int p = 0; p < geo.planes; p++) {
                    int plane = p * geo.h * geo.w;
                    for (int o = 0; o < geo.oh * geo.ow; o++) {
                        int out = p * geo.oh * geo.ow + o;
                        double[] window = geo.average(x, plane, o, include);
                        assertEquals(window[0], y[1 + out], 1e-5, geo + " include=" + include + " output " + out);
                        geo.spread(expectedDx, plane, o, include, dy[out]);
                    }
                }
                assertEquals(99f, y[0]);
                Pool2d.avgBackward(dy, 0, geo.planes, geo.h, geo.w, geo.kh, geo.kw, geo.sh, geo.sw,
                        geo.pt, geo.pl, geo.pb, geo.pr, geo.oh, geo.ow, include, dx, 0);
                for (int i = 0; i < dx.length; i++) {
                    assertEquals(expectedDx[i], dx[i], 1e-5, geo + " include=" + include + " backward " + i);
                }
            }
        }
    }

    @Test
    void ceilModeOverhangIsNotCountedEvenWithCountIncludePad() {
        // [1 2 3 4 5], kernel 2, stride 2, ceil mode: the last window holds only 5 and divides by 1.
        float[] x = {1, 2, 3, 4, 5};
        float[] y = new float[3];
        Pool2d.avgForward(x, 0, 1, 1, 5, 1, 2, 1, 2, 0, 0, 0, 0, 1, 3, true, y, 0);
        assertArrayEquals(new float[] {1.5f, 3.5f, 5f}, y);
        // With one column of explicit padding on each side it counts, overhang or not.
        float[] z = new float[3];
        Pool2d.avgForward(x, 0, 1, 1, 5, 1, 3, 1, 2, 0, 1, 0, 1, 1, 3, true, z, 0);
        assertArrayEquals(new float[] {1f, 3f, 9f / 3}, z);
        Pool2d.avgForward(x, 0, 1, 1, 5, 1, 3, 1, 2, 0, 1, 0, 1, 1, 3, false, z, 0);
        assertArrayEquals(new float[] {1.5f, 3f, 4.5f}, z);
    }

    @Test
    void rejectsBadArgumentsBeforeWriting() {
        float[] x = new float[16];
        float[] y = new float[4];
        int[] arg = new int[4];
        assertThrows(IllegalArgumentException.class,
                () -> Pool2d.maxForward(x, 0, 1, 4, 4, 0, 2, 2, 2, 0, 0, 2, 2, y, 0, arg, 0));
        assertThrows(IllegalArgumentException.class,
                () -> Pool2d.maxForward(x, 0, 1, 4, 4, 2, 2, 2, 0, 0, 0, 2, 2, y, 0, arg, 0));
        assertThrows(IllegalArgumentException.class,
                () -> Pool2d.maxForward(x, 1, 1, 4, 4, 2, 2, 2, 2, 0, 0, 2, 2, y, 0, arg, 0));
        assertThrows(IllegalArgumentException.class,
                () -> Pool2d.maxForward(x, 0, 1, 4, 4, 2, 2, 2, 2, 0, 0, 2, 2, y, 0, new int[3], 0));
        assertThrows(IllegalArgumentException.class,
                () -> Pool2d.maxForward(x, 0, 1, 4, 4, 2, 2, 2, 2, -1, 0, 2, 2, y, 0, arg, 0));
        assertThrows(IllegalArgumentException.class,
                () -> Pool2d.avgForward(x, 0, 1, 4, 4, 2, 2, 2, 2, 0, 0, 0, 0, 3, 2, false, y, 0));
        assertThrows(IllegalArgumentException.class,
                () -> Pool2d.avgBackward(y, 0, 1, 4, 4, 2, 2, 2, 2, 0, 0, -1, 0, 2, 2, true, x, 0));
        assertThrows(IllegalArgumentException.class,
                () -> Pool2d.avgBackward(y, 1, 1, 4, 4, 2, 2, 2, 2, 0, 0, 0, 0, 2, 2, true, x, 0));
        float[] dx = new float[16];
        int[] bad = {0, 5, 16, 3};
        assertThrows(IllegalArgumentException.class,
                () -> Pool2d.maxBackward(new float[] {1, 1, 1, 1}, 0, bad, 0, 1, 4, 4, 2, 2, dx, 0));
        assertArrayEquals(new float[16], dx);
        assertThrows(IllegalArgumentException.class,
                () -> Pool2d.maxBackward(y, 0, arg, 0, 1, 4, 4, 2, 2, new float[15], 0));
    }

    private float[] random(int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = random.nextFloat() * 2 - 1;
        }
        return v;
    }

    private static float[] filled(int size, float value) {
        float[] v = new float[size];
        Arrays.fill(v, value);
        return v;
    }

    /** One test geometry with the output size PyTorch would compute, plus any extra windows. */
    private static final class Geometry {
        final int planes;
        final int h;
        final int w;
        final int kh;
        final int kw;
        final int sh;
        final int sw;
        final int pt;
        final int pl;
        final int pb;
        final int pr;
        final int oh;
        final int ow;
        final boolean ceil;

        Geometry(int[] g) {
            planes = g[0];
            h = g[1];
            w = g[2];
            kh = g[3];
            kw = g[4];
            sh = g[5];
            sw = g[6];
            pt = g[7];
            pl = g[8];
            pb = g[9];
            pr = g[10];
            ceil = g[11] == 1;
            oh = outSize(h, kh, sh, pt, pb) + g[12];
            ow = outSize(w, kw, sw, pl, pr) + g[13];
        }

        /** PyTorch's rule: ceil mode may add a window only if it starts inside input or top padding. */
        private int outSize(int size, int k, int s, int before, int after) {
            int span = size + before + after - k;
            int out = (ceil ? (span + s - 1) / s : span / s) + 1;
            if (ceil && (out - 1) * s >= size + before) {
                out--;
            }
            return out;
        }

        int inSize() {
            return planes * h * w;
        }

        int outSize() {
            return planes * oh * ow;
        }

        /** Index within the plane of the first maximum (NaN beats everything), or -1. */
        int maxIndex(float[] x, int plane, int o) {
            int best = -1;
            float max = 0;
            for (int i = (o / ow) * sh - pt; i < (o / ow) * sh - pt + kh; i++) {
                for (int j = (o % ow) * sw - pl; j < (o % ow) * sw - pl + kw; j++) {
                    if (i >= 0 && i < h && j >= 0 && j < w) {
                        float v = x[plane + i * w + j];
                        if (best < 0 || v > max || (Float.isNaN(v) && !Float.isNaN(max))) {
                            best = i * w + j;
                            max = v;
                        }
                    }
                }
            }
            return best;
        }

        /** {average, divisor} of window {@code o}, counting positions one by one. */
        double[] average(float[] x, int plane, int o, boolean include) {
            double sum = 0;
            int inside = 0;
            int padded = 0;
            for (int i = (o / ow) * sh - pt; i < (o / ow) * sh - pt + kh; i++) {
                for (int j = (o % ow) * sw - pl; j < (o % ow) * sw - pl + kw; j++) {
                    if (i >= -pt && i < h + pb && j >= -pl && j < w + pr) {
                        padded++;
                    }
                    if (i >= 0 && i < h && j >= 0 && j < w) {
                        inside++;
                        if (x != null) {
                            sum += x[plane + i * w + j];
                        }
                    }
                }
            }
            int divisor = include ? padded : inside;
            return inside == 0 ? new double[] {0, 0} : new double[] {sum / divisor, divisor};
        }

        void spread(double[] dx, int plane, int o, boolean include, float g) {
            double divisor = average(null, plane, o, include)[1];
            for (int i = Math.max(0, (o / ow) * sh - pt); i < Math.min(h, (o / ow) * sh - pt + kh); i++) {
                for (int j = Math.max(0, (o % ow) * sw - pl); j < Math.min(w, (o % ow) * sw - pl + kw); j++) {
                    dx[plane + i * w + j] += g / divisor;
                }
            }
        }

        @Override
        public String toString() {
            return planes + "x" + h + "x" + w + " k=" + kh + "x" + kw + " s=" + sh + "," + sw + " pad="
                    + pt + "," + pl + "," + pb + "," + pr + (ceil ? " ceil" : "") + " out=" + oh + "x" + ow;
        }
    }
}
