package dev.graft.engine;

import static dev.graft.engine.GradCheck.awayFromZero;
import static dev.graft.engine.GradCheck.check;
import static dev.graft.engine.GradCheck.leaf;
import static dev.graft.engine.GradCheck.leafIn;

import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Finite-difference gradient checks of every differentiable op, with broadcast and non-contiguous inputs. */
class GradCheckTest {

    private static final int[][][] BROADCAST_PAIRS = {
        {{2, 3}, {2, 3}}, {{2, 3, 4}, {3, 1}}, {{2, 3}, {1}}, {{2, 3}, {}}, {{1, 4}, {3, 1}}};

    private static void binary(String name, BinaryOperator<Tensor> op, boolean positiveA, boolean positiveB) {
        long seed = 1;
        for (int[][] pair : BROADCAST_PAIRS) {
            Tensor a = positiveA ? leafIn(seed++, 0.5f, 2f, pair[0]) : leaf(seed++, false, pair[0]);
            Tensor b = positiveB ? leafIn(seed++, 0.5f, 2f, pair[1]) : leaf(seed++, false, pair[1]);
            check(name + java.util.Arrays.deepToString(pair), t -> op.apply(t[0], t[1]), a, b);
        }
        Tensor at = positiveA ? leafIn(seed++, 0.5f, 2f, 4, 3).detach().transpose(0, 1).requiresGrad(true) : leaf(seed++, true, 3, 4);
        Tensor bt = positiveB ? leafIn(seed, 0.5f, 2f, 3, 4) : leaf(seed, false, 3, 4);
        check(name + " non-contiguous", t -> op.apply(t[0], t[1]), at, bt);
    }

    @Test
    void arithmetic() {
        binary("add", Tensor::add, false, false);
        binary("sub", Tensor::sub, false, false);
        binary("mul", Tensor::mul, false, false);
        binary("div", Tensor::div, false, true);
        binary("pow", Tensor::pow, true, false);
        binary("minimum", Tensor::minimum, false, false);
        binary("maximum", Tensor::maximum, false, false);
        check("maximum distinct", t -> t[0].maximum(t[1]), GradCheck.distinct(20, false, 3, 4), GradCheck.distinct(21, true, 3, 4));
        check("minimum distinct", t -> t[0].minimum(t[1]), GradCheck.distinct(22, true, 3, 4), GradCheck.distinct(23, false, 4));
        check("add scalar", t -> t[0].add(2f).mul(3f).sub(1f).div(2f).pow(2f), leaf(9, true, 3, 4));
    }

    @Test
    void where() {
        BoolTensor cond = Tensor.randn(5, 2, 3, 4).gt(Tensor.scalar(0f));
        check("where", t -> Tensor.where(cond, t[0], t[1]), leaf(1, false, 3, 4), leaf(2, false, 2, 1, 1));
        check("where non-contiguous", t -> Tensor.where(cond, t[0], t[1]), leaf(3, true, 3, 4), leaf(4, false));
    }

    private static void unary(String name, UnaryOperator<Tensor> op, Tensor contiguous, Tensor strided) {
        check(name, t -> op.apply(t[0]), contiguous);
        check(name + " non-contiguous", t -> op.apply(t[0]), strided);
    }

    private static Tensor positiveStrided(long seed) {
        return leafIn(seed, 0.5f, 3f, 4, 3).detach().transpose(0, 1).requiresGrad(true);
    }

    private static Tensor stridedIn(long seed, float lo, float hi) {
        return leafIn(seed, lo, hi, 4, 3).detach().transpose(0, 1).requiresGrad(true);
    }

    private static Tensor kinkFreeStrided(long seed, float scale) {
        return awayFromZero(seed, scale, 4, 3).detach().transpose(0, 1).requiresGrad(true);
    }

