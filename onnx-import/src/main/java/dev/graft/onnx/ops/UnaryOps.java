package dev.graft.onnx.ops;

import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import dev.graft.onnx.DataType;
import dev.graft.onnx.Value;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongUnaryOperator;
import java.util.function.UnaryOperator;

/**
 * Elementwise functions of one input. Differentiable ones map to engine ops; piecewise-constant
 * ones (Floor, Ceil, Round, Sign) have a zero gradient, so their result is computed directly and
 * carries no history.
 */
final class UnaryOps {

    private UnaryOps() {
    }

    static void register(OpRegistry r) {
        int[] v13 = {1, 6, 13};
        r.add("Sqrt", v13, n -> floatOnly(Tensor::sqrt));
        r.add("Reciprocal", v13, n -> floatOnly(Tensor::reciprocal));
        r.add("Exp", v13, n -> floatOnly(Tensor::exp));
        r.add("Log", v13, n -> floatOnly(Tensor::log));
        r.add("Tanh", v13, n -> floatOnly(Tensor::tanh));
        r.add("Sigmoid", v13, n -> floatOnly(Tensor::sigmoid));
        r.add("Erf", new int[] {9, 13}, n -> floatOnly(Tensor::erf));
        r.add("Softplus", new int[] {1}, n -> floatOnly(Tensor::softplus));
        r.add("Softsign", new int[] {1}, n -> floatOnly(x -> x.div(x.abs().add(1f))));
        r.add("Sin", new int[] {7}, n -> floatOnly(Tensor::sin));
        r.add("Cos", new int[] {7}, n -> floatOnly(Tensor::cos));
        r.add("Tan", new int[] {7}, n -> floatOnly(Tensor::tan));
        r.add("Asin", new int[] {7}, n -> floatOnly(Tensor::asin));
        r.add("Acos", new int[] {7}, n -> floatOnly(Tensor::acos));
        r.add("Atan", new int[] {7}, n -> floatOnly(Tensor::atan));
        // hyperbolic functions and their inverses, composed from exp, log and sqrt
        r.add("Sinh", new int[] {9}, n -> floatOnly(x -> x.exp().sub(x.neg().exp()).mul(0.5f)));
        r.add("Cosh", new int[] {9}, n -> floatOnly(x -> x.exp().add(x.neg().exp()).mul(0.5f)));
        r.add("Asinh", new int[] {9}, n -> floatOnly(x -> x.add(x.square().add(1f).sqrt()).log()));
        r.add("Acosh", new int[] {9}, n -> floatOnly(x -> x.add(x.square().sub(1f).sqrt()).log()));
        r.add("Atanh", new int[] {9}, n -> floatOnly(x -> x.add(1f).div(x.neg().add(1f)).log().mul(0.5f)));
        r.add("Neg", v13, n -> withInts(Tensor::neg, x -> -x));
        r.add("Abs", v13, n -> withInts(Tensor::abs, Math::abs));
        r.add("Relu", new int[] {1, 6, 13, 14}, n -> withInts(Tensor::relu, x -> Math.max(x, 0)));
        r.add("Sign", new int[] {9, 13}, n -> stepwise(Math::signum, Long::signum));
        r.add("Floor", v13, n -> stepwise(Math::floor, x -> x));
        r.add("Ceil", v13, n -> stepwise(Math::ceil, x -> x));
        r.add("Round", new int[] {11}, n -> stepwise(Math::rint, x -> x));
    }

    private static Kernel floatOnly(UnaryOperator<Tensor> f) {
        return (in, ctx) -> new Value[] {Value.of(f.apply(in[0].toFloat()), floatType(in[0]))};
    }

    private static DataType floatType(Value v) {
        return v.kind() == DataType.Kind.FLOAT ? v.type() : DataType.FLOAT;
    }

    private static Kernel withInts(UnaryOperator<Tensor> f, LongUnaryOperator g) {
        return (in, ctx) -> {
            Value x = in[0];
            if (x.kind() == DataType.Kind.INT) {
                return new Value[] {Value.of(mapLongs(x, g), x.type())};
            }
            return new Value[] {Value.of(f.apply(x.toFloat()), floatType(x))};
        };
    }

    private static Kernel stepwise(DoubleUnaryOperator f, LongUnaryOperator g) {
        return (in, ctx) -> {
            Value x = in[0];
            if (x.kind() == DataType.Kind.INT) {
                return new Value[] {Value.of(mapLongs(x, g), x.type())};
            }
            float[] d = x.toFloat().toArray();
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) f.applyAsDouble(d[i]);
            }
            return new Value[] {Value.of(Tensor.of(d, x.shape()), floatType(x))};
        };
    }

    private static LongTensor mapLongs(Value x, LongUnaryOperator g) {
        long[] d = x.toLongArray();
        for (int i = 0; i < d.length; i++) {
            d[i] = x.type().wrap(g.applyAsLong(d[i]));
        }
        return LongTensor.of(d, x.shape());
    }
}
