package dev.graft.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogTest {

    @Test
    void withinOneUlpAcrossTheFloatRange() {
        ElementarySweep s = new ElementarySweep(UnaryKernel.Op.LOG, StrictMath::log).everyNth(257)
                // near 1, where the result must keep its relative accuracy as it goes to 0; at
                // the sqrt(2) split of the mantissa; at the subnormal boundary; near the top
                .around(1f, 1 << 18).around(0.70710677f, 1 << 14).around(1.4142135f, 1 << 14)
                .around(Float.MIN_NORMAL, 1 << 14).around(Float.MIN_VALUE * 1000, 1000).around(Float.MAX_VALUE, 1000);
        assertTrue(s.worst() < 1.0, s.report());
    }

    @Test
    void specialValues() {
        assertTrue(Float.isNaN(Log.log(Float.NaN)));
        assertTrue(Float.isNaN(Log.log(-1f)));
        assertTrue(Float.isNaN(Log.log(-Float.MIN_VALUE)));
        assertTrue(Float.isNaN(Log.log(Float.NEGATIVE_INFINITY)));
        assertEquals(Float.NEGATIVE_INFINITY, Log.log(0f));
        assertEquals(Float.NEGATIVE_INFINITY, Log.log(-0f));
        assertEquals(Float.POSITIVE_INFINITY, Log.log(Float.POSITIVE_INFINITY));
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(Log.log(1f)));
        // Subnormal arguments keep full accuracy.
        for (float x : new float[] {Float.MIN_VALUE, 1e-40f, Float.MIN_NORMAL, Float.MAX_VALUE}) {
            assertTrue(ElementarySweep.ulpError(Log.log(x), StrictMath.log(x)) < 1, "log(" + x + ")");
        }
    }

    @Test
    void vectorLanesAndScalarTailsAgreeBitForBit() {
        ElementarySweep.assertVectorMatchesScalarAtEveryLengthAndOffset(UnaryKernel.Op.LOG, 0f, 1000f);
        ElementarySweep.assertVectorMatchesScalarAtEveryLengthAndOffset(UnaryKernel.Op.LOG, 0.5f, 2f);
    }
}
