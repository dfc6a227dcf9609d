package dev.graft.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.engine.Parallel;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GemmTest {

    /** m, n, k: unit sizes, primes, sizes around the 6x16 tile, depth splits and a multi-panel n. */
    private static final int[][] SHAPES = {
        {1, 1, 1}, {1, 7, 13}, {7, 1, 13}, {2, 2, 1}, {7, 13, 1}, {6, 16, 5}, {5, 15, 4},
        {13, 37, 7}, {37, 13, 64}, {5, 3, 300}, {70, 50, 260}, {100, 33, 17}, {150, 20, 30},
        {8, 2060, 5}, {97, 131, 67}, {13, 500, 100}, {12, 600, 100},
    };

    private final Random random = new Random(42);

    @Test
    void matchesDoublePrecisionReferenceForEveryTransposeAndScale() {
        float[][] scales = {{1f, 0f}, {-0.5f, 1f}, {1.5f, 0.75f}};
        for (int[] shape : SHAPES) {
            for (int t = 0; t < 4; t++) {
                for (float[] s : scales) {
                    check(t >= 2, (t & 1) == 1, shape[0], shape[1], shape[2], s[0], s[1], 0, 0, 0);
                }
            }
        }
    }

    @Test
    void honoursOffsetsAndLeadingDimensionsWiderThanTheRows() {
        for (int[] shape : SHAPES) {
            for (int t = 0; t < 4; t++) {
                check(t >= 2, (t & 1) == 1, shape[0], shape[1], shape[2], 0.5f, 0.25f, 3, 5, 11);
            }
        }
    }

    @Test
    void tallProductsReadTheirUntransposedAInPlace() {
        // m above one A block, alpha 1 and A not transposed: the path that skips packing A, with
        // full and partial row slivers, partial column slivers, two depth blocks, offsets and
        // leading dimensions wider than the rows.
        int[][] shapes = {{81, 33, 17}, {97, 131, 300}, {163, 40, 5}, {240, 64, 512}};
        for (int[] shape : shapes) {
            for (boolean transB : new boolean[] {false, true}) {
                check(false, transB, shape[0], shape[1], shape[2], 1f, 0f, 0, 0, 0);
                check(false, transB, shape[0], shape[1], shape[2], 1f, 0.5f, 7, 3, 9);
            }
        }
    }

    @Test
    void deepProductsAddTheirDepthBlocks() {
        // Depths above one packed panel (Gemm.KC), for every transpose, a single A block and
        // several, where only the first depth block may overwrite C.
        int[][] shapes = {{7, 40, Gemm.KC + 1}, {13, 33, 2 * Gemm.KC + 5}, {90, 70, Gemm.KC + 232}};
        for (int[] shape : shapes) {
            for (int t = 0; t < 4; t++) {
                check(t >= 2, (t & 1) == 1, shape[0], shape[1], shape[2], 1f, 0f, 0, 0, 0);
                check(t >= 2, (t & 1) == 1, shape[0], shape[1], shape[2], -0.5f, 0.75f, 2, 3, 4);
            }
        }
    }

    @Test
    void aRightOperandPackedOnceGivesTheSameProducts() {
        int[][] shapes = {{2, 3, 4}, {7, 40, 33}, {90, 70, 50}, {200, 37, Gemm.KC + 40}, {13, 600, 100}};
        for (int[] shape : shapes) {
            int m = shape[0];
            int n = shape[1];
            int k = shape[2];
            for (boolean transB : new boolean[] {false, true}) {
                float[] a = random(1 + m * (k + 2));
                float[] b = random(3 + k * n);
                float[] expected = random(m * n);
                float[] c = expected.clone();
                Gemm.sgemm(false, transB, m, n, k, 1f, a, 1, k + 2, b, 3, transB ? k : n, 0.5f, expected, 0, n);
                Gemm.PackedB packed = Gemm.PackedB.of(transB, k, n, b, 3, transB ? k : n);
                Gemm.sgemm(m, a, 1, k + 2, packed, 0.5f, c, 0, n);
                assertEquals(Arrays.toString(expected), Arrays.toString(c), m + "x" + n + "x" + k + " transB=" + transB);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Gemm.PackedB.of(false, 3, 4, new float[11], 0, 4));
        Gemm.PackedB packed = Gemm.PackedB.of(false, 3, 4, new float[12], 0, 4);
        assertThrows(IllegalArgumentException.class, () -> Gemm.sgemm(2, new float[5], 0, 3, packed, 0f, new float[8], 0, 4));
    }

    @Test
    void theEpilogueSeesEveryFinalElementOnce() {
        // One A block per band and several, two depth blocks, more columns than one B panel
        // (Gemm.NC), a zero depth, and two threads; the epilogue doubles each element and adds its
        // column, and counts its visits.
        int[][] shapes = {{7, 40, 33}, {90, 70, Gemm.KC + 40}, {200, 37, 50}, {11, Gemm.NC + 40, 3}, {6, 9, 0}};
        int before = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                for (int[] shape : shapes) {
                    int m = shape[0];
                    int n = shape[1];
                    int k = shape[2];
                    int ldc = n + 3;
                    float[] a = random(2 + m * k);
                    float[] b = random(k * n);
                    float[] expected = random(1 + m * ldc);
                    float[] c = expected.clone();
                    Gemm.sgemm(m, a, 2, Math.max(k, 1), Gemm.PackedB.of(false, k, n, b, 0, n), 0.5f, expected, 1, ldc);
                    int[] visits = new int[c.length];
                    Gemm.sgemm(m, a, 2, Math.max(k, 1), Gemm.PackedB.of(false, k, n, b, 0, n), 0.5f, c, 1, ldc, (out, at, col0, cols) -> {
                        for (int j = 0; j < cols; j++) {
                            out[at + j] = out[at + j] * 2 + col0 + j;
                            visits[at + j]++;
                        }
                    });
                    String what = m + "x" + n + "x" + k + ", " + threads + " thread(s)";
                    for (int idx = 0; idx < c.length; idx++) {
                        int rel = idx - 1;
                        boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
                        float want = inside ? expected[idx] * 2 + rel % ldc : expected[idx];
                        assertEquals(inside ? 1 : 0, visits[idx], what + ": visits of element " + idx);
                        assertEquals(want, c[idx], Math.abs(want) * 1e-6f, what + ": element " + idx);
                    }
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void splitsOverMoreThreadsThanCores() {
        int before = Parallel.threads();
        Parallel.setThreads(3);
        try {
            check(false, false, 97, 131, 67, 1f, 0f, 0, 0, 0);
            check(true, true, 13, 500, 100, 1f, 0.5f, 1, 2, 3);
            check(false, true, 200, 40, 90, -1f, 1f, 0, 0, 0);
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void betaZeroOverwritesNaNAndAlphaZeroDoesNotReadTheOperands() {
        float[] a = {Float.NaN, 1, 2, 3};
        float[] b = {1, 2, Float.NaN, 4};
        float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        Gemm.sgemm(false, false, 2, 2, 2, 0f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
        assertEquals("[0.0, 0.0, 0.0, 0.0]", Arrays.toString(c));
        float[] c2 = {1, 2, 3, 4};
        Gemm.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 2f, c2, 0, 2);
        assertEquals("[2.0, 4.0, 6.0, 8.0]", Arrays.toString(c2));
    }

    @Test
    void emptyProductsWriteNothing() {
        float[] c = {7f};
        Gemm.sgemm(false, false, 0, 1, 3, 1f, new float[0], 0, 3, new float[3], 0, 1, 0f, c, 0, 1);
        Gemm.sgemm(false, false, 1, 0, 3, 1f, new float[3], 0, 3, new float[0], 0, 1, 0f, c, 0, 1);
        assertEquals(7f, c[0]);
    }

    @Test
    void rejectsOperandsThatDoNotFit() {
        float[] a = new float[6];
        float[] b = new float[6];
        float[] c = new float[4];
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, -1, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2));
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 2, 2, 3, 1f, a, 1, 3, b, 0, 2, 0f, c, 0, 2));
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 2, 2, 3, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2));
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(true, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2));
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, true, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2));
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 1, 2));
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, -1, 2, 0f, c, 0, 2));
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, new float[3], 0, 2));
        assertTrue(e.getMessage().startsWith("sgemm: c"), e.getMessage());
    }

    /**
     * Runs one product with random operands laid out at {@code off} with leading dimensions
     * {@code extra} wider than needed, and compares with a double-precision loop. Elements of C
     * outside the product (offset, row padding) must be left untouched.
     */
    private void check(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
                       int off, int extraA, int extraC) {
        int aRows = transA ? k : m;
        int aCols = transA ? m : k;
        int bRows = transB ? n : k;
        int bCols = transB ? k : n;
        int lda = aCols + extraA;
        int ldb = bCols + (extraA > 0 ? 2 : 0);
        int ldc = n + extraC;
        float[] a = random(off + aRows * lda);
        float[] b = random(off + bRows * ldb + 1);
        float[] c = random(off + m * ldc);
        if (beta == 0f) {
            for (int i = 0; i < m; i++) {
                Arrays.fill(c, off + i * ldc, off + i * ldc + n, Float.NaN);
            }
        }
        float[] before = c.clone();
        Gemm.sgemm(transA, transB, m, n, k, alpha, a, off, lda, b, off, ldb, beta, c, off, ldc);
        String what = (transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k
                + " alpha=" + alpha + " beta=" + beta + " off=" + off;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                double mag = 0;
                for (int p = 0; p < k; p++) {
                    double x = transA ? a[off + p * lda + i] : a[off + i * lda + p];
                    double y = transB ? b[off + j * ldb + p] : b[off + p * ldb + j];
                    sum += x * y;
                    mag += Math.abs(x * y);
                }
                double old = before[off + i * ldc + j];
                double expected = alpha * sum + (beta == 0f ? 0 : beta * old);
                double tol = 1e-5 * (Math.abs(alpha) * mag + (beta == 0f ? 0 : Math.abs(beta * old))) + 1e-30;
                float got = c[off + i * ldc + j];
                if (!(Math.abs(got - expected) <= tol)) {
                    throw new AssertionError(what + ": C[" + i + "][" + j + "] = " + got + ", expected " + expected);
                }
            }
        }
        for (int idx = 0; idx < c.length; idx++) {
            int rel = idx - off;
            boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
            if (!inside) {
                assertEquals(before[idx], c[idx], what + ": wrote outside C at " + idx);
            }
        }
    }

    private float[] random(int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = random.nextFloat() * 2 - 1;
        }
        return x;
    }
}
