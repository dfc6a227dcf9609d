package dev.graft.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import jdk.incubator.vector.FloatVector;

/**
 * Runs an elementary-function kernel ({@link UnaryKernel#apply}, so vector loops and scalar tails)
 * over many floats, asserts that every result is bit-identical to the scalar twin
 * ({@link UnaryKernel#scalar}), and records the largest error against a double-precision
 * reference from {@link StrictMath}, in units in the last place of the correctly rounded result.
 * NaN and infinite results must match the reference's exactly.
 */
final class ElementarySweep {

    private static final int CHUNK = 4099;

    private final UnaryKernel.Op op;
    private final DoubleUnaryOperator exact;
    private final float[] xs = new float[CHUNK];
    private final float[] ys = new float[CHUNK];
    private int pending;
    private double worst;
    private float worstAt;
    private long count;

    ElementarySweep(UnaryKernel.Op op, DoubleUnaryOperator exact) {
        this.op = op;
        this.exact = exact;
    }

    /** Every {@code step}-th bit pattern of all 2^32, so every binade of both signs, NaNs included. */
    ElementarySweep everyNth(int step) {
        for (long bits = 0; bits <= 0xffffffffL; bits += step) {
            add(Float.intBitsToFloat((int) bits));
        }
        return this;
    }

    /** The {@code radius} floats on either side of {@code center}, and {@code center}, one by one. */
    ElementarySweep around(float center, int radius) {
        int bits = Float.floatToRawIntBits(center);
        for (int d = -radius; d <= radius; d++) {
            add(Float.intBitsToFloat(bits + d));
        }
        return this;
    }

    /** @return the largest error seen, in ulps */
    double worst() {
        flush();
        return worst;
    }

    /** @return a description of the largest error, for assertion messages */
    String report() {
        return op + ": max error " + worst() + " ulp at x = " + worstAt + " over " + count + " arguments";
    }

    private void add(float x) {
        xs[pending++] = x;
        if (pending == CHUNK) {
            flush();
        }
    }

    private void flush() {
        // CHUNK is odd, so every full chunk ends in a scalar tail.
        UnaryKernel.apply(op, xs, 0, ys, 0, pending);
        for (int i = 0; i < pending; i++) {
            float x = xs[i];
            float y = ys[i];
            assertEquals(Float.floatToIntBits(UnaryKernel.scalar(op, x)), Float.floatToIntBits(y),
                    () -> op + ": vector and scalar differ at x = " + x);
            double e = ulpError(y, exact.applyAsDouble(x));
            if (e > worst) {
                worst = e;
                worstAt = x;
            }
        }
        count += pending;
        pending = 0;
    }

    /**
     * Runs {@code op} on every length from 1 to five vectors' worth, at several input and output
     * offsets and in place, over arguments drawn from [lo, hi] with special values sprinkled in
     * (so that some vectors hold one odd lane), and asserts every result is bit-identical to the
     * scalar twin: vector lanes and scalar tails must agree wherever an element falls.
     */
    static void assertVectorMatchesScalarAtEveryLengthAndOffset(UnaryKernel.Op op, float lo, float hi) {
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
            Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f};
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        SplittableRandom random = new SplittableRandom(lanes);
        for (int n = 1; n <= 5 * lanes; n++) {
            for (int inOff = 0; inOff < 3; inOff++) {
                float[] x = new float[inOff + n];
                for (int i = 0; i < x.length; i++) {
                    x[i] = random.nextInt(13) == 0
                            ? specials[random.nextInt(specials.length)]
                            : (float) (lo + (hi - lo) * random.nextDouble());
                }
                for (int outOff = 0; outOff < 2; outOff++) {
                    float[] y = new float[outOff + n + 1];
                    y[y.length - 1] = 42f;
                    UnaryKernel.apply(op, x, inOff, y, outOff, n);
                    for (int i = 0; i < n; i++) {
                        int at = i;
                        int length = n;
                        assertEquals(Float.floatToIntBits(UnaryKernel.scalar(op, x[inOff + i])),
                                Float.floatToIntBits(y[outOff + i]),
                                () -> op + ": element " + at + " of " + length + " differs from the scalar twin");
                    }
                    assertEquals(42f, y[y.length - 1], op + ": wrote past the end");
                }
                float[] inPlace = x.clone();
                UnaryKernel.apply(op, inPlace, inOff, inPlace, inOff, n);
                for (int i = 0; i < n; i++) {
                    assertEquals(Float.floatToIntBits(UnaryKernel.scalar(op, x[inOff + i])),
                            Float.floatToIntBits(inPlace[inOff + i]), op + ": in place, element " + i);
                }
            }
        }
    }

    /**
     * Error of {@code got} against {@code exact} in ulps of the float nearest {@code exact} (the
     * subnormal spacing below the normal range); infinite unless NaN and infinities match exactly.
     */
    static double ulpError(float got, double exact) {
        float rounded = (float) exact;
        if (Float.isNaN(rounded) || Float.isInfinite(rounded) || Float.isNaN(got) || Float.isInfinite(got)) {
            return Float.floatToIntBits(rounded) == Float.floatToIntBits(got) ? 0 : Double.POSITIVE_INFINITY;
        }
        return Math.abs(got - exact) / Math.ulp(rounded);
    }
}
