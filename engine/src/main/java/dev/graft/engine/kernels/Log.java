package dev.graft.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The natural logarithm in single precision, bit-identical wherever it runs (for why, see
 * {@link Exp}). The vector loop and the scalar {@link #log(float)} perform the same float
 * operations in the same order. The maximum error is about one ulp.
 *
 * <p>The method: a subnormal {@code x} is first scaled by {@code 2^23} (and 23 taken off its
 * exponent). Subtracting the bits of {@code sqrt(1/2)} from those of {@code x} and splitting the
 * difference at the exponent field gives {@code x = 2^e m} with {@code m} in
 * {@code [sqrt(1/2), sqrt(2))}, so {@code f = m - 1} is exact and small, and {@code e} is 0 near
 * {@code x = 1}, where the result must keep its relative accuracy. Then
 * {@code log(x) = e ln2 + log(1 + f)} with {@code log(1 + f) = f + f^2 (-1/2 + f R(f))}, {@code R}
 * of degree 7 (minimax for relative error, fitted by {@code scripts/kernels/fit_elementary.py}),
 * and {@code e ln2} added in two parts, the larger exactly, last. Arguments outside
 * {@code (0, inf)} then get their IEEE results: {@code log(+-0) = -inf}, {@code log(+inf) = +inf},
 * NaN for negative numbers and NaN.
 */
public final class Log {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** The int lanes of the same shape, for bit manipulation (see Erf on reinterpreting). */
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private static final int SQRT_HALF_BITS = 0x3f3504f3;
    private static final int MANTISSA_MASK = 0x007fffff;
    private static final int MANTISSA_BITS = 23;
    private static final float TWO_TO_23 = 0x1p23f;

    // log(1 + f) = f + f^2 (-1/2 + f (C3 + f (C4 + ... + f C10))) on [sqrt(1/2) - 1, sqrt(2) - 1].
    private static final float C3 = 0.3333333134651184f;
    private static final float C4 = -0.25000837445259094f;
    private static final float C5 = 0.20001284778118134f;
    private static final float C6 = -0.16622774302959442f;
    private static final float C7 = 0.1419983208179474f;
    private static final float C8 = -0.13164228200912476f;
    private static final float C9 = 0.12778355181217194f;
    private static final float C10 = -0.07645149528980255f;

    // ln2 = LN2_HI + LN2_LO; LN2_HI has 9 significant bits, so e * LN2_HI is exact.
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;

    /** 1.5 * 2^23: a small integer added to its bits is that integer plus ROUNDER as a float. */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = 0x4b400000;
    /** ROUNDER for an argument that was scaled by 2^23: takes the 23 back off the exponent. */
    private static final float ROUNDER_SCALED = ROUNDER + MANTISSA_BITS;

    private Log() {
    }

    /**
     * Returns the natural logarithm of {@code x}, within about one ulp, bit-identical to the
     * vector kernel. {@code log(+-0)} is {@code -inf}, {@code log(+inf)} is {@code +inf}, and the
     * logarithm of a negative number or NaN is NaN.
     *
     * @param x the argument
     * @return the natural logarithm of {@code x}
     */
    public static float log(float x) {
        boolean subnormal = x < Float.MIN_NORMAL;
        float xs = subnormal ? x * TWO_TO_23 : x;
        int ix = Float.floatToRawIntBits(xs) - SQRT_HALF_BITS;
        float e = Float.intBitsToFloat((ix >> MANTISSA_BITS) + ROUNDER_BITS) - (subnormal ? ROUNDER_SCALED : ROUNDER);
        float f = Float.intBitsToFloat((ix & MANTISSA_MASK) + SQRT_HALF_BITS) - 1f;
        float q = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(
                C10, f, C9), f, C8), f, C7), f, C6), f, C5), f, C4), f, C3), f, -0.5f);
        float y = Math.fma(q, f * f, f);
        float r = Math.fma(e, LN2_HI, Math.fma(e, LN2_LO, y));
        if (!(x > 0f)) {
            r = x == 0f ? Float.NEGATIVE_INFINITY : Float.NaN;
        }
        return x == Float.POSITIVE_INFINITY ? x : r;
    }

    /**
     * Computes {@code ys[yOff + i] = log(xs[xOff + i])} for {@code i < n}, vectors first, then a
     * scalar tail; bit-identical to {@link #log(float)}. The arrays may be the same at the same
     * offset.
     */
    static void range(float[] xs, int xOff, float[] ys, int yOff, int n) {
        FloatVector c3 = FloatVector.broadcast(S, C3);
        FloatVector c4 = FloatVector.broadcast(S, C4);
        FloatVector c5 = FloatVector.broadcast(S, C5);
        FloatVector c6 = FloatVector.broadcast(S, C6);
        FloatVector c7 = FloatVector.broadcast(S, C7);
        FloatVector c8 = FloatVector.broadcast(S, C8);
        FloatVector c9 = FloatVector.broadcast(S, C9);
        FloatVector c10 = FloatVector.broadcast(S, C10);
        FloatVector half = FloatVector.broadcast(S, -0.5f);
        FloatVector ln2Hi = FloatVector.broadcast(S, LN2_HI);
        FloatVector ln2Lo = FloatVector.broadcast(S, LN2_LO);
        FloatVector rounder = FloatVector.broadcast(S, ROUNDER);
        FloatVector rounderScaled = FloatVector.broadcast(S, ROUNDER_SCALED);
        FloatVector nan = FloatVector.broadcast(S, Float.NaN);
        FloatVector negInf = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector x = FloatVector.fromArray(S, xs, xOff + i);
            // Nearly always every lane is a positive normal float: then the subnormal scaling and
            // the special values are skipped, which saves a third of the work with the same bits.
            boolean normal = x.compare(VectorOperators.GE, Float.MIN_NORMAL)
                    .and(x.compare(VectorOperators.LE, Float.MAX_VALUE)).allTrue();
            FloatVector xsc = x;
            FloatVector eShift = rounder;
            if (!normal) {
                VectorMask<Float> subnormal = x.lt(Float.MIN_NORMAL);
                xsc = x.blend(x.mul(TWO_TO_23), subnormal);
                eShift = rounder.blend(rounderScaled, subnormal);
            }
            // through constant species, not reinterpretAs*: see Erf
            IntVector ix = ((IntVector) xsc.reinterpretShape(IS, 0)).sub(SQRT_HALF_BITS);
            FloatVector e = ((FloatVector) ix.lanewise(VectorOperators.ASHR, MANTISSA_BITS).add(ROUNDER_BITS)
                    .reinterpretShape(S, 0)).sub(eShift);
            FloatVector f = ((FloatVector) ix.and(MANTISSA_MASK).add(SQRT_HALF_BITS).reinterpretShape(S, 0)).sub(1f);
            FloatVector q = c10.fma(f, c9).fma(f, c8).fma(f, c7).fma(f, c6).fma(f, c5).fma(f, c4).fma(f, c3)
                    .fma(f, half);
            FloatVector y = q.fma(f.mul(f), f);
            FloatVector r = e.fma(ln2Hi, e.fma(ln2Lo, y));
            if (!normal) {
                r = r.blend(nan, x.compare(VectorOperators.GT, 0f).not())
                        .blend(negInf, x.eq(0f))
                        .blend(x, x.eq(Float.POSITIVE_INFINITY));
            }
            r.intoArray(ys, yOff + i);
        }
        for (; i < n; i++) {
            ys[yOff + i] = log(xs[xOff + i]);
        }
    }
}