    @Test
    void unaryPrimitives() {
        unary("neg", Tensor::neg, leaf(1, false, 3, 4), leaf(2, true, 3, 4));
        unary("exp", Tensor::exp, leaf(1, false, 3, 4), leaf(2, true, 3, 4));
        unary("log", Tensor::log, leafIn(1, 0.5f, 3f, 3, 4), positiveStrided(2));
        unary("sqrt", Tensor::sqrt, leafIn(1, 0.5f, 3f, 3, 4), positiveStrided(2));
        unary("rsqrt", Tensor::rsqrt, leafIn(1, 0.5f, 3f, 3, 4), positiveStrided(2));
        unary("abs", Tensor::abs, awayFromZero(1, 1f, 3, 4), kinkFreeStrided(2, 1f));
        unary("tanh", Tensor::tanh, leaf(1, false, 3, 4), leaf(2, true, 3, 4));
        unary("sigmoid", Tensor::sigmoid, leaf(1, false, 3, 4), leaf(2, true, 3, 4));
        unary("erf", Tensor::erf, leaf(1, false, 3, 4), leaf(2, true, 3, 4));
        unary("sin", Tensor::sin, leaf(1, false, 3, 4), leaf(2, true, 3, 4));
        unary("cos", Tensor::cos, leaf(1, false, 3, 4), leaf(2, true, 3, 4));
        unary("tan", Tensor::tan, leafIn(1, -1.2f, 1.2f, 3, 4), stridedIn(2, -1.2f, 1.2f));
        unary("asin", Tensor::asin, leafIn(1, -0.8f, 0.8f, 3, 4), stridedIn(2, -0.8f, 0.8f));
        unary("acos", Tensor::acos, leafIn(1, -0.8f, 0.8f, 3, 4), stridedIn(2, -0.8f, 0.8f));
        unary("atan", Tensor::atan, leaf(1, false, 3, 4), leaf(2, true, 3, 4));
        unary("relu", Tensor::relu, awayFromZero(1, 1f, 3, 4), kinkFreeStrided(2, 1f));
        unary("reciprocal", Tensor::reciprocal, awayFromZero(1, 1f, 3, 4), kinkFreeStrided(2, 1f));
        unary("square", Tensor::square, leaf(1, false, 3, 4), leaf(2, true, 3, 4));
        unary("clamp", t -> t.clamp(-0.1f, 0.1f), awayFromZero(1, 1f, 3, 4), kinkFreeStrided(2, 1f));
    }

    @Test
    void activations() {
        unary("leakyRelu", t -> t.leakyRelu(0.1f), awayFromZero(1, 1f, 3, 4), kinkFreeStrided(2, 1f));
        unary("elu", t -> t.elu(0.7f), awayFromZero(1, 2f, 3, 4), kinkFreeStrided(2, 2f));
        unary("selu", Tensor::selu, awayFromZero(1, 2f, 3, 4), kinkFreeStrided(2, 2f));
        unary("softplus", Tensor::softplus, leaf(1, false, 3, 4), leaf(2, true, 3, 4));
        unary("gelu", Tensor::gelu, leaf(1, false, 3, 4), leaf(2, true, 3, 4));
        unary("geluTanh", Tensor::geluTanh, leaf(1, false, 3, 4), leaf(2, true, 3, 4));
        unary("silu", Tensor::silu, leaf(1, false, 3, 4), leaf(2, true, 3, 4));
        unary("hardSigmoid", t -> t.hardSigmoid(0.2f, 0.5f), awayFromZero(1, 1f, 3, 4), kinkFreeStrided(2, 1f));
        unary("hardSwish", Tensor::hardSwish, awayFromZero(1, 1f, 3, 4), kinkFreeStrided(2, 1f));
        unary("relu6", Tensor::relu6, awayFromZero(1, 4f, 3, 4), kinkFreeStrided(2, 4f));
    }

