package dev.graft.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The hyperbolic tangent in single precision, bit-identical wherever it runs (for why, see
 * {@link Exp}). The vector loop and the scalar {@link #tanh(float)} perform the same float
 * operations in the same order. The maximum error is about two ulp.
 *
 * <p>Two pieces on {@code a = |x|}, then the sign of {@code x} copied onto the result (so tanh is
 * exactly odd, and {@code tanh(-0) = -0}):
 * <ul>
 *   <li>{@code a < 0.5625}: {@code tanh(a) = a + a^3 P(a^2)}, {@code P} of degree 4 (minimax for
 *       relative error, fitted by {@code scripts/kernels/fit_elementary.py}); down to the smallest
 *       subnormal, where {@code a^2} underflows and the result is {@code a} itself.
 *   <li>otherwise {@code tanh(a) = 1 - 2 / (exp(2a) + 1)} with {@link Exp#exp(float)}: the
 *       result is at least 0.5 there, so the subtraction does not cancel, and it is 1 for large
 *       {@code a}. NaN stays NaN.
 * </ul>
 */
public final class Tanh {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** The int lanes of the same shape, for bit manipulation (see Erf on reinterpreting). */
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Below this |x| the polynomial applies, at and above it the exponential form. */
    private static final float SMALL = 0.5625f;

    // tanh(a) = a + a^3 (P0 + a^2 (P1 + a^2 (P2 + a^2 (P3 + a^2 P4)))) on [0, SMALL].
    private static final float P0 = -0.3333331346511841f;
    private static final float P1 = 0.13332436978816986f;
    private static final float P2 = -0.053835757076740265f;
    private static final float P3 = 0.021000375971198082f;
    private static final float P4 = -0.00616961345076561f;

    /**
     * Cap on {@code 2|x|} before the exponential: past it tanh is 1 in float either way
     * (2 / (e^88 + 1) is far below half an ulp of 1), and below it exp stays in its fast range.
     */
    private static final float EXP_CAP = 88f;

    private static final int SIGN = 0x80000000;

    private Tanh() {
    }

    /**
     * Returns {@code tanh(x)}, within about two ulp, bit-identical to the vector kernel.
     * {@code tanh(NaN)} is NaN, {@code tanh(+-inf)} is {@code +-1}, {@code tanh(-0)} is {@code -0}.
     *
     * @param x the argument
     * @return the hyperbolic tangent of {@code x}
     */
    public static float tanh(float x) {
        float a = Math.abs(x);
        float r;
        if (a < SMALL) {
            float a2 = a * a;
            float p = Math.fma(Math.fma(Math.fma(Math.fma(P4, a2, P3), a2, P2), a2, P1), a2, P0);
            r = Math.fma(p * a2, a, a);
        } else {
            float t = 2f * a;
            r = 1f - 2f / (Exp.exp(t > EXP_CAP ? EXP_CAP : t) + 1f);
        }
        return Float.intBitsToFloat(Float.floatToRawIntBits(r) | (Float.floatToRawIntBits(x) & SIGN));
    }

    /**
     * Computes {@code ys[yOff + i] = tanh(xs[xOff + i])} for {@code i < n}, bit-identical to
     * {@link #tanh(float)}. The arrays may be the same at the same offset.
     *
     * <p>The exponential is {@link Exp}'s shortcut for normal results, repeated here rather than
     * called: a vector passed to a method C2 does not inline is boxed on the heap, and a separate
     * exp pass over a buffer would leave the division with nothing to overlap with. The clamp of
     * {@code 2|x|} to {@link #EXP_CAP} keeps every lane but NaN in the shortcut's range; a vector
     * holding a NaN goes lane by lane through {@link #tanh(float)}.
     */
    static void range(float[] xs, int xOff, float[] ys, int yOff, int n) {
        FloatVector c2 = FloatVector.broadcast(S, Exp.C2);
        FloatVector c3 = FloatVector.broadcast(S, Exp.C3);
        FloatVector c4 = FloatVector.broadcast(S, Exp.C4);
        FloatVector c5 = FloatVector.broadcast(S, Exp.C5);
        FloatVector c6 = FloatVector.broadcast(S, Exp.C6);
        FloatVector ln2Hi = FloatVector.broadcast(S, -Exp.LN2_HI);
        FloatVector ln2Lo = FloatVector.broadcast(S, -Exp.LN2_LO);
        FloatVector p0 = FloatVector.broadcast(S, P0);
        FloatVector p1 = FloatVector.broadcast(S, P1);
        FloatVector p2 = FloatVector.broadcast(S, P2);
        FloatVector p3 = FloatVector.broadcast(S, P3);
        FloatVector p4 = FloatVector.broadcast(S, P4);
        FloatVector cap = FloatVector.broadcast(S, EXP_CAP);
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector two = FloatVector.broadcast(S, 2f);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector x = FloatVector.fromArray(S, xs, xOff + i);
            FloatVector a = x.abs();
            FloatVector t = a.mul(2f);
            t = t.blend(cap, t.compare(VectorOperators.GT, EXP_CAP));
            if (!t.compare(VectorOperators.LE, EXP_CAP).allTrue()) {
                for (int j = i; j < i + L; j++) {
                    ys[yOff + j] = tanh(xs[xOff + j]);
                }
                continue;
            }
            FloatVector k = t.fma(Exp.LOG2E, Exp.ROUNDER);
            FloatVector nf = k.sub(Exp.ROUNDER);
            FloatVector r = nf.fma(ln2Lo, nf.fma(ln2Hi, t));
            FloatVector q = c6.fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2).fma(r, one).fma(r, one);
            // through constant species, not reinterpretAs*: see Erf
            FloatVector e = (FloatVector) ((IntVector) q.reinterpretShape(IS, 0))
                    .add(((IntVector) k.reinterpretShape(IS, 0)).lanewise(VectorOperators.LSHL, Exp.MANTISSA_BITS))
                    .reinterpretShape(S, 0);
            FloatVector large = one.sub(two.div(e.add(one)));

            FloatVector a2 = a.mul(a);
            FloatVector p = p4.fma(a2, p3).fma(a2, p2).fma(a2, p1).fma(a2, p0);
            FloatVector small = p.mul(a2).fma(a, a);

            // Both pieces for every lane, then a blend: lanes may straddle |x| = SMALL.
            FloatVector y = large.blend(small, a.lt(SMALL));
            ((FloatVector) ((IntVector) y.reinterpretShape(IS, 0)).or(((IntVector) x.reinterpretShape(IS, 0)).and(SIGN))
                    .reinterpretShape(S, 0)).intoArray(ys, yOff + i);
        }
        for (; i < n; i++) {
            ys[yOff + i] = tanh(xs[xOff + i]);
        }
    }
}
