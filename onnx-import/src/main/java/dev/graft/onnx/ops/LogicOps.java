package dev.graft.onnx.ops;

import dev.graft.engine.BoolTensor;
import dev.graft.engine.LongTensor;
import dev.graft.engine.Shape;
import dev.graft.engine.Tensor;
import dev.graft.onnx.DataType;
import dev.graft.onnx.Value;

/** Comparisons (Equal, Less, Greater, LessOrEqual, GreaterOrEqual), boolean logic (Not, And, Or, Xor) and Where. */
final class LogicOps {

    private LogicOps() {
    }

    static void register(OpRegistry r) {
        r.add("Equal", new int[] {1, 7, 11, 13, 19}, n -> compare(n, (a, b) -> a == b));
        r.add("Less", new int[] {1, 7, 9, 13}, n -> compare(n, (a, b) -> a < b));
        r.add("Greater", new int[] {1, 7, 9, 13}, n -> compare(n, (a, b) -> a > b));
        r.add("LessOrEqual", new int[] {12, 16}, n -> compare(n, (a, b) -> a <= b));
        r.add("GreaterOrEqual", new int[] {12, 16}, n -> compare(n, (a, b) -> a >= b));
        r.add("Not", new int[] {1}, n -> (in, ctx) -> new Value[] {Value.of(in[0].boolTensor().not())});
        r.add("And", new int[] {1, 7}, n -> (in, ctx) -> new Value[] {
            Value.of(in[0].boolTensor().and(LegacyBroadcast.align(n, in[0], in[1]).boolTensor()))});
        r.add("Or", new int[] {1, 7}, n -> (in, ctx) -> new Value[] {
            Value.of(in[0].boolTensor().or(LegacyBroadcast.align(n, in[0], in[1]).boolTensor()))});
        r.add("Xor", new int[] {1, 7}, n -> (in, ctx) -> {
            BoolTensor a = in[0].boolTensor();
            BoolTensor b = LegacyBroadcast.align(n, in[0], in[1]).boolTensor();
            return new Value[] {Value.of(a.and(b.not()).or(a.not().and(b)))};
        });
        r.add("Where", new int[] {9, 16}, n -> (in, ctx) -> new Value[] {where(in[0].boolTensor(), in[1], in[2])});
    }

    private static Kernel compare(NodeSpec n, Values.DoublePredicate2 p) {
        return (in, ctx) -> new Value[] {Values.compare(n.opType(), in[0], LegacyBroadcast.align(n, in[0], in[1]), p)};
    }

    static Value where(BoolTensor cond, Value a, Value b) {
        if (a.kind() == DataType.Kind.FLOAT) {
            return Value.of(Tensor.where(cond, a.floatTensor(), b.toFloat()), a.type());
        }
        int[] out = Shape.broadcast("Where", Shape.broadcast("Where", cond.shape(), a.shape()), b.shape());
        int[] ic = Values.broadcastIndex(cond.shape(), out);
        int[] ia = Values.broadcastIndex(a.shape(), out);
        int[] ib = Values.broadcastIndex(b.shape(), out);
        boolean[] c = cond.toArray();
        if (a.kind() == DataType.Kind.BOOL) {
            boolean[] x = a.boolTensor().toArray();
            boolean[] y = b.boolTensor().toArray();
            boolean[] r = new boolean[ic.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = c[ic[i]] ? x[ia[i]] : y[ib[i]];
            }
            return Value.of(BoolTensor.of(r, out));
        }
        long[] x = a.toLongArray();
        long[] y = b.toLongArray();
        long[] r = new long[ic.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = c[ic[i]] ? x[ia[i]] : y[ib[i]];
        }
        return Value.of(LongTensor.of(r, out), a.type());
    }
}