    @Test
    void reductions() {
        int[][] axes = {{}, {0}, {-1}, {0, 2}, {1}};
        for (int[] ax : axes) {
            for (boolean keep : new boolean[] {true, false}) {
                String tag = java.util.Arrays.toString(ax) + " keep=" + keep;
                check("sum" + tag, t -> t[0].sum(ax, keep), leaf(1, true, 2, 3, 4));
                check("mean" + tag, t -> t[0].mean(ax, keep), leaf(2, false, 2, 3, 4));
                check("max" + tag, t -> t[0].max(ax, keep), GradCheck.distinct(3, true, 2, 3, 4));
                check("min" + tag, t -> t[0].min(ax, keep), GradCheck.distinct(4, false, 2, 3, 4));
            }
        }
        check("sum all", t -> t[0].sum(), leaf(5, true, 3, 4));
        check("mean all", t -> t[0].mean(), leaf(6, false, 3, 4));
        for (int axis : new int[] {0, 1, -1}) {
            check("softmax " + axis, t -> t[0].softmax(axis), leaf(7, true, 3, 4));
            check("logSoftmax " + axis, t -> t[0].logSoftmax(axis), leaf(8, false, 3, 4));
        }
    }

    @Test
    void views() {
        check("reshape", t -> t[0].reshape(4, -1).mul(t[0].reshape(4, 3)), leaf(1, true, 3, 4));
        check("permute", t -> t[0].permute(2, 0, 1), leaf(2, true, 2, 3, 4));
        check("transpose", t -> t[0].transpose(0, -1), leaf(3, false, 2, 3, 4));
        check("slice", t -> t[0].slice(1, -4, 5, 2), leaf(4, true, 3, 5));
        check("slice axis0", t -> t[0].slice(0, 1, 3, 1).exp(), leaf(5, false, 4, 2));
        check("squeeze", t -> t[0].squeeze(), leaf(6, false, 3, 1, 4, 1));
        check("unsqueeze", t -> t[0].unsqueeze(1).mul(t[0].unsqueeze(0)), leaf(7, true, 3, 3));
        check("expand", t -> t[0].expand(2, 3, 4), leaf(8, false, 3, 1));
        check("flatten", t -> t[0].flatten(1), leaf(9, true, 2, 3, 4));
        check("contiguous", t -> t[0].contiguous().mul(2f), leaf(10, true, 3, 4));
    }

    @Test
    void structure() {
        check("concat", t -> Tensor.concat(1, t[0], t[1], t[2]),
                leaf(1, false, 2, 2, 3), leaf(2, true, 2, 3, 3), leaf(3, false, 2, 1, 3));
        check("split", t -> {
            Tensor[] p = t[0].split(-1, 1, 3, 1);
            return p[0].mul(2f).add(p[2]).mul(p[1].sum(new int[] {1}, true));
        }, leaf(4, true, 3, 5));
        LongTensor idx = LongTensor.of(new long[] {2, -1, 0, 2, 1, 1}, 2, 3);
        check("gather axis0", t -> t[0].gather(0, idx), leaf(5, true, 4, 3));
        check("gather axis1", t -> t[0].gather(1, idx), leaf(6, false, 2, 4, 3));
        check("indexSelect", t -> t[0].indexSelect(-1, LongTensor.of(new long[] {3, 0, 3}, 3)), leaf(7, true, 3, 4));
        check("gather scalar index", t -> t[0].gather(1, LongTensor.scalar(-2)), leaf(8, false, 3, 4));
        LongTensor along = LongTensor.of(new long[] {3, 0, -1, 1, 1, 2}, 2, 3);
        check("gatherElements axis1", t -> t[0].gatherElements(1, along), leaf(12, true, 3, 4));
        check("gatherElements axis0", t -> t[0].gatherElements(0, LongTensor.of(new long[] {2, 0, 1, 2}, 1, 4)), leaf(13, false, 3, 4));
        check("pad constant", t -> t[0].pad(new int[] {1, 0, 2, -1}, PadMode.CONSTANT, 3f), leaf(9, true, 3, 4));
        check("pad reflect", t -> t[0].pad(new int[] {2, 1, 1, 3}, PadMode.REFLECT, 0f), leaf(10, false, 3, 4));
        check("pad edge", t -> t[0].pad(new int[] {0, 1, 2, 2, 0, 3}, PadMode.EDGE, 0f), leaf(11, true, 2, 3, 2));
    }

