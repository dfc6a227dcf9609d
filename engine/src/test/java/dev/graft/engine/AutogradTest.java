package dev.graft.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AutogradTest {

    @Test
    void gradientsAccumulateAcrossBackwardCalls() {
        Tensor x = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        x.mul(3f).sum().backward();
        x.mul(3f).sum().backward();
        assertArrayEquals(new float[] {6, 6}, x.grad().toArray());
        x.zeroGrad();
        assertNull(x.grad());
    }

    @Test
    void intermediateGradientsAreFreedUnlessRetained() {
        Tensor x = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        Tensor h = x.mul(x);
        Tensor kept = x.exp().retainGrad();
        h.add(kept).sum().backward();
        assertNull(h.grad());
        assertArrayEquals(new float[] {1, 1}, kept.grad().toArray());
    }

    @Test
    void noGradScopeRecordsNothing() {
        Tensor x = Tensor.ones(3).requiresGrad(true);
        Tensor y;
        try (var ignored = GradMode.noGrad()) {
            y = x.mul(2f).exp();
            assertFalse(GradMode.isEnabled());
        }
        assertTrue(GradMode.isEnabled());
        assertFalse(y.requiresGrad());
        assertNull(y.node());
    }

    @Test
    void opsOnFrozenInputsRecordNothing() {
        Tensor frozen = Tensor.randn(1, 4, 4);
        Tensor y = frozen.exp().sum(new int[] {0}, false).tanh();
        assertFalse(y.requiresGrad());
        assertNull(y.node());
        Tensor trainable = Tensor.randn(2, 4).requiresGrad(true);
        Tensor z = y.mul(trainable);
        assertNotNull(z.node());
        z.sum().backward();
        assertNotNull(trainable.grad());
    }

    @Test
    void sharedSubexpressionsSumTheirGradients() {
        Tensor x = Tensor.scalar(3f).requiresGrad(true);
        Tensor y = x.mul(x).add(x.mul(x)); // 2x^2
        y.backward();
        assertEquals(12f, x.grad().item(), 1e-6);
    }

    @Test
    void deepChainsDoNotOverflowTheStack() {
        Tensor x = Tensor.scalar(1f).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 20_000; i++) {
            y = y.add(1e-4f);
        }
        y.backward();
        assertEquals(1f, x.grad().item(), 0f);
    }

    @Test
    void misuseGetsClearErrors() {
        Tensor x = Tensor.ones(2, 2).requiresGrad(true);
        Tensor y = x.mul(2f);
        IllegalStateException notScalar = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(notScalar.getMessage().contains("[2, 2]"), notScalar.getMessage());
        assertThrows(IllegalStateException.class, () -> y.requiresGrad(false));
        assertThrows(IllegalStateException.class, () -> Tensor.ones(1).backward());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> y.backward(Tensor.ones(3)));
        assertTrue(shape.getMessage().contains("[3]"), shape.getMessage());
    }

    @Test
    void detachCutsTheTape() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        Tensor d = x.mul(2f).detach();
        assertFalse(d.requiresGrad());
        assertArrayEquals(new float[] {2, 2}, d.toArray());
    }

    @Test
    void fullReductionsOfLargeTensorsSplitTheRowAndStayExact() {
        int n = 200_003;
        float[] v = new float[n];
        double sum = 0;
        float max = Float.NEGATIVE_INFINITY;
        float min = Float.POSITIVE_INFINITY;
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
            sum += v[i];
            max = Math.max(max, v[i]);
            min = Math.min(min, v[i]);
        }
        Tensor t = Tensor.of(v, n);
        assertEquals(sum, t.sum().item(), 1e-5 * n);
        assertEquals(sum / n, t.mean().item(), 1e-6);
        assertEquals(max, t.max().item(), 0f);
        assertEquals(min, t.min().item(), 0f);
        v[n - 5] = Float.NaN;
        assertTrue(Float.isNaN(Tensor.of(v, n).max().item()));
    }
}
