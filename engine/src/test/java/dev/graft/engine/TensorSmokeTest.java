package dev.graft.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class TensorSmokeTest {
    @Test
    void broadcastAddAndBackward() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {10, 20, 30}, 3).requiresGrad(true);
        Tensor y = a.mul(b).add(a).sum();
        assertArrayEquals(new float[] {1 * 11 + 2 * 21 + 3 * 31 + 4 * 11 + 5 * 21 + 6 * 31}, y.toArray());
        y.backward();
        assertArrayEquals(new float[] {11, 21, 31, 11, 21, 31}, a.grad().toArray());
        assertArrayEquals(new float[] {5, 7, 9}, b.grad().toArray());
        Tensor t = a.detach().transpose(0, 1);
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, t.toArray());
        assertArrayEquals(new float[] {5, 7, 9}, t.sum(new int[] {1}, false).toArray());
        assertArrayEquals(new float[] {3, 6}, a.detach().max(new int[] {-1}, false).toArray());
    }
}
