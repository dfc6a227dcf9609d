package dev.graft.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.engine.Parallel;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Conv2dKernel} against double-precision loops straight from the definition, over every
 * path it takes: pointwise GEMM, stride 1 through the padded width, strided gathers, the banded
 * strided input gradient, groups and the direct depthwise kernel; with batches below and above the
 * thread count, on one thread and on three.
 */
class Conv2dKernelTest {

    /** n, c, h, w, o, kh, kw, strideH, strideW, padTop, padLeft, padBottom, padRight, dilationH, dilationW, groups. */
    private static final int[][] GEOMETRIES = {
        {1, 3, 9, 11, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},
        {4, 6, 8, 7, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2},
        {2, 4, 10, 9, 6, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1},
        {3, 4, 10, 9, 6, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1, 1},
        {2, 5, 13, 12, 7, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1},
        {1, 3, 12, 13, 4, 3, 2, 2, 3, 0, 2, 1, 0, 1, 1, 1},
        {2, 3, 11, 11, 5, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1},
        {1, 2, 7, 8, 3, 3, 3, 1, 1, 0, 0, 2, 1, 1, 1, 1},
        {1, 2, 5, 5, 3, 5, 5, 1, 1, 4, 4, 4, 4, 1, 1, 1},
        {3, 8, 9, 21, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 8},
        {2, 8, 9, 10, 8, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 8},
        {1, 4, 9, 20, 4, 5, 3, 1, 1, 2, 1, 2, 1, 2, 1, 4},
        {2, 4, 11, 37, 4, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 4},
        {1, 3, 10, 40, 3, 3, 3, 2, 1, 1, 0, 1, 2, 1, 1, 3},
        {2, 64, 12, 12, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    };

    private final Random random = new Random(7);

    @Test
    void matchesTheDefinitionOnOneThread() {
        runAll(1);
    }

    @Test
    void matchesTheDefinitionOnThreeThreads() {
        runAll(3);
    }

    @Test
    void rejectsOperandsThatDoNotFit() {
        Conv2dGeometry g = new Conv2dGeometry(1, 2, 4, 4, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 4, 4);
        assertThrows(IllegalArgumentException.class,
                () -> Conv2dKernel.forward(g, new float[31], 0, new float[54], 0, null, 0, new float[48], 0));
        assertThrows(IllegalArgumentException.class,
                () -> Conv2dKernel.forward(g, new float[32], 0, new float[54], 0, new float[2], 0, new float[48], 0));
        assertThrows(IllegalArgumentException.class,
                () -> Conv2dKernel.weightGrad(g, new float[32], 0, new float[48], 0, new float[53], 0));
        assertThrows(IllegalArgumentException.class,
                () -> new Conv2dGeometry(1, 3, 4, 4, 3, 3, 3, 1, 1, 1, 1, 1, 1, 2, 4, 4));
        Conv2dWeights other = Conv2dWeights.of(new Conv2dGeometry(1, 2, 4, 4, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 4, 4),
                new float[72], 0);
        assertThrows(IllegalArgumentException.class,
                () -> Conv2dKernel.forward(g, new float[32], 0, other, null, 0, new float[48], 0));
    }

    @Test
    void packedWeightsServeManyCalls() {
        Conv2dGeometry g = new Conv2dGeometry(3, 5, 9, 8, 7, 3, 3, 2, 1, 1, 1, 1, 1, 1, 5, 8);
        float[] w = random(g.weightSize());
        Conv2dWeights packed = Conv2dWeights.of(g, w, 0);
        for (int call = 0; call < 2; call++) {
            float[] x = random(g.inputSize());
            float[] expected = new float[g.outputSize()];
            float[] actual = new float[g.outputSize()];
            Conv2dKernel.forward(g, x, 0, w, 0, null, 0, expected, 0);
            Conv2dKernel.forward(g, x, 0, packed, null, 0, actual, 0);
            assertEquals(Arrays.toString(expected), Arrays.toString(actual), "call " + call);
        }
    }

    private void runAll(int threads) {
        int before = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            for (int[] t : GEOMETRIES) {
                check(t);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    private void check(int[] t) {
        int oh = (t[2] + t[9] + t[11] - t[13] * (t[5] - 1) - 1) / t[7] + 1;
        int ow = (t[3] + t[10] + t[12] - t[14] * (t[6] - 1) - 1) / t[8] + 1;
        Conv2dGeometry g = new Conv2dGeometry(t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9], t[10],
                t[13], t[14], t[15], oh, ow);
        String name = Arrays.toString(t);
        float[] x = random(g.inputSize() + 3);
        float[] w = random(g.weightSize() + 2);
        float[] bias = random(g.o() + 1);
        float[] dy = random(g.outputSize() + 1);

        float[] y = filled(g.outputSize() + 4);
        Conv2dKernel.forward(g, x, 3, w, 2, bias, 1, y, 4);
        double[] yRef = new double[g.outputSize()];
        double[] dxRef = new double[g.inputSize()];
        double[] dwRef = new double[g.weightSize()];
        reference(g, x, 3, w, 2, dy, 1, yRef, dxRef, dwRef);
        for (int i = 0; i < yRef.length; i++) {
            yRef[i] += bias[1 + i / g.plane() % g.o()];
        }
        compare(name + " forward", yRef, y, 4);

        float[] dx = filled(g.inputSize() + 2);
        Conv2dKernel.inputGrad(g, dy, 1, w, 2, dx, 2);
        compare(name + " input gradient", dxRef, dx, 2);

        float[] dw = filled(g.weightSize() + 5);
        Conv2dKernel.weightGrad(g, x, 3, dy, 1, dw, 5);
        compare(name + " weight gradient", dwRef, dw, 5);
    }

    /** The three passes of the convolution, summed in double by the definition. */
    private static void reference(Conv2dGeometry g, float[] x, int xo, float[] w, int wo, float[] dy, int dyo,
                                  double[] y, double[] dx, double[] dw) {
        for (int n = 0; n < g.n(); n++) {
            for (int o = 0; o < g.o(); o++) {
                int gi = o / g.og();
                for (int oy = 0; oy < g.oh(); oy++) {
                    for (int ox = 0; ox < g.ow(); ox++) {
                        int yi = ((n * g.o() + o) * g.oh() + oy) * g.ow() + ox;
                        for (int ci = 0; ci < g.cg(); ci++) {
                            int c = gi * g.cg() + ci;
                            for (int ky = 0; ky < g.kh(); ky++) {
                                int iy = oy * g.strideH() - g.padTop() + ky * g.dilationH();
                                for (int kx = 0; kx < g.kw(); kx++) {
                                    int ix = ox * g.strideW() - g.padLeft() + kx * g.dilationW();
                                    if (iy < 0 || iy >= g.h() || ix < 0 || ix >= g.w()) {
                                        continue;
                                    }
                                    int xi = ((n * g.c() + c) * g.h() + iy) * g.w() + ix;
                                    int wi = ((o * g.cg() + ci) * g.kh() + ky) * g.kw() + kx;
                                    y[yi] += (double) x[xo + xi] * w[wo + wi];
                                    dx[xi] += (double) dy[dyo + yi] * w[wo + wi];
                                    dw[wi] += (double) dy[dyo + yi] * x[xo + xi];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static void compare(String what, double[] expected, float[] actual, int off) {
        for (int i = 0; i < off; i++) {
            assertEquals(Float.NaN, actual[i], what + ": wrote before the result at " + i);
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[off + i], 1e-4 * (1 + Math.abs(expected[i])), what + " at " + i);
        }
        for (int i = off + expected.length; i < actual.length; i++) {
            assertEquals(Float.NaN, actual[i], what + ": wrote after the result at " + i);
        }
    }

    private static float[] filled(int size) {
        float[] a = new float[size];
        Arrays.fill(a, Float.NaN);
        return a;
    }

    private float[] random(int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = random.nextFloat() * 2 - 1;
        }
        return a;
    }
}