    @Test
    void matmul() {
        check("matmul 2d", t -> t[0].matmul(t[1]), leaf(1, false, 3, 4), leaf(2, false, 4, 5));
        check("matmul transposed views", t -> t[0].matmul(t[1]), leaf(3, true, 3, 4), leaf(4, true, 4, 5));
        check("matmul batched broadcast", t -> t[0].matmul(t[1]), leaf(5, false, 2, 1, 3, 4), leaf(6, true, 3, 4, 2));
        check("matmul vector-matrix", t -> t[0].matmul(t[1]), leaf(7, false, 4), leaf(8, false, 2, 4, 3));
        check("matmul matrix-vector", t -> t[0].matmul(t[1]), leaf(9, true, 3, 4), leaf(10, false, 4));
        check("matmul vector-vector", t -> t[0].matmul(t[1]), leaf(11, false, 5), leaf(12, false, 5));
    }

    @Test
    void conv2d() {
        check("conv2d 3x3 pad1", t -> t[0].conv2d(t[1], t[2], Conv2dSpec.of(1, 1, 1, 1)),
                leaf(1, false, 2, 3, 5, 5), leaf(2, false, 4, 3, 3, 3), leaf(3, false, 4));
        check("conv2d stride2 dilation2 asymmetric", t -> t[0].conv2d(t[1], null,
                new Conv2dSpec(2, 1, 1, 0, 2, 1, 2, 1, 1)), leaf(4, false, 1, 2, 6, 5), leaf(5, false, 3, 2, 2, 3));
        check("conv2d groups", t -> t[0].conv2d(t[1], t[2], Conv2dSpec.of(1, 0, 1, 2)),
                leaf(6, false, 2, 4, 4, 4), leaf(7, false, 6, 2, 2, 2), leaf(8, false, 6));
        check("conv2d depthwise", t -> t[0].conv2d(t[1], null, Conv2dSpec.of(2, 1, 1, 3)),
                leaf(9, true, 1, 3, 5, 5), leaf(10, false, 3, 1, 3, 3));
        check("conv2d padding wider than the input", t -> t[0].conv2d(t[1], null, new Conv2dSpec(1, 1, 2, 2, 2, 2, 1, 1, 1)),
                leaf(14, false, 1, 2, 3, 1), leaf(15, false, 2, 2, 5, 5));
        check("conv2d pointwise", t -> t[0].conv2d(t[1], t[2], Conv2dSpec.of(1, 0, 1, 1)),
                leaf(11, false, 3, 4, 3, 2), leaf(12, false, 5, 4, 1, 1), leaf(13, false, 5));
    }

    @Test
    void pooling() {
        check("maxPool2d", t -> t[0].maxPool2d(Pool2dSpec.of(2, 2, 0)), GradCheck.distinct(1, false, 2, 2, 4, 5));
        check("maxPool2d overlapping pad ceil", t -> t[0].maxPool2d(new Pool2dSpec(3, 2, 2, 1, 1, 1, 1, 0, true)),
                GradCheck.distinct(2, true, 1, 2, 5, 6));
        check("avgPool2d include pad", t -> t[0].avgPool2d(Pool2dSpec.of(3, 2, 1), true), leaf(3, false, 2, 2, 5, 5));
        check("avgPool2d exclude pad ceil", t -> t[0].avgPool2d(new Pool2dSpec(3, 3, 2, 2, 1, 1, 1, 1, true), false),
                leaf(4, true, 1, 3, 6, 7));
        check("globalAvgPool2d", t -> t[0].globalAvgPool2d(), leaf(5, false, 2, 3, 4, 5));
        check("globalMaxPool2d", t -> t[0].globalMaxPool2d(), GradCheck.distinct(6, true, 2, 3, 4, 5));
    }
}
