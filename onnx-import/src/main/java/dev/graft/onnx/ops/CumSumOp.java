package dev.graft.onnx.ops;

import dev.graft.engine.LongTensor;
import dev.graft.engine.Shape;
import dev.graft.engine.Tensor;
import dev.graft.onnx.DataType;
import dev.graft.onnx.Value;

/**
 * CumSum. Floats: a matrix product with a triangular matrix of ones along the axis, which the
 * engine differentiates; integers: a direct running sum.
 */
final class CumSumOp {

    private CumSumOp() {
    }

    static void register(OpRegistry r) {
        r.add("CumSum", new int[] {11, 14}, n -> {
            boolean exclusive = n.intAttr("exclusive", 0) != 0;
            boolean reverse = n.intAttr("reverse", 0) != 0;
            return (in, ctx) -> {
                Value x = in[0];
                int axis = Shape.axis(n.describe(), (int) in[1].toLongArray()[0], x.rank());
                int len = x.shape()[axis];
                if (x.kind() == DataType.Kind.INT) {
                    return new Value[] {intCumSum(x, axis, exclusive, reverse)};
                }
                float[] tri = new float[len * len];
                for (int i = 0; i < len; i++) {
                    for (int j = 0; j < len; j++) {
                        // out[j] = sum over i of x[i] * tri[i][j]
                        boolean take = reverse ? (exclusive ? i > j : i >= j) : (exclusive ? i < j : i <= j);
                        tri[i * len + j] = take ? 1f : 0f;
                    }
                }
                Tensor t = x.floatTensor().transpose(axis, x.rank() - 1);
                Tensor y = t.matmul(Tensor.of(tri, len, len)).transpose(axis, x.rank() - 1);
                return new Value[] {Value.of(y, x.type())};
            };
        });
    }

    private static Value intCumSum(Value x, int axis, boolean exclusive, boolean reverse) {
        int[] s = x.shape();
        long[] d = x.toLongArray();
        long[] out = new long[d.length];
        int inner = 1;
        for (int i = axis + 1; i < s.length; i++) {
            inner *= s[i];
        }
        int len = s[axis];
        int outer = len == 0 ? 0 : d.length / (len * inner);
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                long acc = 0;
                for (int k = 0; k < len; k++) {
                    int kk = reverse ? len - 1 - k : k;
                    int at = (o * len + kk) * inner + in;
                    if (exclusive) {
                        out[at] = acc;
                        acc += d[at];
                    } else {
                        acc += d[at];
                        out[at] = acc;
                    }
                }
            }
        }
        return Value.of(LongTensor.of(out, s), x.type());
    }
}
