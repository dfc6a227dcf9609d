package dev.graft.engine.kernels;

import dev.graft.engine.Parallel;
import java.util.Arrays;
import java.util.Objects;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision matrix-vector product with row-major BLAS {@code sgemv} semantics:
 * {@code y = alpha * op(A) * x + beta * y}.
 *
 * <p>A matrix-vector product reads every element of {@code A} once and does two flops with it, so
 * it is bound by memory bandwidth, not by arithmetic; packing and register tiling as in
 * {@link Gemm} would only add traffic. {@link Gemm} hands its {@code m == 1} and {@code n == 1}
 * cases to this class for that reason.
 */
public final class Gemv {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Output columns accumulated per pass of the transposed form: 4 KiB of partial sums stay in L1. */
    private static final int COLUMN_BLOCK = 1024;
    /** Multiply-adds below which a task is not worth forking. */
    private static final long MIN_TASK_WORK = 1L << 16;

    private static final ThreadLocal<float[][]> SCRATCH =
            ThreadLocal.withInitial(() -> new float[][] {new float[COLUMN_BLOCK], new float[0]});

    private Gemv() {
    }

    /**
     * Computes {@code y = alpha * op(A) * x + beta * y} where {@code A} is an {@code m x n} row-major
     * matrix and {@code op(A)} is {@code A} or its transpose. When {@code beta == 0}, {@code y} is
     * overwritten without being read (NaN in it does not propagate); when {@code alpha == 0},
     * {@code A} and {@code x} are not read. {@code y} must not overlap {@code A} or {@code x}.
     *
     * @param trans whether {@code op(A)} is {@code A}ᵀ ({@code x} then has {@code m} elements and
     *     {@code y} {@code n}); otherwise {@code x} has {@code n} and {@code y} {@code m}
     * @param m rows of the stored {@code A}
     * @param n columns of the stored {@code A}
     * @param alpha scale of the product
     * @param a the stored matrix
     * @param aOff index of {@code A[0][0]} in {@code a}
     * @param lda distance between the starts of consecutive rows of {@code A}, at least {@code n}
     * @param x the input vector
     * @param xOff index of {@code x[0]}
     * @param incx distance between consecutive elements of {@code x}, at least 1
     * @param beta scale of the old {@code y}
     * @param y the output vector
     * @param yOff index of {@code y[0]}
     * @param incy distance between consecutive elements of {@code y}, at least 1
     * @throws IllegalArgumentException if a size, offset or stride is negative or an operand does
     *     not fit in its array
     */
    public static void sgemv(boolean trans, int m, int n, float alpha,
                             float[] a, int aOff, int lda,
                             float[] x, int xOff, int incx,
                             float beta, float[] y, int yOff, int incy) {
        Objects.requireNonNull(a, "sgemv: a is null");
        Objects.requireNonNull(x, "sgemv: x is null");
        Objects.requireNonNull(y, "sgemv: y is null");
        if (m < 0 || n < 0) {
            throw new IllegalArgumentException("sgemv: m and n must be >= 0, got m=" + m + ", n=" + n);
        }
        if (incx < 1 || incy < 1) {
            throw new IllegalArgumentException(
                    "sgemv: incx and incy must be >= 1, got incx=" + incx + ", incy=" + incy);
        }
        int xLen = trans ? m : n;
        int yLen = trans ? n : m;
        Checks.matrix("sgemv", "a", a.length, aOff, m, n, lda);
        Checks.vector("sgemv", "x", x.length, xOff, xLen, incx);
        Checks.vector("sgemv", "y", y.length, yOff, yLen, incy);
        run(trans, m, n, alpha, a, aOff, lda, x, xOff, incx, beta, y, yOff, incy);
    }

    /** The unchecked body, also called by {@link Gemm} after it has validated its own operands. */
    static void run(boolean trans, int m, int n, float alpha,
                    float[] a, int aOff, int lda,
                    float[] x, int xOff, int incx,
                    float beta, float[] y, int yOff, int incy) {
        int yLen = trans ? n : m;
        if (yLen == 0) {
            return;
        }
        if (alpha == 0f || m == 0 || n == 0) {
            scale(yLen, beta, y, yOff, incy);
            return;
        }
        int grain = (int) Math.max(1, MIN_TASK_WORK / Math.max(1, trans ? m : n));
        if (trans) {
            Parallel.forRange(n, Math.max(grain, L), (from, to) ->
                    columns(from, to, m, alpha, a, aOff, lda, x, xOff, incx, beta, y, yOff, incy));
        } else {
            Parallel.forRange(m, grain, (from, to) ->
                    rows(from, to, n, alpha, a, aOff, lda, x, xOff, incx, beta, y, yOff, incy));
        }
    }

