package dev.graft.engine.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code x^y} in single precision, bit-identical wherever it runs (for why, see {@link Exp}):
 * {@code lanewise(VectorOperators.POW)} is SVML once C2 has compiled the loop and
 * {@link Math#pow} before.
 *
 * <p>{@code exp(y log x)} in float would lose up to {@code |y log x|} ulps, so it is computed in
 * double: {@code log x} from {@code x = 2^e m}, {@code m} in {@code [sqrt(1/2), sqrt(2))}, as
 * {@code e ln2 + 2 atanh(s)} with {@code s = (m - 1) / (m + 1)} and the atanh series to
 * {@code s^17}; {@code t = y log x} clamped to [-160, 160] (beyond which the float result is 0 or
 * infinite anyway); {@code exp t} by Cody and Waite's reduction to {@code |r| <= ln2/2} and the
 * Taylor series to {@code r^10}, scaled through the exponent bits. The double result is within
 * about {@code 2^-37} relative, so rounding it to float gives the correctly rounded value in all
 * but rare near-ties (then the other neighbour, a hair over half an ulp away), and exact powers
 * (4^0.5, 2^10, x^1) come out exact. Both series use plain Taylor coefficients: in double, their
 * truncation error is already far below what the float result can show. The price is time: about
 * three times that of the Vector API's float POW (see {@code ElementaryTiming}).
 *
 * <p>{@code y = 2} returns {@code x * x}, the correctly rounded square (also what
 * {@link StrictMath#pow} gives), the commonest power by far (variances) and worth its own vector
 * loop. A negative base with an integer exponent takes the sign from the exponent's parity;
 * zeros, infinities and NaN follow {@link StrictMath#pow}, whose results there are exact.
 */
public final class Pow {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** The double species, and the float species with as many lanes, for the general path. */
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    /** The long lanes of the double shape, for bit manipulation. */
    private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> FS =
            VectorSpecies.of(float.class, VectorShape.forBitSize(DS.vectorBitSize() / 2));
    private static final int DL = DS.length();

    private static final long SQRT_HALF_BITS = 0x3fe6a09e667f3bcdL;
    private static final long MANTISSA_MASK = 0x000fffffffffffffL;
    private static final int MANTISSA_BITS = 52;
    /** 1.5 * 2^52: adding it rounds a small double to an integer held in the low mantissa bits. */
    private static final double ROUNDER = 6755399441055744.0;
    private static final long ROUNDER_BITS = 0x4338000000000000L;

    private static final double LN2 = 0.6931471805599453;
    private static final double LOG2E = 1.4426950408889634;
    // ln2 = LN2_HI + LN2_LO; LN2_HI has 29 significant bits, so n * LN2_HI is exact.
    private static final double LN2_HI = 0x1.62e42ffp-1;
    private static final double LN2_LO = -4.2009150726810846e-11;

    /** Bound on |y log x|: e^160 and e^-160 are far outside the float range. */
    private static final double T_MAX = 160;

    private Pow() {
    }

    /**
     * Returns {@code x^y}, bit-identical to the vector kernel: the correctly rounded value but for
     * rare near-ties. Special cases as {@link StrictMath#pow}.
     *
     * @param x the base
     * @param y the exponent
     * @return {@code x} raised to the power {@code y}
     */
    public static float pow(float x, float y) {
        if (y == 2f) {
            return x * x;
        }
        if (Math.abs(y) <= Float.MAX_VALUE) {
            if (x > 0f && x <= Float.MAX_VALUE) {
                return positive(x, y);
            }
            if (x < 0f && x >= -Float.MAX_VALUE) {
                if (y != Math.rint(y)) {
                    return Float.NaN;
                }
                float r = positive(-x, y);
                // Floats of magnitude 2^24 and above are all even.
                boolean odd = Math.abs(y) < 0x1p24f && ((int) y & 1) != 0;
                return odd ? -r : r;
            }
        }
        return (float) StrictMath.pow(x, y);
    }

    /** {@code x^y} for a positive finite {@code x} and a finite {@code y}: the double path. */
    private static float positive(float x, float y) {
        double xd = x;
        long ix = Double.doubleToRawLongBits(xd) - SQRT_HALF_BITS;
        double e = Double.longBitsToDouble((ix >> MANTISSA_BITS) + ROUNDER_BITS) - ROUNDER;
        double m = Double.longBitsToDouble((ix & MANTISSA_MASK) + SQRT_HALF_BITS);
        double s = (m - 1) / (m + 1);
        double z = s * s;
        double atanh = Math.fma(s * z, Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(
                1.0 / 17, z, 1.0 / 15), z, 1.0 / 13), z, 1.0 / 11), z, 1.0 / 9), z, 1.0 / 7), z, 1.0 / 5), z, 1.0 / 3), s);
        double log = Math.fma(e, LN2, 2 * atanh);
        double t = y * log;
        t = t < -T_MAX ? -T_MAX : t;
        t = t > T_MAX ? T_MAX : t;
        double k = Math.fma(t, LOG2E, ROUNDER);
        double n = k - ROUNDER;
        double r = Math.fma(n, -LN2_LO, Math.fma(n, -LN2_HI, t));
        double p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(
                1.0 / 3628800, r, 1.0 / 362880), r, 1.0 / 40320), r, 1.0 / 5040), r, 1.0 / 720), r, 1.0 / 120),
                r, 1.0 / 24), r, 1.0 / 6), r, 1.0 / 2), r, 1), r, 1);
        return (float) Double.longBitsToDouble(Double.doubleToRawLongBits(p) + (Double.doubleToRawLongBits(k) << MANTISSA_BITS));
    }

    /**
     * Computes {@code out[oo + i] = pow(a[ao + i*sa], b[bo + i*sb])} for {@code i < n}, where each
     * stride is 0 (a broadcast operand) or 1; bit-identical to {@link #pow(float, float)}.
     *
     * <p>A vector with a lane outside the double path (a base that is not positive and finite, an
     * exponent that is infinite, NaN or 2) is rare and goes lane by lane through
     * {@link #pow(float, float)}.
     */
    static void row(float[] a, int ao, int sa, float[] b, int bo, int sb, float[] out, int oo, int n) {
        int i = 0;
        if (sb == 0 && b[bo] == 2f) {
            FloatVector a0 = FloatVector.broadcast(S, a[ao]);
            for (; i <= n - L; i += L) {
                FloatVector x = sa == 0 ? a0 : FloatVector.fromArray(S, a, ao + i);
                x.mul(x).intoArray(out, oo + i);
            }
            for (; i < n; i++) {
                float x = a[ao + i * sa];
                out[oo + i] = x * x;
            }
            return;
        }
        FloatVector a0 = FloatVector.broadcast(FS, a[ao]);
        FloatVector b0 = FloatVector.broadcast(FS, b[bo]);
        DoubleVector one = DoubleVector.broadcast(DS, 1);
        DoubleVector ln2 = DoubleVector.broadcast(DS, LN2);
        DoubleVector ln2Hi = DoubleVector.broadcast(DS, -LN2_HI);
        DoubleVector ln2Lo = DoubleVector.broadcast(DS, -LN2_LO);
        // The series' coefficients, broadcast once (see Erf): atanh's 1/(2j+1) and exp's 1/j!.
        DoubleVector a3 = DoubleVector.broadcast(DS, 1.0 / 3);
        DoubleVector a5 = DoubleVector.broadcast(DS, 1.0 / 5);
        DoubleVector a7 = DoubleVector.broadcast(DS, 1.0 / 7);
        DoubleVector a9 = DoubleVector.broadcast(DS, 1.0 / 9);
        DoubleVector a11 = DoubleVector.broadcast(DS, 1.0 / 11);
        DoubleVector a13 = DoubleVector.broadcast(DS, 1.0 / 13);
        DoubleVector a15 = DoubleVector.broadcast(DS, 1.0 / 15);
        DoubleVector a17 = DoubleVector.broadcast(DS, 1.0 / 17);
        DoubleVector e2 = DoubleVector.broadcast(DS, 1.0 / 2);
        DoubleVector e3 = DoubleVector.broadcast(DS, 1.0 / 6);
        DoubleVector e4 = DoubleVector.broadcast(DS, 1.0 / 24);
        DoubleVector e5 = DoubleVector.broadcast(DS, 1.0 / 120);
        DoubleVector e6 = DoubleVector.broadcast(DS, 1.0 / 720);
        DoubleVector e7 = DoubleVector.broadcast(DS, 1.0 / 5040);
        DoubleVector e8 = DoubleVector.broadcast(DS, 1.0 / 40320);
        DoubleVector e9 = DoubleVector.broadcast(DS, 1.0 / 362880);
        DoubleVector e10 = DoubleVector.broadcast(DS, 1.0 / 3628800);
        for (; i <= n - DL; i += DL) {
            FloatVector xf = sa == 0 ? a0 : FloatVector.fromArray(FS, a, ao + i);
            FloatVector yf = sb == 0 ? b0 : FloatVector.fromArray(FS, b, bo + i);
            VectorMask<Float> ordinary = xf.compare(VectorOperators.GT, 0f)
                    .and(xf.compare(VectorOperators.LE, Float.MAX_VALUE))
                    .and(yf.abs().compare(VectorOperators.LE, Float.MAX_VALUE))
                    .and(yf.compare(VectorOperators.NE, 2f));
            if (!ordinary.allTrue()) {
                for (int j = i; j < i + DL; j++) {
                    out[oo + j] = pow(a[ao + j * sa], b[bo + j * sb]);
                }
                continue;
            }
            DoubleVector x = (DoubleVector) xf.castShape(DS, 0);
            DoubleVector y = (DoubleVector) yf.castShape(DS, 0);
            // through constant species, not reinterpretAs*: see Erf
            LongVector ix = ((LongVector) x.reinterpretShape(LS, 0)).sub(SQRT_HALF_BITS);
            DoubleVector e = ((DoubleVector) ix.lanewise(VectorOperators.ASHR, MANTISSA_BITS).add(ROUNDER_BITS)
                    .reinterpretShape(DS, 0)).sub(ROUNDER);
            DoubleVector m = (DoubleVector) ix.and(MANTISSA_MASK).add(SQRT_HALF_BITS).reinterpretShape(DS, 0);
            DoubleVector s = m.sub(one).div(m.add(one));
            DoubleVector z = s.mul(s);
            DoubleVector series = a17.fma(z, a15).fma(z, a13).fma(z, a11).fma(z, a9).fma(z, a7).fma(z, a5).fma(z, a3);
            DoubleVector atanh = s.mul(z).fma(series, s);
            DoubleVector log = e.fma(ln2, atanh.mul(2));
            DoubleVector t = y.mul(log);
            t = t.blend(-T_MAX, t.compare(VectorOperators.LT, -T_MAX));
            t = t.blend(T_MAX, t.compare(VectorOperators.GT, T_MAX));
            DoubleVector k = t.fma(LOG2E, ROUNDER);
            DoubleVector nd = k.sub(ROUNDER);
            DoubleVector r = nd.fma(ln2Lo, nd.fma(ln2Hi, t));
            DoubleVector p = e10.fma(r, e9).fma(r, e8).fma(r, e7).fma(r, e6).fma(r, e5).fma(r, e4).fma(r, e3)
                    .fma(r, e2).fma(r, one).fma(r, one);
            DoubleVector result = (DoubleVector) ((LongVector) p.reinterpretShape(LS, 0))
                    .add(((LongVector) k.reinterpretShape(LS, 0)).lanewise(VectorOperators.LSHL, MANTISSA_BITS))
                    .reinterpretShape(DS, 0);
            ((FloatVector) result.castShape(FS, 0)).intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            out[oo + i] = pow(a[ao + i * sa], b[bo + i * sb]);
        }
    }
}
