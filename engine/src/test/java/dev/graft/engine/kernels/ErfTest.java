package dev.graft.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ErfTest {

    private static final double TOLERANCE = 1e-6;

    /**
     * erf in double precision from the everywhere-convergent series
     * {@code erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1))}, whose terms are
     * all positive, so it does not cancel; past |x| = 6 erf is 1 to 1e-17.
     */
    static double reference(double x) {
        double ax = Math.abs(x);
        if (ax > 6) {
            return Math.signum(x);
        }
        double term = ax;
        double sum = ax;
        double x2 = ax * ax;
        for (int n = 1; term > sum * 1e-17; n++) {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
        }
        return Math.copySign(2 / Math.sqrt(Math.PI) * Math.exp(-x2) * sum, x);
    }

    /**
     * Relative error. A subnormal result cannot carry a relative accuracy of 1e-6 (its spacing is
     * fixed at {@link Float#MIN_VALUE}), so there it only has to be within one spacing.
     */
    private static double error(float got, double exact) {
        double diff = Math.abs(got - exact);
        if (Math.abs(exact) < Float.MIN_NORMAL) {
            return diff <= Float.MIN_VALUE ? 0 : Double.POSITIVE_INFINITY;
        }
        return diff / Math.abs(exact);
    }

    @Test
    void referenceSeriesAgreesWithKnownValues() {
        // erf(1) and erf(0.5) to 16 digits (Abramowitz and Stegun, table 7.1).
        assertEquals(0.8427007929497149, reference(1), 1e-15);
        assertEquals(0.5204998778130465, reference(0.5), 1e-15);
        assertEquals(1 - 1.541725790028002e-8, reference(4), 1e-15);
    }

    @Test
    void relativeErrorBelowOneMillionthAcrossTheFloatRange() {
        double worst = 0;
        float worstAt = 0;
        // Every 257th positive float: all binades from the smallest subnormal to the largest float.
        for (long bits = 0; bits < 0x7f800000L; bits += 257) {
            float x = Float.intBitsToFloat((int) bits);
            double e = error(Erf.erf(x), reference(x));
            if (e > worst) {
                worst = e;
                worstAt = x;
            }
        }
        // Densely where both pieces live and meet: [0, 4.5] in steps of 2^-18.
        for (int i = 0; i <= 4.5 * (1 << 18); i++) {
            float x = i * 0x1p-18f;
            double e = error(Erf.erf(x), reference(x));
            if (e > worst) {
                worst = e;
                worstAt = x;
            }
        }
        assertTrue(worst <= TOLERANCE, "max relative error " + worst + " at x = " + worstAt);
    }

    @Test
    void oddSaturatingAndNaNPropagating() {
        for (float x : new float[] {0.1f, 0.99999994f, 1f, 1.5f, 3.9f, 1e-30f, Float.MIN_VALUE}) {
            assertEquals(-Erf.erf(x), Erf.erf(-x), "odd at " + x);
        }
        assertEquals(1f, Erf.erf(4f));
        assertEquals(1f, Erf.erf(1e30f));
        assertEquals(1f, Erf.erf(Float.POSITIVE_INFINITY));
        assertEquals(-1f, Erf.erf(Float.NEGATIVE_INFINITY));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Erf.erf(-0f)));
        assertTrue(Float.isNaN(Erf.erf(Float.NaN)));
    }

    @Test
    void vectorPathIsBitIdenticalToScalarAndHonoursOffsets() {
        int n = 1000;
        float[] x = new float[n + 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i - 500) * 0.0123f;
        }
        x[7] = Float.NaN;
        x[8] = Float.NEGATIVE_INFINITY;
        x[9] = -0f;
        float[] y = new float[n + 3];
        y[0] = 42f;
        Erf.apply(x, 5, y, 1, n - 1);
        assertEquals(42f, y[0]);
        assertEquals(0f, y[n]);
        for (int i = 0; i < n - 1; i++) {
            assertEquals(Float.floatToIntBits(Erf.erf(x[5 + i])), Float.floatToIntBits(y[1 + i]), "at " + i);
        }
        float[] big = new float[100_003];
        for (int i = 0; i < big.length; i++) {
            big[i] = (i - 50_000) * 1e-4f;
        }
        float[] expected = new float[big.length];
        for (int i = 0; i < big.length; i++) {
            expected[i] = Erf.erf(big[i]);
        }
        Erf.apply(big, 0, big, 0, big.length);
        for (int i = 0; i < big.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(big[i]), "in place at " + i);
        }
    }

    @Test
    void geluIsTheComposedOpsBitForBit() {
        // x * (erf(x / 1.4142135) + 1) * 0.5 as five separate float operations, Erf.apply in the
        // middle: the fused pass must give the same bits, vector lanes, scalar tail, in place and
        // over several parallel chunks, for ordinary, large, tiny and special arguments.
        float[] x = new float[70_013];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i - 35_000) * 3e-4f;
        }
        x[3] = Float.NaN;
        x[4] = Float.POSITIVE_INFINITY;
        x[5] = Float.NEGATIVE_INFINITY;
        x[6] = -0f;
        x[7] = Float.MIN_VALUE;
        x[8] = 1e30f;
        x[9] = -7.5f;
        float[] t = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            t[i] = x[i] / 1.4142135f;
        }
        Erf.apply(t, 0, t, 0, t.length);
        float[] expected = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            expected[i] = x[i] * (t[i] + 1f) * 0.5f;
        }
        float[] y = new float[x.length + 2];
        Erf.gelu(x, 1, y, 2, x.length - 1);
        float[] inPlace = x.clone();
        Erf.gelu(inPlace, 0, inPlace, 0, inPlace.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(inPlace[i]), "in place at " + i);
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(Erf.gelu(x[i])), "scalar at " + i);
            if (i > 0) {
                assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(y[i + 1]), "offset at " + i);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Erf.gelu(x, 1, y, 0, x.length));
    }

    @Test
    void rejectsRangesThatDoNotFit() {
        float[] x = new float[4];
        assertThrows(IllegalArgumentException.class, () -> Erf.apply(x, 1, x, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> Erf.apply(x, 0, new float[3], 0, 4));
        assertThrows(IllegalArgumentException.class, () -> Erf.apply(x, 0, x, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> Erf.apply(x, -1, x, 0, 1));
    }
}