    /** {@code y[i] = alpha * dot(A[i], x) + beta * y[i]} for rows {@code [from, to)}. */
    private static void rows(int from, int to, int n, float alpha, float[] a, int aOff, int lda,
                             float[] x, int xOff, int incx,
                             float beta, float[] y, int yOff, int incy) {
        float[] xs = x;
        int xo = xOff;
        if (incx != 1) {
            // The dot products want x contiguous; gathering it once per task is cheap.
            xs = gathered(n);
            for (int j = 0; j < n; j++) {
                xs[j] = x[xOff + j * incx];
            }
            xo = 0;
        }
        for (int i = from; i < to; i++) {
            float dot = dot(n, a, aOff + i * lda, xs, xo);
            int yi = yOff + i * incy;
            y[yi] = beta == 0f ? alpha * dot : alpha * dot + beta * y[yi];
        }
    }

    private static float[] gathered(int n) {
        float[][] scratch = SCRATCH.get();
        if (scratch[1].length < n) {
            scratch[1] = new float[n];
        }
        return scratch[1];
    }

    /** Dot product with four independent accumulators so the FMA latency is hidden. */
    static float dot(int n, float[] a, int aOff, float[] b, int bOff) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        int j = 0;
        for (; j <= n - 4 * L; j += 4 * L) {
            s0 = FloatVector.fromArray(S, a, aOff + j).fma(FloatVector.fromArray(S, b, bOff + j), s0);
            s1 = FloatVector.fromArray(S, a, aOff + j + L)
                    .fma(FloatVector.fromArray(S, b, bOff + j + L), s1);
            s2 = FloatVector.fromArray(S, a, aOff + j + 2 * L)
                    .fma(FloatVector.fromArray(S, b, bOff + j + 2 * L), s2);
            s3 = FloatVector.fromArray(S, a, aOff + j + 3 * L)
                    .fma(FloatVector.fromArray(S, b, bOff + j + 3 * L), s3);
        }
        for (; j <= n - L; j += L) {
            s0 = FloatVector.fromArray(S, a, aOff + j).fma(FloatVector.fromArray(S, b, bOff + j), s0);
        }
        float sum = Lanes.sum(s0.add(s1).add(s2.add(s3)));
        for (; j < n; j++) {
            sum += a[aOff + j] * b[bOff + j];
        }
        return sum;
    }

    /**
     * {@code y[j] = alpha * sum_i x[i] * A[i][j] + beta * y[j]} for columns {@code [from, to)}:
     * the rows of {@code A} are streamed contiguously into an L1-resident block of partial sums.
     */
    private static void columns(int from, int to, int m, float alpha, float[] a, int aOff, int lda,
                                float[] x, int xOff, int incx,
                                float beta, float[] y, int yOff, int incy) {
        float[] acc = SCRATCH.get()[0];
        for (int j0 = from; j0 < to; j0 += COLUMN_BLOCK) {
            int w = Math.min(COLUMN_BLOCK, to - j0);
            Arrays.fill(acc, 0, w, 0f);
            for (int i = 0; i < m; i++) {
                axpy(w, x[xOff + i * incx], a, aOff + i * lda + j0, acc);
            }
            for (int j = 0; j < w; j++) {
                int yj = yOff + (j0 + j) * incy;
                y[yj] = beta == 0f ? alpha * acc[j] : alpha * acc[j] + beta * y[yj];
            }
        }
    }

    /** {@code acc[0..w) += s * a[aOff..aOff+w)}. */
    private static void axpy(int w, float s, float[] a, int aOff, float[] acc) {
        FloatVector vs = FloatVector.broadcast(S, s);
        int j = 0;
        for (; j <= w - L; j += L) {
            FloatVector.fromArray(S, a, aOff + j).fma(vs, FloatVector.fromArray(S, acc, j)).intoArray(acc, j);
        }
        for (; j < w; j++) {
            acc[j] += s * a[aOff + j];
        }
    }

    private static void scale(int len, float beta, float[] y, int yOff, int incy) {
        for (int j = 0; j < len; j++) {
            int yj = yOff + j * incy;
            y[yj] = beta == 0f ? 0f : beta * y[yj];
        }
    }
}
