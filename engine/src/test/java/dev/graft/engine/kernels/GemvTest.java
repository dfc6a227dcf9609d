package dev.graft.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class GemvTest {

    private final Random random = new Random(7);

    @Test
    void matchesDoublePrecisionReference() {
        int[][] shapes = {{1, 1}, {1, 37}, {37, 1}, {7, 13}, {13, 7}, {64, 100}, {300, 2500}, {2500, 300}};
        for (int[] s : shapes) {
            for (boolean trans : new boolean[] {false, true}) {
                check(trans, s[0], s[1], 1f, 0f, 0, 0, 1, 1);
                check(trans, s[0], s[1], -0.5f, 0.75f, 3, 4, 2, 3);
                check(trans, s[0], s[1], 2f, 1f, 1, 1, 5, 1);
            }
        }
    }

    @Test
    void rejectsOperandsThatDoNotFit() {
        float[] a = new float[6];
        assertThrows(IllegalArgumentException.class,
                () -> Gemv.sgemv(false, 2, 3, 1f, a, 0, 3, new float[2], 0, 1, 0f, new float[2], 0, 1));
        assertThrows(IllegalArgumentException.class,
                () -> Gemv.sgemv(true, 2, 3, 1f, a, 0, 3, new float[1], 0, 1, 0f, new float[3], 0, 1));
        assertThrows(IllegalArgumentException.class,
                () -> Gemv.sgemv(false, 2, 3, 1f, a, 0, 3, new float[3], 0, 0, 0f, new float[2], 0, 1));
        assertThrows(IllegalArgumentException.class,
                () -> Gemv.sgemv(false, 2, 3, 1f, a, 0, 3, new float[3], 0, 1, 0f, new float[2], 0, 2));
        assertThrows(IllegalArgumentException.class,
                () -> Gemv.sgemv(false, 2, 3, 1f, a, 1, 3, new float[3], 0, 1, 0f, new float[2], 0, 1));
        assertThrows(IllegalArgumentException.class,
                () -> Gemv.sgemv(false, 2, 3, 1f, a, 0, 2, new float[3], 0, 1, 0f, new float[2], 0, 1));
    }

    private void check(boolean trans, int m, int n, float alpha, float beta, int off, int extra,
                       int incx, int incy) {
        int lda = n + extra;
        int xLen = trans ? m : n;
        int yLen = trans ? n : m;
        float[] a = random(off + m * lda);
        float[] x = random(off + xLen * incx);
        float[] y = random(off + yLen * incy);
        if (beta == 0f) {
            for (int i = 0; i < yLen; i++) {
                y[off + i * incy] = Float.NaN;
            }
        }
        float[] before = y.clone();
        Gemv.sgemv(trans, m, n, alpha, a, off, lda, x, off, incx, beta, y, off, incy);
        for (int i = 0; i < yLen; i++) {
            double sum = 0;
            double mag = 0;
            for (int p = 0; p < xLen; p++) {
                double v = (trans ? a[off + p * lda + i] : a[off + i * lda + p]) * (double) x[off + p * incx];
                sum += v;
                mag += Math.abs(v);
            }
            double old = before[off + i * incy];
            double expected = alpha * sum + (beta == 0f ? 0 : beta * old);
            double tol = 1e-5 * (Math.abs(alpha) * mag + (beta == 0f ? 0 : Math.abs(beta * old))) + 1e-30;
            float got = y[off + i * incy];
            if (!(Math.abs(got - expected) <= tol)) {
                throw new AssertionError((trans ? "T" : "N") + " m=" + m + " n=" + n + ": y[" + i + "] = "
                        + got + ", expected " + expected);
            }
        }
    }

    private float[] random(int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = random.nextFloat() * 2 - 1;
        }
        return v;
    }
}
