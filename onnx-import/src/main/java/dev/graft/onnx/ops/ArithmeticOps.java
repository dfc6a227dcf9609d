package dev.graft.onnx.ops;

import dev.graft.engine.Tensor;
import dev.graft.onnx.DataType;
import dev.graft.onnx.Value;
import java.util.function.BinaryOperator;
import java.util.function.LongBinaryOperator;

/** Add, Sub, Mul, Div, Pow, Mod and BitShift with numpy broadcasting, on floats (differentiable) and integers (wrapping). */
final class ArithmeticOps {

    private ArithmeticOps() {
    }

    static void register(OpRegistry r) {
        int[] basic = {1, 6, 7, 13, 14};
        r.add("Add", basic, n -> binary(n, Tensor::add, (x, y) -> x + y));
        r.add("Sub", basic, n -> binary(n, Tensor::sub, (x, y) -> x - y));
        r.add("Mul", basic, n -> binary(n, Tensor::mul, (x, y) -> x * y));
        r.add("Div", basic, n -> binary(n, Tensor::div, ArithmeticOps::intDiv));
        r.add("Pow", new int[] {1, 7, 12, 13, 15}, ArithmeticOps::pow);
        r.add("Mod", new int[] {10, 13}, ArithmeticOps::mod);
        r.add("BitShift", new int[] {11}, n -> {
            String dir = n.stringAttr("direction", "");
            if (!dir.equals("LEFT") && !dir.equals("RIGHT")) {
                throw n.invalid("direction must be LEFT or RIGHT, got '" + dir + "'");
            }
            boolean left = dir.equals("LEFT");
            // unsigned types only: a logical shift, wrapped to the type's width
            return (in, ctx) -> new Value[] {Values.intBinary("BitShift", in[0], in[1], in[0].type(),
                    (x, y) -> y >= 64 ? 0 : left ? x << y : x >>> y)};
        });
    }

    private static Kernel binary(NodeSpec node, BinaryOperator<Tensor> f, LongBinaryOperator g) {
        return (in, ctx) -> {
            Value a = in[0];
            Value b = LegacyBroadcast.align(node, a, in[1]);
            if (a.kind() == DataType.Kind.INT && b.kind() == DataType.Kind.INT) {
                return new Value[] {Values.intBinary(node.opType(), a, b, a.type(), g)};
            }
            DataType type = a.kind() == DataType.Kind.FLOAT ? a.type() : b.type();
            return new Value[] {Value.of(f.apply(a.toFloat(), b.toFloat()), type)};
        };
    }

    private static long intDiv(long x, long y) {
        if (y == 0) {
            throw new ArithmeticException("Div: integer division by zero");
        }
        return x / y;
    }

    private static Kernel pow(NodeSpec node) {
        return (in, ctx) -> {
            Value a = in[0];
            Value b = LegacyBroadcast.align(node, a, in[1]);
            if (a.kind() == DataType.Kind.FLOAT) {
                return new Value[] {Value.of(a.floatTensor().pow(b.toFloat()), a.type())};
            }
            // integer base: the result keeps the base's type
            if (b.kind() == DataType.Kind.FLOAT) {
                return new Value[] {Values.cast(Value.of(a.toFloat().pow(b.floatTensor())), a.type())};
            }
            return new Value[] {Values.intBinary("Pow", a, b, a.type(), ArithmeticOps::intPow)};
        };
    }

    private static long intPow(long base, long exp) {
        if (exp < 0) {
            return base == 1 ? 1 : base == -1 ? ((exp & 1) == 0 ? 1 : -1) : 0;
        }
        long r = 1;
        long b = base;
        long e = exp;
        while (e > 0) {
            if ((e & 1) != 0) {
                r *= b;
            }
            b *= b;
            e >>= 1;
        }
        return r;
    }

    private static Kernel mod(NodeSpec node) {
        boolean fmod = node.intAttr("fmod", 0) != 0;
        return (in, ctx) -> {
            Value a = in[0];
            Value b = in[1];
            if (a.kind() == DataType.Kind.INT && b.kind() == DataType.Kind.INT) {
                return new Value[] {Values.intBinary("Mod", a, b, a.type(), (x, y) -> {
                    if (y == 0) {
                        throw new ArithmeticException("Mod: integer division by zero");
                    }
                    long m = x % y;
                    return !fmod && m != 0 && (m < 0) != (y < 0) ? m + y : m;
                })};
            }
            // float remainder: the gradient is 1 for the dividend almost everywhere, which a - b*trunc(a/b) gives
            Tensor x = a.toFloat();
            Tensor y = b.toFloat();
            float[] q = x.div(y).detach().toArray();
            int[] shape = x.div(y).shape();
            for (int i = 0; i < q.length; i++) {
                q[i] = fmod ? (float) (q[i] < 0 ? Math.ceil(q[i]) : Math.floor(q[i])) : (float) Math.floor(q[i]);
            }
            Tensor r = x.sub(y.mul(Tensor.of(q, shape)));
            return new Value[] {Value.of(r, a.type())};
        };
    }
}
