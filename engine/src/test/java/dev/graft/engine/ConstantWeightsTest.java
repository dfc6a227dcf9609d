package dev.graft.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Convolution weights that do not require grad are packed once and kept with their tensor; these
 * tests check that the kept form never stands in for other values or another shape.
 */
class ConstantWeightsTest {

    private static final Conv2dSpec SPEC = Conv2dSpec.of(1, 1, 1, 1);

    @Test
    void keptWeightsGiveTheSameOutputAsWeightsPackedOnEveryCall() {
        Tensor x = Tensor.randn(1, 2, 8, 9, 9);
        Tensor w = Tensor.randn(2, 12, 8, 3, 3);
        Tensor trainable = w.detach().requiresGrad(true);
        float[] expected;
        try (var noGrad = GradMode.noGrad()) {
            expected = x.conv2d(trainable, null, SPEC).toArray();
        }
        float[] first = x.conv2d(w, null, SPEC).toArray();
        float[] second = x.conv2d(w, null, SPEC).toArray();
        assertArrayEquals(expected, first);
        assertArrayEquals(expected, second);
    }

    @Test
    void aTensorWithOtherValuesIsPackedAfresh() {
        Tensor x = Tensor.randn(3, 2, 8, 9, 9);
        Tensor w = Tensor.randn(4, 12, 8, 3, 3);
        Tensor other = w.mul(-0.5f);
        float[] a = x.conv2d(w, null, SPEC).toArray();
        float[] b = x.conv2d(other, null, SPEC).toArray();
        assertFalse(Arrays.equals(a, b), "the second weights reused the first ones' packed form");
        float[] expected = x.conv2d(other.detach().requiresGrad(true), null, SPEC).toArray();
        assertArrayEquals(expected, b);
    }

    @Test
    void oneWeightTensorServesInputsOfEverySize() {
        Tensor w = Tensor.randn(5, 6, 4, 3, 3);
        for (int size : new int[] {5, 12, 7}) {
            Tensor x = Tensor.randn(size, 3, 4, size, size + 1);
            float[] kept = x.conv2d(w, null, SPEC).toArray();
            float[] fresh = x.conv2d(w.detach().requiresGrad(true), null, SPEC).toArray();
            assertArrayEquals(fresh, kept, "input " + size + "x" + (size + 1));
        }
    }

    @Test
    void groupedAndDepthwiseWeightsAreKeptPerShape() {
        Tensor x = Tensor.randn(6, 2, 8, 10, 10);
        Tensor grouped = Tensor.randn(7, 8, 4, 3, 3);
        Tensor depthwise = Tensor.randn(8, 8, 1, 3, 3);
        for (int round = 0; round < 2; round++) {
            assertArrayEquals(x.conv2d(grouped.detach().requiresGrad(true), null, Conv2dSpec.of(1, 1, 1, 2)).toArray(),
                    x.conv2d(grouped, null, Conv2dSpec.of(1, 1, 1, 2)).toArray());
            assertArrayEquals(x.conv2d(depthwise.detach().requiresGrad(true), null, Conv2dSpec.of(2, 1, 1, 8)).toArray(),
                    x.conv2d(depthwise, null, Conv2dSpec.of(2, 1, 1, 8)).toArray());
        }
    }

    @Test
    void nonContiguousWeightsAreKeptByTheirValues() {
        Tensor x = Tensor.randn(9, 1, 4, 6, 6);
        Tensor stored = Tensor.randn(10, 4, 5, 3, 3);
        Tensor w = stored.transpose(0, 1);
        float[] expected = x.conv2d(w.contiguous().requiresGrad(true), null, SPEC).toArray();
        assertArrayEquals(expected, x.conv2d(w, null, SPEC).toArray());
        assertArrayEquals(expected, x.conv2d(w, null, SPEC).toArray());
    }

    @Test
    void keptLinearWeightsGiveTheSameOutputAsWeightsPackedOnEveryCall() {
        Tensor x = Tensor.randn(11, 4, 100, 48);
        Tensor bias = Tensor.randn(12, 70);
        Tensor stored = Tensor.randn(13, 70, 48);
        for (Tensor w : new Tensor[] {Tensor.randn(14, 48, 70), stored.transpose(0, 1)}) {
            try (var noGrad = GradMode.noGrad()) {
                // A weight that requires grad is packed on every call: the reference.
                float[] expected = FusedOps.linear(x, w.contiguous().detach().requiresGrad(true), bias).toArray();
                assertArrayEquals(expected, FusedOps.linear(x, w, bias).toArray());
                assertArrayEquals(expected, FusedOps.linear(x, w, bias).toArray());
                float[] other = FusedOps.linear(x, w.mul(2f), bias).toArray();
                assertFalse(Arrays.equals(expected, other), "other weights reused the first ones' packed form");
            }
        }
    }
}
