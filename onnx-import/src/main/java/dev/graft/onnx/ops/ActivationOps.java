package dev.graft.onnx.ops;

import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import dev.graft.onnx.DataType;
import dev.graft.onnx.Value;
import java.util.function.UnaryOperator;

/** Activation functions: LeakyRelu, PRelu, Elu, Selu, Celu, ThresholdedRelu, HardSigmoid, HardSwish, Gelu, Mish, Clip. */
final class ActivationOps {

    private static final float SELU_ALPHA = 1.67326319217681884765625f;
    private static final float SELU_GAMMA = 1.05070102214813232421875f;

    private ActivationOps() {
    }

    static void register(OpRegistry r) {
        r.add("LeakyRelu", new int[] {1, 6, 16}, n -> {
            float alpha = n.floatAttr("alpha", 0.01f);
            return unary(x -> x.leakyRelu(alpha));
        });
        r.add("Elu", new int[] {1, 6}, n -> {
            float alpha = n.floatAttr("alpha", 1f);
            return unary(x -> x.elu(alpha));
        });
        r.add("Selu", new int[] {1, 6}, n -> {
            float alpha = n.floatAttr("alpha", SELU_ALPHA);
            float gamma = n.floatAttr("gamma", SELU_GAMMA);
            return unary(x -> x.elu(alpha).mul(gamma));
        });
        r.add("Celu", new int[] {12}, n -> {
            float alpha = n.floatAttr("alpha", 1f);
            return unary(x -> x.div(alpha).elu(1f).mul(alpha));
        });
        r.add("ThresholdedRelu", new int[] {10}, n -> {
            float alpha = n.floatAttr("alpha", 1f);
            return unary(x -> Tensor.where(x.gt(Tensor.scalar(alpha)), x, Tensor.zeros(x.shape())));
        });
        r.add("HardSigmoid", new int[] {1, 6}, n -> {
            float alpha = n.floatAttr("alpha", 0.2f);
            float beta = n.floatAttr("beta", 0.5f);
            return unary(x -> x.hardSigmoid(alpha, beta));
        });
        r.add("HardSwish", new int[] {14}, n -> unary(Tensor::hardSwish));
        r.add("Mish", new int[] {18}, n -> unary(x -> x.mul(x.softplus().tanh())));
        r.add("Gelu", new int[] {20}, n -> {
            String approx = n.stringAttr("approximate", "none");
            if (!approx.equals("none") && !approx.equals("tanh")) {
                throw n.invalid("approximate must be 'none' or 'tanh', got '" + approx + "'");
            }
            return unary(approx.equals("tanh") ? Tensor::geluTanh : Tensor::gelu);
        });
        r.add("PRelu", new int[] {1, 6, 7, 9, 16}, n -> (in, ctx) -> {
            Tensor x = in[0].toFloat();
            Tensor slope = in[1].toFloat();
            if (n.version() < 7 && slope.dim() == 1 && slope.numel() > 1 && x.dim() > 2) {
                // before numpy broadcasting, a 1-D slope was per channel (axis 1)
                int[] perChannel = new int[x.dim() - 1];
                java.util.Arrays.fill(perChannel, 1);
                perChannel[0] = slope.numel();
                slope = slope.reshape(perChannel);
            }
            return new Value[] {Values.like(Tensor.where(x.lt(Tensor.scalar(0f)), x.mul(slope), x), in[0])};
        });
        r.add("Clip", new int[] {1, 6, 11, 12, 13}, ActivationOps::clip);
    }

    private static Kernel unary(UnaryOperator<Tensor> f) {
        return (in, ctx) -> new Value[] {Values.like(f.apply(in[0].toFloat()), in[0])};
    }

    private static Kernel clip(NodeSpec n) {
        boolean fromAttributes = n.version() < 11;
        float attrMin = n.floatAttr("min", Float.NEGATIVE_INFINITY);
        float attrMax = n.floatAttr("max", Float.POSITIVE_INFINITY);
        return (in, ctx) -> {
            Value x = in[0];
            Value lo = fromAttributes || in.length < 2 ? null : in[1];
            Value hi = fromAttributes || in.length < 3 ? null : in[2];
            if (x.kind() == DataType.Kind.INT) {
                long min = lo == null ? Long.MIN_VALUE : lo.toLongArray()[0];
                long max = hi == null ? Long.MAX_VALUE : hi.toLongArray()[0];
                long[] d = x.toLongArray();
                for (int i = 0; i < d.length; i++) {
                    d[i] = Math.min(Math.max(d[i], min), max);
                }
                return new Value[] {Value.of(LongTensor.of(d, x.shape()), x.type())};
            }
            float min = lo == null ? attrMin : lo.toFloat().item();
            float max = hi == null ? attrMax : hi.toFloat().item();
            Tensor t = x.floatTensor();
            // ONNX defines Clip with min > max as all max (min then max applied in order), which clamp refuses
            Tensor y = min <= max ? t.clamp(min, max) : Tensor.full(max, t.shape());
            return new Value[] {Value.of(y, x.type())};
        };
    }
}
