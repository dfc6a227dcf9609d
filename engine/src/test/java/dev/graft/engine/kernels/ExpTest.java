package dev.graft.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExpTest {

    private static ElementarySweep sweep() {
        return new ElementarySweep(UnaryKernel.Op.EXP, StrictMath::exp);
    }

    @Test
    void withinOneUlpAcrossTheFloatRange() {
        ElementarySweep s = sweep().everyNth(257)
                .around(0f, 1 << 16).around(1f, 1 << 16).around(-1f, 1 << 16)
                // where the result overflows, turns subnormal, underflows to 0, and where the
                // vector loop's one-step scaling ends
                .around(88.72284f, 1 << 12).around(-87.33655f, 1 << 12).around(-103.97208f, 1 << 12)
                .around(-86.5f, 1 << 12).around(88.3f, 1 << 12);
        assertTrue(s.worst() < 1.0, s.report());
    }

    @Test
    void specialValues() {
        assertTrue(Float.isNaN(Exp.exp(Float.NaN)));
        assertEquals(Float.POSITIVE_INFINITY, Exp.exp(Float.POSITIVE_INFINITY));
        assertEquals(0f, Exp.exp(Float.NEGATIVE_INFINITY));
        assertEquals(1f, Exp.exp(0f));
        assertEquals(1f, Exp.exp(-0f));
        assertEquals(Float.POSITIVE_INFINITY, Exp.exp(89f));
        assertEquals(Float.POSITIVE_INFINITY, Exp.exp(Float.MAX_VALUE));
        assertEquals(0f, Exp.exp(-104f));
        assertEquals(0f, Exp.exp(-Float.MAX_VALUE));
        // Gradual underflow, as PyTorch and C's expf have it: the correctly rounded subnormal.
        assertEquals((float) StrictMath.exp(-100f), Exp.exp(-100f));
        assertEquals(Float.MIN_VALUE, Exp.exp(-103.5f));
        assertTrue(ElementarySweep.ulpError(Exp.exp(88.7f), StrictMath.exp(88.7f)) < 1, "just below overflow");
    }

    @Test
    void vectorLanesAndScalarTailsAgreeBitForBit() {
        ElementarySweep.assertVectorMatchesScalarAtEveryLengthAndOffset(UnaryKernel.Op.EXP, -110f, 95f);
        ElementarySweep.assertVectorMatchesScalarAtEveryLengthAndOffset(UnaryKernel.Op.EXP, -3f, 3f);
    }
}
