package dev.graft.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The exponential function in single precision, written out so that its result is the same
 * wherever it runs. {@code lanewise(VectorOperators.EXP)} compiles to the JDK's SVML routine once
 * C2 has compiled the loop, but is computed through {@link Math#exp} before that, and the two
 * differ in the last bit: the same seeded training run would then give different weights
 * depending on when the JIT got to the kernel. Here the vector loop and the scalar
 * {@link #exp(float)} perform the same float operations in the same order (fused multiply-adds
 * included), so the interpreter, C1, C2, vector lanes and scalar tails, and JDK 17 and 25 all give
 * bit-identical results. The maximum error is about one ulp.
 *
 * <p>The method, Cody and Waite's: 0 below -104, where the result rounds to 0; clamp {@code x} to
 * at most 89, above which it overflows to infinity anyway; split {@code x = n ln2 + r} with {@code n} the
 * integer nearest {@code x / ln2} and {@code |r| <= ln2/2}, subtracting {@code n ln2} in two parts
 * ({@code n * LN2_HI} is exact, so {@code r} carries no cancellation error); evaluate
 * {@code exp(r)} as a degree-6 polynomial (minimax for relative error, fitted by
 * {@code scripts/kernels/fit_elementary.py}); multiply by {@code 2^n}. {@code 2^n} is applied as two
 * factors {@code 2^(n/2)} built from exponent bits: each is a normal float across the whole
 * range, the first product is exact, and the second rounds once, which yields infinity on
 * overflow and correctly rounded subnormals on gradual underflow. NaN stays NaN. The vector loop
 * takes a shortcut, with the same bits, for vectors whose results are all normal floats: no
 * clamping, and {@code 2^n} added to the exponent field in one step. {@link Sigmoid} and
 * {@link Tanh} repeat that shortcut inside their own loops, with these constants.
 */
public final class Exp {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** The int lanes of the same shape, for bit manipulation (see Erf on reinterpreting). */
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Below this, exp rounds to 0 (exp(-104) < Float.MIN_VALUE / 2). */
    private static final float LOWEST = -104f;
    /** Above this, exp overflows (exp(89) > Float.MAX_VALUE). */
    private static final float HIGHEST = 89f;
    /**
     * On [NORMAL_LOW, NORMAL_HIGH], n lies in [-125, 127] and the result is a normal float, so
     * {@code 2^n} can be applied in one step.
     */
    static final float NORMAL_LOW = -86.5f;
    static final float NORMAL_HIGH = 88.3f;

    static final float LOG2E = 1.44269504f;
    // ln2 = LN2_HI + LN2_LO; LN2_HI has 9 significant bits, so n * LN2_HI is exact for |n| <= 2^15.
    static final float LN2_HI = 0.693359375f;
    static final float LN2_LO = -2.12194440e-4f;

    // exp(r) = 1 + r (1 + r (C2 + r (C3 + r (C4 + r (C5 + r C6))))) on |r| <= ln2/2.
    static final float C2 = 0.4999999403953552f;
    static final float C3 = 0.16666516661643982f;
    static final float C4 = 0.041668280959129333f;
    static final float C5 = 0.008369247429072857f;
    static final float C6 = 0.0013820758322253823f;

    /** 1.5 * 2^23: adding it rounds a small float to an integer held in the low mantissa bits. */
    static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = 0x4b400000;
    /** The bits of 1.0f: adding {@code k << 23} to them gives {@code 2^k}. */
    private static final int ONE_BITS = 0x3f800000;
    static final int MANTISSA_BITS = 23;

    private Exp() {
    }

    /**
     * Returns {@code e^x}, within about one ulp, bit-identical to the vector kernel.
     * {@code exp(NaN)} is NaN, {@code exp(-inf)} is 0, {@code exp(+inf)} is {@code +inf}; results
     * beyond the float range are {@code +inf} or subnormal or 0, as rounding the exact value gives.
     *
     * @param x the argument
     * @return the exponential of {@code x}
     */
    public static float exp(float x) {
        if (x < LOWEST) {
            return 0f;
        }
        float a = x > HIGHEST ? HIGHEST : x;
        float k = Math.fma(a, LOG2E, ROUNDER);
        float n = k - ROUNDER;
        float r = Math.fma(n, -LN2_LO, Math.fma(n, -LN2_HI, a));
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(C6, r, C5), r, C4), r, C3), r, C2), r, 1f), r, 1f);
        int ni = Float.floatToRawIntBits(k) - ROUNDER_BITS;
        int half = ni >> 1;
        float scale1 = Float.intBitsToFloat((half << MANTISSA_BITS) + ONE_BITS);
        float scale2 = Float.intBitsToFloat(((ni - half) << MANTISSA_BITS) + ONE_BITS);
        return p * scale1 * scale2;
    }

    /**
     * Computes {@code ys[yOff + i] = exp(xs[xOff + i])} for {@code i < n}, vectors first, then a
     * scalar tail; bit-identical to {@link #exp(float)}. The arrays may be the same at the same
     * offset.
     */
    static void range(float[] xs, int xOff, float[] ys, int yOff, int n) {
        FloatVector c2 = FloatVector.broadcast(S, C2);
        FloatVector c3 = FloatVector.broadcast(S, C3);
        FloatVector c4 = FloatVector.broadcast(S, C4);
        FloatVector c5 = FloatVector.broadcast(S, C5);
        FloatVector c6 = FloatVector.broadcast(S, C6);
        FloatVector ln2Hi = FloatVector.broadcast(S, -LN2_HI);
        FloatVector ln2Lo = FloatVector.broadcast(S, -LN2_LO);
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector highest = FloatVector.broadcast(S, HIGHEST);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector x = FloatVector.fromArray(S, xs, xOff + i);
            // Nearly always every lane has a normal result: then clamping is a no-op and 2^n can be
            // added to the exponent bits in one step, exactly like the two factors; this saves a
            // third of the work. Both branches give the same bits, as does the scalar twin.
            boolean normal = x.compare(VectorOperators.GE, NORMAL_LOW).and(x.compare(VectorOperators.LE, NORMAL_HIGH))
                    .allTrue();
            FloatVector a = x;
            if (!normal) {
                // Lanes below LOWEST, whose result is 0, are computed from 0 and zeroed at the
                // end: letting the product underflow would cost a microcode assist on x86, and
                // masked-out softmax entries (-inf, -1e4) are common. Compare and blend rather
                // than max/min: Java's NaN and -0 rules for those cost extra instructions.
                a = x.blend(0f, x.lt(LOWEST));
                a = a.blend(highest, a.compare(VectorOperators.GT, HIGHEST));
            }
            FloatVector k = a.fma(LOG2E, ROUNDER);
            FloatVector nf = k.sub(ROUNDER);
            FloatVector r = nf.fma(ln2Lo, nf.fma(ln2Hi, a));
            FloatVector p = c6.fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2).fma(r, one).fma(r, one);
            // through constant species, not reinterpretAs*: see Erf
            IntVector kBits = (IntVector) k.reinterpretShape(IS, 0);
            FloatVector y;
            if (normal) {
                // The low bits of k hold n, so k << 23 is n << 23.
                y = (FloatVector) ((IntVector) p.reinterpretShape(IS, 0)).add(kBits.lanewise(VectorOperators.LSHL, MANTISSA_BITS))
                        .reinterpretShape(S, 0);
            } else {
                IntVector ni = kBits.sub(ROUNDER_BITS);
                IntVector half = ni.lanewise(VectorOperators.ASHR, 1);
                FloatVector scale1 = (FloatVector) half.lanewise(VectorOperators.LSHL, MANTISSA_BITS).add(ONE_BITS)
                        .reinterpretShape(S, 0);
                FloatVector scale2 = (FloatVector) ni.sub(half).lanewise(VectorOperators.LSHL, MANTISSA_BITS).add(ONE_BITS)
                        .reinterpretShape(S, 0);
                // The mask again rather than kept from above: a mask live across branches is boxed.
                y = p.mul(scale1).mul(scale2).blend(0f, x.lt(LOWEST));
            }
            y.intoArray(ys, yOff + i);
        }
        for (; i < n; i++) {
            ys[yOff + i] = exp(xs[xOff + i]);
        }
    }
}
