package dev.graft.onnx.ops;

import dev.graft.engine.LongTensor;
import dev.graft.engine.Shape;
import dev.graft.engine.Tensor;
import dev.graft.onnx.DataType;
import dev.graft.onnx.Value;
import java.util.Arrays;
import java.util.function.LongBinaryOperator;

/**
 * The Reduce* family. Axes come from an attribute until ReduceSum-13 and the others' version 18,
 * and from an optional second input afterwards ({@code noop_with_empty_axes} decides what an
 * empty list means).
 */
final class ReduceOps {

    private ReduceOps() {
    }

    /** One reduction over resolved axes. */
    private interface FloatReduction {
        Tensor apply(Tensor x, int[] axes, boolean keep);
    }

    static void register(OpRegistry r) {
        int[] v18 = {1, 11, 13, 18};
        r.add("ReduceSum", new int[] {1, 11, 13}, ShapeRule.FIRST_SHAPE_AND_OTHER_VALUES,
                n -> kernel(n, 13, Tensor::sum, Long::sum, 0));
        r.add("ReduceMean", v18, ShapeRule.FIRST_SHAPE_AND_OTHER_VALUES, n -> kernel(n, 18, Tensor::mean, null, 0));
        r.add("ReduceMax", new int[] {1, 11, 12, 13, 18, 20}, ShapeRule.FIRST_SHAPE_AND_OTHER_VALUES,
                n -> kernel(n, 18, Tensor::max, Math::max, Long.MIN_VALUE));
        r.add("ReduceMin", new int[] {1, 11, 12, 13, 18, 20}, ShapeRule.FIRST_SHAPE_AND_OTHER_VALUES,
                n -> kernel(n, 18, Tensor::min, Math::min, Long.MAX_VALUE));
        r.add("ReduceProd", v18, ShapeRule.FIRST_SHAPE_AND_OTHER_VALUES,
                n -> kernel(n, 18, ReduceOps::prod, (a, b) -> a * b, 1));
        r.add("ReduceL1", v18, ShapeRule.FIRST_SHAPE_AND_OTHER_VALUES,
                n -> kernel(n, 18, (x, a, k) -> x.abs().sum(a, k), null, 0));
        r.add("ReduceL2", v18, ShapeRule.FIRST_SHAPE_AND_OTHER_VALUES,
                n -> kernel(n, 18, (x, a, k) -> x.square().sum(a, k).sqrt(), null, 0));
        r.add("ReduceSumSquare", v18, ShapeRule.FIRST_SHAPE_AND_OTHER_VALUES,
                n -> kernel(n, 18, (x, a, k) -> x.square().sum(a, k), null, 0));
        r.add("ReduceLogSum", v18, ShapeRule.FIRST_SHAPE_AND_OTHER_VALUES,
                n -> kernel(n, 18, (x, a, k) -> x.sum(a, k).log(), null, 0));
        r.add("ReduceLogSumExp", v18, ShapeRule.FIRST_SHAPE_AND_OTHER_VALUES,
                n -> kernel(n, 18, ReduceOps::logSumExp, null, 0));
    }

