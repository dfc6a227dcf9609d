package dev.graft.onnx.ops;

import dev.graft.engine.Tensor;
import dev.graft.onnx.DataType;
import dev.graft.onnx.Value;
import java.util.function.BinaryOperator;
import java.util.function.LongBinaryOperator;

/** Min, Max, Sum and Mean over any number of broadcast inputs. */
final class VariadicOps {

    private VariadicOps() {
    }

    static void register(OpRegistry r) {
        int[] minMax = {1, 6, 8, 12, 13};
        int[] sumMean = {1, 6, 8, 13};
        r.add("Min", minMax, n -> fold(n, Tensor::minimum, Math::min, false));
        r.add("Max", minMax, n -> fold(n, Tensor::maximum, Math::max, false));
        r.add("Sum", sumMean, n -> fold(n, Tensor::add, Long::sum, false));
        r.add("Mean", sumMean, n -> fold(n, Tensor::add, Long::sum, true));
    }

    private static Kernel fold(NodeSpec n, BinaryOperator<Tensor> f, LongBinaryOperator g, boolean mean) {
        return (in, ctx) -> {
            if (in.length == 0) {
                throw n.invalid("needs at least one input");
            }
            Value acc = in[0];
            for (int i = 1; i < in.length; i++) {
                if (acc.kind() == DataType.Kind.INT && in[i].kind() == DataType.Kind.INT) {
                    acc = Values.intBinary(n.opType(), acc, in[i], acc.type(), g);
                } else {
                    acc = Values.like(f.apply(acc.toFloat(), in[i].toFloat()), in[0]);
                }
            }
            if (mean) {
                acc = Values.like(acc.toFloat().div(in.length), in[0]);
            }
            return new Value[] {acc};
        };
    }
}
