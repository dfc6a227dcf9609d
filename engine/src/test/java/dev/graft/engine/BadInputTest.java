package dev.graft.engine;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad input must fail at the op's entry with a message naming the op and the shapes. */
class BadInputTest {

    private static void fails(Class<? extends RuntimeException> type, Executable call, String... mentions) {
        RuntimeException e = assertThrows(type, call);
        for (String m : mentions) {
            assertTrue(e.getMessage().contains(m), "message '" + e.getMessage() + "' should mention '" + m + "'");
        }
    }

    @Test
    void shapeMismatches() {
        Tensor a = Tensor.ones(2, 3);
        fails(IllegalArgumentException.class, () -> a.add(Tensor.ones(4)), "add", "[2, 3]", "[4]");
        fails(IllegalArgumentException.class, () -> a.mul(Tensor.ones(3, 3)), "mul", "[3, 3]");
        fails(IllegalArgumentException.class, () -> a.lt(Tensor.ones(2)), "lt");
        fails(IllegalArgumentException.class, () -> Tensor.where(Tensor.ones(5).gt(Tensor.scalar(0f)), a, a), "where");
        fails(IllegalArgumentException.class, () -> a.reshape(4, 2), "reshape", "[2, 3]", "[4, 2]");
        fails(IllegalArgumentException.class, () -> a.reshape(-1, -1), "reshape", "-1");
        fails(IllegalArgumentException.class, () -> a.expand(4, 3), "expand", "[2, 3]", "[4, 3]");
        fails(IllegalArgumentException.class, () -> Tensor.concat(0, a, Tensor.ones(2, 4)), "concat", "[2, 4]");
        fails(IllegalArgumentException.class, () -> a.split(1, 1, 1), "split", "3");
        fails(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3), "Tensor.of", "[2, 3]");
        fails(IllegalArgumentException.class, () -> a.pad(new int[] {1, 1}, PadMode.CONSTANT, 0f), "pad", "rank 2");
        fails(IllegalArgumentException.class, () -> a.pad(new int[] {0, 3, 0, 0}, PadMode.REFLECT, 0f), "pad", "REFLECT");
        fails(IllegalArgumentException.class, () -> a.squeeze(0), "squeeze", "[2, 3]");
        fails(IllegalArgumentException.class, () -> Tensor.zeros(1 << 16, 1 << 16), "more than");
    }

    @Test
    void badAxesAndIndices() {
        Tensor a = Tensor.ones(2, 3);
        fails(IllegalArgumentException.class, () -> a.sum(new int[] {2}, false), "sum", "axis 2", "rank 2");
        fails(IllegalArgumentException.class, () -> a.sum(new int[] {1, -1}, false), "sum", "twice");
        fails(IllegalArgumentException.class, () -> a.softmax(-3), "softmax", "axis -3");
        fails(IllegalArgumentException.class, () -> a.permute(0, 0), "permute");
        fails(IllegalArgumentException.class, () -> a.transpose(0, 5), "transpose");
        fails(IllegalArgumentException.class, () -> a.slice(0, 0, 1, 0), "slice", "step");
        fails(IndexOutOfBoundsException.class, () -> a.gather(1, LongTensor.of(new long[] {3}, 1)), "gather", "3", "size 3");
        fails(IndexOutOfBoundsException.class, () -> a.gather(0, LongTensor.of(new long[] {-3}, 1)), "gather", "-3");
        fails(IndexOutOfBoundsException.class, () -> a.get(2, 0), "get", "[2, 0]", "[2, 3]");
        fails(IllegalArgumentException.class, () -> a.indexSelect(0, LongTensor.of(new long[] {0, 1}, 1, 2)), "indexSelect", "1-D");
        fails(IllegalArgumentException.class, () -> Tensor.zeros(2, 0).max(new int[] {1}, false), "max", "empty");
        fails(IllegalArgumentException.class, () -> a.clamp(1f, 0f), "clamp");
        fails(ArithmeticException.class, () -> Tensor.scalar(Float.NaN).toLong(), "toLong", "NaN");
    }
}
