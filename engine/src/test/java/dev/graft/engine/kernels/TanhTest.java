package dev.graft.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TanhTest {

    @Test
    void withinTwoUlpAcrossTheFloatRange() {
        ElementarySweep s = new ElementarySweep(UnaryKernel.Op.TANH, StrictMath::tanh).everyNth(257)
                // where the polynomial hands over to the exponential form, on both sides of 0;
                // near 0; where the result reaches 1
                .around(0.5625f, 1 << 16).around(-0.5625f, 1 << 16).around(0f, 1 << 12)
                .around(9.01f, 1 << 12).around(44f, 1 << 10);
        assertTrue(s.worst() < 2.0, s.report());
    }

    @Test
    void specialValues() {
        assertTrue(Float.isNaN(Tanh.tanh(Float.NaN)));
        assertEquals(1f, Tanh.tanh(Float.POSITIVE_INFINITY));
        assertEquals(-1f, Tanh.tanh(Float.NEGATIVE_INFINITY));
        assertEquals(1f, Tanh.tanh(10f));
        assertEquals(-1f, Tanh.tanh(-1e30f));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Tanh.tanh(-0f)));
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(Tanh.tanh(0f)));
        assertEquals(Float.MIN_VALUE, Tanh.tanh(Float.MIN_VALUE));
        for (float x : new float[] {1e-3f, 0.3f, 0.5625f, 0.7f, 3f, 20f, 50f}) {
            assertEquals(-Tanh.tanh(x), Tanh.tanh(-x), "odd at " + x);
        }
    }

    @Test
    void vectorLanesAndScalarTailsAgreeBitForBit() {
        ElementarySweep.assertVectorMatchesScalarAtEveryLengthAndOffset(UnaryKernel.Op.TANH, -60f, 60f);
        ElementarySweep.assertVectorMatchesScalarAtEveryLengthAndOffset(UnaryKernel.Op.TANH, -1f, 1f);
    }
}
