package dev.graft.onnx.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.engine.LongTensor;
import dev.graft.onnx.DataType;
import dev.graft.onnx.Value;
import org.junit.jupiter.api.Test;

/** Data movement on integer tensors, including sizes beyond float32's exact integers (2^24). */
class ValuesTest {

    @Test
    void transposeOfAnIntegerTensorLargerThanFloatPrecision() {
        int cols = (1 << 23) + 3;
        long[] data = new long[2 * cols];
        for (int i = 0; i < data.length; i++) {
            data[i] = i * 3L + 1;
        }
        Value v = Value.of(LongTensor.of(data, 2, cols));
        Value t = Values.move("Transpose", v, x -> x.permute(1, 0));
        assertArrayEquals(new int[] {cols, 2}, t.shape());
        long[] out = t.toLongArray();
        for (int r : new int[] {0, 1, cols / 2, cols - 2, cols - 1}) {
            assertEquals(data[r], out[2 * r], "row " + r + " column 0");
            assertEquals(data[cols + r], out[2 * r + 1], "row " + r + " column 1");
        }
        assertEquals(DataType.INT64, t.type());
    }

    @Test
    void concatAndPadOfSmallIntegerTensors() {
        Value a = Value.of(LongTensor.of(new long[] {1, 2, 3, 4}, 2, 2), DataType.INT32);
        Value b = Value.of(LongTensor.of(new long[] {5, 6}, 1, 2), DataType.INT32);
        Value c = Values.concat("Concat", 0, a, b);
        assertArrayEquals(new int[] {3, 2}, c.shape());
        assertArrayEquals(new long[] {1, 2, 3, 4, 5, 6}, c.toLongArray());
        Values.Tracked padded = Values.track(new int[] {2}, x -> x.pad(new int[] {1, 1}, dev.graft.engine.PadMode.CONSTANT, -1f));
        assertArrayEquals(new long[] {-1, 0, 1, -1}, padded.positions());
    }
}
