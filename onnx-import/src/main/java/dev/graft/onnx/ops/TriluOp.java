package dev.graft.onnx.ops;

import dev.graft.engine.BoolTensor;
import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import dev.graft.onnx.DataType;
import dev.graft.onnx.Value;

/** Trilu: keeps the upper or lower triangle of the last two dimensions, offset by k diagonals. */
final class TriluOp {

    private TriluOp() {
    }

    static void register(OpRegistry r) {
        r.add("Trilu", new int[] {14}, n -> {
            boolean upper = n.intAttr("upper", 1) != 0;
            return (in, ctx) -> {
                Value x = in[0];
                long k = in.length > 1 && in[1] != null ? in[1].toLongArray()[0] : 0;
                int[] s = x.shape();
                if (s.length < 2) {
                    throw n.invalid("input must have rank >= 2, got " + s.length);
                }
                int rows = s[s.length - 2];
                int cols = s[s.length - 1];
                boolean[] m = new boolean[rows * cols];
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        m[i * cols + j] = upper ? j - i >= k : j - i <= k;
                    }
                }
                BoolTensor mask = BoolTensor.of(m, rows, cols);
                Value zero = x.kind() == DataType.Kind.FLOAT ? Value.of(Tensor.scalar(0f), x.type())
                        : x.kind() == DataType.Kind.INT ? Value.of(LongTensor.scalar(0), x.type())
                        : Value.of(BoolTensor.of(new boolean[1]));
                return new Value[] {LogicOps.where(mask, x, zero)};
            };
        });
    }
}
