package dev.graft.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The logistic function {@code 1 / (1 + e^-x)} in single precision, through {@link Exp}, so that
 * it too is bit-identical wherever it runs. With {@code e = exp(-|x|)}, which cannot overflow, it
 * is {@code 1 / (1 + e)} for {@code x >= 0} and {@code e / (1 + e)} below: the negative side keeps
 * its relative accuracy down to the subnormals instead of dividing by an overflowed
 * {@code e^-x}. The maximum error is about two ulp.
 */
public final class Sigmoid {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** The int lanes of the same shape, for bit manipulation (see Erf on reinterpreting). */
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private Sigmoid() {
    }

    /**
     * Returns {@code 1 / (1 + e^-x)}, bit-identical to the vector kernel. {@code sigmoid(NaN)} is
     * NaN, {@code sigmoid(-inf)} is 0, {@code sigmoid(+inf)} is 1.
     *
     * @param x the argument
     * @return the logistic function of {@code x}
     */
    public static float sigmoid(float x) {
        float e = Exp.exp(-Math.abs(x));
        return (x < 0f ? e : 1f) / (e + 1f);
    }

    /**
     * Computes {@code ys[yOff + i] = sigmoid(xs[xOff + i])} for {@code i < n}, bit-identical to
     * {@link #sigmoid(float)}. The arrays may be the same at the same offset.
     *
     * <p>The exponential is {@link Exp}'s shortcut for normal results, repeated here rather than
     * called: a vector passed to a method C2 does not inline is boxed on the heap, and a separate
     * exp pass over a buffer would leave the division with nothing to overlap with. A vector with
     * a lane beyond the shortcut's range (|x| above 86.5, where the result is subnormal, or NaN)
     * is rare and goes lane by lane through {@link #sigmoid(float)}.
     */
    static void range(float[] xs, int xOff, float[] ys, int yOff, int n) {
        FloatVector c2 = FloatVector.broadcast(S, Exp.C2);
        FloatVector c3 = FloatVector.broadcast(S, Exp.C3);
        FloatVector c4 = FloatVector.broadcast(S, Exp.C4);
        FloatVector c5 = FloatVector.broadcast(S, Exp.C5);
        FloatVector c6 = FloatVector.broadcast(S, Exp.C6);
        FloatVector ln2Hi = FloatVector.broadcast(S, -Exp.LN2_HI);
        FloatVector ln2Lo = FloatVector.broadcast(S, -Exp.LN2_LO);
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector x = FloatVector.fromArray(S, xs, xOff + i);
            FloatVector a = x.abs().neg();
            if (!a.compare(VectorOperators.GE, Exp.NORMAL_LOW).allTrue()) {
                for (int j = i; j < i + L; j++) {
                    ys[yOff + j] = sigmoid(xs[xOff + j]);
                }
                continue;
            }
            FloatVector k = a.fma(Exp.LOG2E, Exp.ROUNDER);
            FloatVector nf = k.sub(Exp.ROUNDER);
            FloatVector r = nf.fma(ln2Lo, nf.fma(ln2Hi, a));
            FloatVector p = c6.fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2).fma(r, one).fma(r, one);
            // through constant species, not reinterpretAs*: see Erf
            FloatVector e = (FloatVector) ((IntVector) p.reinterpretShape(IS, 0))
                    .add(((IntVector) k.reinterpretShape(IS, 0)).lanewise(VectorOperators.LSHL, Exp.MANTISSA_BITS))
                    .reinterpretShape(S, 0);
            one.blend(e, x.lt(0f)).div(e.add(one)).intoArray(ys, yOff + i);
        }
        for (; i < n; i++) {
            ys[yOff + i] = sigmoid(xs[xOff + i]);
        }
    }
}
