package dev.graft.engine.kernels;

import dev.graft.engine.Parallel;
import java.util.Objects;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The error function {@code erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt} in single precision,
 * with a maximum relative error below 1e-6 over the whole float range (GELU's exact form needs it).
 *
 * <p>Two pieces, both polynomials fitted (weighted least squares, Lawson iterations, coefficients
 * then rounded to float and re-checked) to a 30-digit reference:
 * <ul>
 *   <li>{@code |x| < 1}: {@code erf(x) = x * P(x^2)}, P of degree 5. Being odd and multiplicative
 *       in x, it keeps full relative accuracy down to the smallest subnormal.
 *   <li>{@code 1 <= |x| < 4}: {@code erf(x) = 1 - exp(-x^2) * R(z)} with
 *       {@code R(x) ~ exp(x^2) erfc(x)}, a smooth, slowly varying function, of degree 7 in
 *       {@code z = (2|x| - 5) / 3}, which maps the interval onto [-1, 1] so Horner's rule does not
 *       cancel. Rounding {@code x^2} to float perturbs {@code exp(-x^2)} by at most 1e-6 relative,
 *       which is harmless because it is multiplied by {@code erfc(x) < 0.16}.
 *   <li>{@code |x| >= 4}: {@code erfc(4) < 2^-25}, so the value rounds to {@code +-1}; clamping the
 *       argument to 4 yields exactly that without a third branch.
 * </ul>
 * The sign is copied from the argument, so the result is exactly odd and NaN propagates. The
 * scalar {@link #erf(float)} performs the same float operations as the vector path, lane for lane,
 * so both give bit-identical results.
 */
public final class Erf {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** The int lanes of the same shape, for bit manipulation. */
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Elements below which a task is not worth forking. */
    private static final int GRAIN = 1 << 14;
    /** Elements of a GELU block: its erf arguments (4 KiB) stay in L1 between the three passes. */
    static final int GELU_BLOCK = 1024;
    /** Per-thread erf arguments of one GELU block. */
    private static final ThreadLocal<float[][]> GELU_BUFFER =
            ThreadLocal.withInitial(() -> new float[][] {new float[GELU_BLOCK]});

    // erf(x) / x as a polynomial in x^2 on [0, 1].
    private static final float P0 = 1.1283791065216064f;
    private static final float P1 = -0.3761232793331146f;
    private static final float P2 = 0.11280184239149094f;
    private static final float P3 = -0.02671140432357788f;
    private static final float P4 = 0.004917644429951906f;
    private static final float P5 = -0.0005631757667288184f;

    // exp(x^2) erfc(x) as a polynomial in z = Z_SCALE * x + Z_SHIFT on [1, 4].
    private static final float Z_SCALE = 2f / 3f;
    private static final float Z_SHIFT = -5f / 3f;
    private static final float R0 = 0.21080681681632996f;
    private static final float R1 = -0.11144475638866425f;
    private static final float R2 = 0.056620389223098755f;
    private static final float R3 = -0.026364289224147797f;
    private static final float R4 = 0.009756432846188545f;
    private static final float R5 = -0.015265659429132938f;
    private static final float R6 = -0.009402967058122158f;
    private static final float R7 = -0.006728186737746f;

    /** The divisor of PyTorch's exported erf GELU, {@code x * (1 + erf(x / 1.4142135)) * 0.5}. */
    public static final float GELU_DIVISOR = 1.4142135f;

    /** Beyond this |x|, erf rounds to +-1 in float. */
    private static final float SATURATION = 4f;

    // exp(-q) for q in [0, 16]: q = n ln2 + r with |r| <= ln2/2 (ln2 split so n * LN2_HI is exact),
    // exp(r) = 1 + r + r^2 (E2 + r (E3 + r (E4 + r E5))), then scaled by 2^n through the exponent bits.
    private static final float LOG2E = 1.44269504f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float E2 = 0.499992311000824f;
    private static final float E3 = 0.16667114198207855f;
    private static final float E4 = 0.04189012572169304f;
    private static final float E5 = 0.008312533609569073f;
    /** 1.5 * 2^23: adding it rounds a small float to an integer held in the low mantissa bits. */
    private static final float ROUNDER = 12582912f;
    private static final int SIGN = 0x80000000;

    private Erf() {
    }

    /**
     * Returns {@code erf(x)} with a relative error below 1e-6 (within one subnormal spacing, which
     * is all a float can offer, where the result is subnormal). {@code erf(NaN)} is NaN, {@code erf(+-inf)} is
     * {@code +-1}, {@code erf(-0)} is {@code -0}.
     *
     * @param x the argument
     * @return the error function of {@code x}
     */
    public static float erf(float x) {
        float ax = Math.abs(x);
        float r;
        if (ax < 1f) {
            float q = ax * ax;
            float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(P5, q, P4), q, P3), q, P2), q, P1), q, P0);
            r = ax * p;
        } else {
            float a = Math.min(ax, SATURATION);
            float q = a * a;
            float z = Math.fma(a, Z_SCALE, Z_SHIFT);
            float rz = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(
                    R7, z, R6), z, R5), z, R4), z, R3), z, R2), z, R1), z, R0);
            float k = Math.fma(-q, LOG2E, ROUNDER);
            float n = k - ROUNDER;
            float t = Math.fma(n, -LN2_LO, Math.fma(n, -LN2_HI, -q));
            float e = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(E5, t, E4), t, E3), t, E2), t, 1f), t, 1f);
            float expNeg = Float.intBitsToFloat(Float.floatToRawIntBits(e) + (Float.floatToRawIntBits(k) << 23));
            r = Math.fma(-expNeg, rz, 1f);
        }
        return Float.intBitsToFloat(Float.floatToRawIntBits(r) | (Float.floatToRawIntBits(x) & SIGN));
    }

    /**
     * Computes {@code y[yOff + i] = erf(x[xOff + i])} for {@code i < n}, vectorised and, for long
     * ranges, in parallel; results are bit-identical to {@link #erf(float)}. {@code x} and
     * {@code y} may be the same array at the same offset; other overlaps are not supported.
     *
     * @param x the arguments
     * @param xOff index of the first argument
     * @param y where the results go
     * @param yOff index of the first result
     * @param n number of elements
     * @throws IllegalArgumentException if {@code n} or an offset is negative or a range does not
     *     fit in its array
     */
    public static void apply(float[] x, int xOff, float[] y, int yOff, int n) {
        checkedRange("erf", x, xOff, y, yOff, n, false);
    }

    /**
     * The erf GELU as PyTorch exports it, {@code y = x * (1 + erf(x / 1.4142135)) * 0.5}, for
     * {@code i < n}: bit-identical to composing those five float operations with
     * {@link #apply}, computed {@link #GELU_BLOCK} elements at a time through a per-thread buffer
     * that stays in L1, so it costs one pass over memory. {@code x} and {@code y} may be the same
     * array at the same offset; other overlaps are not supported.
     *
     * @throws IllegalArgumentException if {@code n} or an offset is negative or a range does not
     *     fit in its array
     */
    public static void gelu(float[] x, int xOff, float[] y, int yOff, int n) {
        checkedRange("gelu", x, xOff, y, yOff, n, true);
    }

    /** Checks the ranges, naming {@code op} in the message, then runs them over the pool. */
    private static void checkedRange(String op, float[] x, int xOff, float[] y, int yOff, int n, boolean gelu) {
        Objects.requireNonNull(x, op + ": x is null");
        Objects.requireNonNull(y, op + ": y is null");
        Checks.atLeast(op, "n", n, 0);
        Checks.block(op, "x", x.length, xOff, n);
        Checks.block(op, "y", y.length, yOff, n);
        if (gelu) {
            Parallel.forRange(n, GRAIN, (from, to) -> geluRange(x, xOff + from, y, yOff + from, to - from));
        } else {
            Parallel.forRange(n, GRAIN, (from, to) -> range(x, xOff + from, y, yOff + from, to - from));
        }
    }

    /** The scalar twin of {@link #gelu(float[], int, float[], int, int)}'s lanes. */
    public static float gelu(float x) {
        return x * (erf(x / GELU_DIVISOR) + 1f) * 0.5f;
    }

    /**
     * The GELU over a range, block by block: the erf arguments into the buffer, erf in place
     * there, then the product. Three branch-free loops rather than one loop with the GELU as a
     * flag: JDK 17's C2 boxed the vectors that such a flag chose between (a ternary) or blended
     * (a mask), in some runs and not others, depending on what it had compiled before; every
     * vector then cost a heap allocation, and two-thread MiniLM runs allocated 260-790 MB per
     * batch instead of 37.
     */
    private static void geluRange(float[] xs, int xOff, float[] ys, int yOff, int n) {
        float[][] holder = GELU_BUFFER.get();
        float[] t = holder[0];
        for (int b = 0; b < n; b += GELU_BLOCK) {
            int m = Math.min(GELU_BLOCK, n - b);
            int end = S.loopBound(m);
            // Constants broadcast on each side of the call to range: a vector live across a call
            // that is not inlined may have to be kept on the heap.
            FloatVector divisor = FloatVector.broadcast(S, GELU_DIVISOR);
            int i = 0;
            for (; i < end; i += L) {
                FloatVector.fromArray(S, xs, xOff + b + i).div(divisor).intoArray(t, i);
            }
            for (; i < m; i++) {
                t[i] = xs[xOff + b + i] / GELU_DIVISOR;
            }
            range(t, 0, t, 0, m);
            FloatVector one = FloatVector.broadcast(S, 1f);
            FloatVector half = FloatVector.broadcast(S, 0.5f);
            for (i = 0; i < end; i += L) {
                FloatVector.fromArray(S, xs, xOff + b + i).mul(FloatVector.fromArray(S, t, i).add(one)).mul(half)
                        .intoArray(ys, yOff + b + i);
            }
            for (; i < m; i++) {
                ys[yOff + b + i] = xs[xOff + b + i] * (t[i] + 1f) * 0.5f;
            }
        }
    }

    /**
     * erf over the whole range, vectors first, then a scalar tail. The vector loop lives in this
     * one method on purpose: a vector passed to or returned from a method C2 does not inline (the
     * polynomial body is over its inlining size) gets boxed on the heap, every iteration.
     */
    private static void range(float[] xs, int xOff, float[] ys, int yOff, int n) {
        // Constants broadcast once: as locals they cost nothing per iteration, and calling a helper
        // per use pushes C2 past its inlining node budget, which boxes the vectors.
        FloatVector p0 = FloatVector.broadcast(S, P0);
        FloatVector p1 = FloatVector.broadcast(S, P1);
        FloatVector p2 = FloatVector.broadcast(S, P2);
        FloatVector p3 = FloatVector.broadcast(S, P3);
        FloatVector p4 = FloatVector.broadcast(S, P4);
        FloatVector p5 = FloatVector.broadcast(S, P5);
        FloatVector r0 = FloatVector.broadcast(S, R0);
        FloatVector r1 = FloatVector.broadcast(S, R1);
        FloatVector r2 = FloatVector.broadcast(S, R2);
        FloatVector r3 = FloatVector.broadcast(S, R3);
        FloatVector r4 = FloatVector.broadcast(S, R4);
        FloatVector r5 = FloatVector.broadcast(S, R5);
        FloatVector r6 = FloatVector.broadcast(S, R6);
        FloatVector r7 = FloatVector.broadcast(S, R7);
        FloatVector e2 = FloatVector.broadcast(S, E2);
        FloatVector e3 = FloatVector.broadcast(S, E3);
        FloatVector e4 = FloatVector.broadcast(S, E4);
        FloatVector e5 = FloatVector.broadcast(S, E5);
        FloatVector ln2Hi = FloatVector.broadcast(S, -LN2_HI);
        FloatVector ln2Lo = FloatVector.broadcast(S, -LN2_LO);
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector x = FloatVector.fromArray(S, xs, xOff + i);
            FloatVector ax = x.abs();
            FloatVector q = ax.mul(ax);
            FloatVector p = p5.fma(q, p4).fma(q, p3).fma(q, p2).fma(q, p1).fma(q, p0);
            FloatVector small = ax.mul(p);

            FloatVector a = ax.min(SATURATION);
            FloatVector qa = a.mul(a);
            FloatVector z = a.fma(Z_SCALE, Z_SHIFT);
            FloatVector rz = r7.fma(z, r6).fma(z, r5).fma(z, r4)
                    .fma(z, r3).fma(z, r2).fma(z, r1).fma(z, r0);
            FloatVector k = qa.neg().fma(LOG2E, ROUNDER);
            FloatVector nf = k.sub(ROUNDER);
            FloatVector t = nf.fma(ln2Lo, nf.fma(ln2Hi, qa.neg()));
            FloatVector e = e5.fma(t, e4).fma(t, e3).fma(t, e2).fma(t, one).fma(t, one);
            // Bits reinterpreted through a constant species: reinterpretAs* and viewAs*Lanes look
            // the other lane type up at run time, and JDK 17's C2 did not always fold that lookup
            // (it depended on what other code had run before); the whole loop then fell back to
            // boxed, lane-by-lane code, 4-6x slower. The cast inline, not in a helper, for the
            // inlining budget.
            FloatVector expNeg = (FloatVector) ((IntVector) e.reinterpretShape(IS, 0))
                    .add(((IntVector) k.reinterpretShape(IS, 0)).lanewise(VectorOperators.LSHL, 23))
                    .reinterpretShape(S, 0);
            FloatVector large = expNeg.neg().fma(rz, one);

            // Both pieces for every lane, then a blend: lanes may straddle |x| = 1.
            FloatVector r = large.blend(small, ax.lt(1f));
            ((FloatVector) ((IntVector) r.reinterpretShape(IS, 0))
                    .or(((IntVector) x.reinterpretShape(IS, 0)).and(SIGN)).reinterpretShape(S, 0)).intoArray(ys, yOff + i);
        }
        for (; i < n; i++) {
            ys[yOff + i] = erf(xs[xOff + i]);
        }
    }
}
