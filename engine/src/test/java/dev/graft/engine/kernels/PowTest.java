package dev.graft.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class PowTest {

    private static final float[] SPECIAL = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
        1f, -1f, 2f, -2f, 0.5f, -0.5f, 3f, -3f, 1.5f, -7.25f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL,
        Float.MAX_VALUE, -Float.MAX_VALUE, 0x1p24f, 0x1p24f + 2, -0x1p24f, 1e10f, -1e10f, 0.999999f, 1.000001f};

    @Test
    void correctlyRoundedButForRareNearTies() {
        SplittableRandom random = new SplittableRandom(7);
        double worst = 0;
        String worstAt = "";
        for (int i = 0; i < 2_000_000; i++) {
            // Bases over the whole positive range, exponents small and large, whole and fractional.
            float x = (float) Math.exp(random.nextDouble(-103, 88));
            float y = switch (i % 4) {
                case 0 -> (float) random.nextDouble(-4, 4);
                case 1 -> (float) random.nextDouble(-60, 60);
                case 2 -> random.nextInt(-40, 41);
                default -> (float) (random.nextDouble(-1, 1) * 1e6 / Math.max(1, Math.abs(Math.log(x)) * 1e4));
            };
            if (random.nextInt(8) == 0 && y == Math.rint(y)) {
                x = -x;
            }
            double e = ElementarySweep.ulpError(Pow.pow(x, y), StrictMath.pow(x, y));
            if (e > worst) {
                worst = e;
                worstAt = x + "^" + y;
            }
        }
        assertTrue(worst < 0.51, "max error " + worst + " ulp at " + worstAt);
    }

    @Test
    void specialValuesAndExactCasesAsStrictMath() {
        for (float x : SPECIAL) {
            for (float y : SPECIAL) {
                assertEquals(Float.floatToIntBits((float) StrictMath.pow(x, y)), Float.floatToIntBits(Pow.pow(x, y)),
                        "pow(" + x + ", " + y + ")");
            }
        }
        assertEquals(1024f, Pow.pow(2f, 10f));
        assertEquals(2f, Pow.pow(4f, 0.5f));
        assertEquals(-27f, Pow.pow(-3f, 3f));
        assertEquals(0.25f, Pow.pow(-2f, -2f));
        assertEquals(1.1f, Pow.pow(1.1f, 1f));
        assertTrue(Float.isNaN(Pow.pow(-2f, 0.5f)));
    }

    @Test
    void squaresAreProductsAsInFdlibm() {
        for (long bits = 0; bits <= 0xffffffffL; bits += 65_537) {
            float x = Float.intBitsToFloat((int) bits);
            assertEquals(Float.floatToIntBits(x * x), Float.floatToIntBits(Pow.pow(x, 2f)), "x = " + x);
            assertEquals(Float.floatToIntBits(x * x), Float.floatToIntBits((float) StrictMath.pow(x, 2)), "x = " + x);
        }
    }

    /** Every length up to five vectors, each operand contiguous or broadcast, special values sprinkled in. */
    @Test
    void vectorLanesAndScalarTailsAgreeBitForBit() {
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        SplittableRandom random = new SplittableRandom(lanes);
        for (int n = 1; n <= 5 * lanes; n++) {
            float[] a = new float[n + 1];
            float[] b = new float[n + 1];
            for (int i = 0; i < a.length; i++) {
                a[i] = random.nextInt(9) == 0 ? SPECIAL[random.nextInt(SPECIAL.length)] : (float) random.nextDouble(0, 5);
                b[i] = random.nextInt(9) == 0 ? SPECIAL[random.nextInt(SPECIAL.length)] : (float) random.nextDouble(-6, 6);
            }
            for (int sa = 0; sa <= 1; sa++) {
                for (int sb = 0; sb <= 1; sb++) {
                    for (float b0 : new float[] {b[1], 2f}) {
                        b[1] = sb == 0 ? b0 : b[1];
                        float[] out = new float[n + 2];
                        BinaryKernel.row(BinaryKernel.Op.POW, a, 1, sa, b, 1, sb, out, 1, n);
                        for (int i = 0; i < n; i++) {
                            float x = a[1 + i * sa];
                            float y = b[1 + i * sb];
                            assertEquals(Float.floatToIntBits(Pow.pow(x, y)), Float.floatToIntBits(out[1 + i]),
                                    "pow(" + x + ", " + y + "), element " + i + " of " + n);
                        }
                        assertEquals(0f, out[0]);
                        assertEquals(0f, out[n + 1]);
                    }
                }
            }
        }
    }
}
