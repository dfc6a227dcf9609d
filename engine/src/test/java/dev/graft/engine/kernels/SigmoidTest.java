package dev.graft.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SigmoidTest {

    /** The logistic function in double; 1 + e^-x does not cancel, so this is good to a few double ulps. */
    private static double exact(double x) {
        return 1 / (1 + StrictMath.exp(-x));
    }

    @Test
    void withinThreeUlpAcrossTheFloatRange() {
        ElementarySweep s = new ElementarySweep(UnaryKernel.Op.SIGMOID, SigmoidTest::exact).everyNth(257)
                // near 0, where the two forms meet; where the result turns subnormal and where
                // the vector loop leaves its shortcut; where it rounds to 1
                .around(0f, 1 << 14).around(-87.33655f, 1 << 12).around(-86.5f, 1 << 12)
                .around(-103.97208f, 1 << 12).around(17f, 1 << 12);
        assertTrue(s.worst() < 3.0, s.report());
    }

    @Test
    void specialValues() {
        assertTrue(Float.isNaN(Sigmoid.sigmoid(Float.NaN)));
        assertEquals(1f, Sigmoid.sigmoid(Float.POSITIVE_INFINITY));
        assertEquals(0f, Sigmoid.sigmoid(Float.NEGATIVE_INFINITY));
        assertEquals(0.5f, Sigmoid.sigmoid(0f));
        assertEquals(0.5f, Sigmoid.sigmoid(-0f));
        assertEquals(1f, Sigmoid.sigmoid(100f));
        // No overflow of e^-x on the negative side: tiny results keep their value.
        assertEquals((float) exact(-100), Sigmoid.sigmoid(-100f));
        assertTrue(Sigmoid.sigmoid(-100f) > 0f);
        assertEquals(0f, Sigmoid.sigmoid(-110f));
    }

    @Test
    void vectorLanesAndScalarTailsAgreeBitForBit() {
        ElementarySweep.assertVectorMatchesScalarAtEveryLengthAndOffset(UnaryKernel.Op.SIGMOID, -120f, 120f);
        ElementarySweep.assertVectorMatchesScalarAtEveryLengthAndOffset(UnaryKernel.Op.SIGMOID, -5f, 5f);
    }
}