    private static Kernel kernel(NodeSpec n, int axesInputSince, FloatReduction f, LongBinaryOperator g, long identity) {
        boolean axesFromInput = n.version() >= axesInputSince;
        long[] attrAxes = axesFromInput ? null : n.intsAttr("axes");
        boolean keep = n.intAttr("keepdims", 1) != 0;
        boolean noop = n.intAttr("noop_with_empty_axes", 0) != 0;
        return (in, ctx) -> {
            Value x = in[0];
            long[] axesValues = axesFromInput ? (in.length > 1 && in[1] != null ? Values.longs(n, "axes", in[1]) : null)
                    : attrAxes;
            int rank = x.rank();
            int[] axes;
            if (axesValues == null || axesValues.length == 0) {
                if (noop && axesFromInput) {
                    return new Value[] {x};
                }
                axes = new int[rank];
                for (int i = 0; i < rank; i++) {
                    axes[i] = i;
                }
            } else {
                axes = new int[axesValues.length];
                for (int i = 0; i < axes.length; i++) {
                    axes[i] = Shape.axis(n.describe(), (int) axesValues[i], rank);
                }
            }
            if (x.kind() == DataType.Kind.INT && g != null) {
                return new Value[] {intReduce(x, axes, keep, g, identity)};
            }
            Tensor t = x.toFloat();
            if (axes.length == 0) {
                return new Value[] {Value.of(f.apply(t.reshape(1), new int[] {0}, false).reshape(), x.kind() == DataType.Kind.FLOAT ? x.type() : DataType.FLOAT)};
            }
            Tensor y = f.apply(t, axes, keep);
            return new Value[] {x.kind() == DataType.Kind.FLOAT ? Value.of(y, x.type()) : Values.cast(Value.of(y), x.type())};
        };
    }

    private static Tensor prod(Tensor x, int[] axes, boolean keep) {
        // successive products of slices: exact, and differentiable even where elements are zero
        Tensor acc = x;
        int[] sorted = axes.clone();
        Arrays.sort(sorted);
        for (int a : sorted) {
            int len = acc.size(a);
            Tensor p = len == 0 ? Tensor.ones(withDim(acc.shape(), a, 1)) : acc.slice(a, 0, 1, 1);
            for (int i = 1; i < len; i++) {
                p = p.mul(acc.slice(a, i, i + 1, 1));
            }
            acc = p;
        }
        if (keep) {
            return acc;
        }
        return acc.squeeze(sorted);
    }

    private static int[] withDim(int[] shape, int axis, int size) {
        int[] s = shape.clone();
        s[axis] = size;
        return s;
    }

    private static Tensor logSumExp(Tensor x, int[] axes, boolean keep) {
        Tensor m = x.detach().max(axes, true);
        float[] md = m.toArray();
        for (int i = 0; i < md.length; i++) {
            if (Float.isInfinite(md[i])) {
                md[i] = 0f;
            }
        }
        Tensor shift = Tensor.of(md, m.shape());
        Tensor y = x.sub(shift).exp().sum(axes, true).log().add(shift);
        return keep ? y : y.squeeze(axes);
    }

    private static Value intReduce(Value x, int[] axes, boolean keep, LongBinaryOperator g, long identity) {
        int[] shape = x.shape();
        int rank = shape.length;
        boolean[] red = new boolean[rank];
        for (int a : axes) {
            red[a] = true;
        }
        int[] perm = new int[rank];
        int p = 0;
        int[] keptShape = new int[rank];
        int kept = 0;
        for (int i = 0; i < rank; i++) {
            if (!red[i]) {
                perm[p++] = i;
                kept++;
            }
            keptShape[i] = red[i] ? 1 : shape[i];
        }
        for (int i = 0; i < rank; i++) {
            if (red[i]) {
                perm[p++] = i;
            }
        }
        long[] order = Values.track(shape, t -> t.permute(perm)).positions();
        long[] src = x.toLongArray();
        int outN = Shape.numel(keptShape);
        int rowLen = outN == 0 ? 0 : order.length / outN;
        long[] out = new long[outN];
        for (int r = 0; r < outN; r++) {
            long acc = identity;
            for (int k = 0; k < rowLen; k++) {
                acc = g.applyAsLong(acc, src[(int) order[r * rowLen + k]]);
            }
            out[r] = x.type().wrap(acc);
        }
        int[] outShape = keptShape;
        if (!keep) {
            outShape = new int[kept];
            for (int i = 0, j = 0; i < rank; i++) {
                if (!red[i]) {
                    outShape[j++] = shape[i];
                }
            }
        }
        return Value.of(LongTensor.of(out, outShape), x.type());
    }
}
