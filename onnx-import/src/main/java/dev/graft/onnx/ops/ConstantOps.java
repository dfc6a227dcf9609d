package dev.graft.onnx.ops;

import dev.graft.engine.BoolTensor;
import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import dev.graft.onnx.DataType;
import dev.graft.onnx.Value;
import java.util.Arrays;

/** Ops that make tensors from attributes, shapes or scalars: Constant, ConstantOfShape, Shape, Size, Range. */
final class ConstantOps {

    private ConstantOps() {
    }

    static void register(OpRegistry r) {
        r.add("Constant", new int[] {1, 9, 11, 12, 13, 19, 21}, ConstantOps::constant);
        r.add("ConstantOfShape", new int[] {9, 20, 21}, ShapeRule.INPUT_VALUES, ConstantOps::constantOfShape);
        r.add("Shape", new int[] {1, 13, 15, 19, 21}, ConstantOps::shape);
        r.add("Size", new int[] {1, 13, 19, 21}, n -> (in, ctx) -> new Value[] {Value.of(LongTensor.scalar(in[0].numel()))});
        r.add("Range", new int[] {11}, ShapeRule.INPUT_VALUES, ConstantOps::range);
    }

    private static Kernel constant(NodeSpec n) {
        Value v;
        if (n.has("value")) {
            v = n.tensorAttr("value");
        } else if (n.has("value_float")) {
            v = Value.of(Tensor.scalar(n.floatAttr("value_float", 0f)));
        } else if (n.has("value_floats")) {
            float[] f = n.floatsAttr("value_floats");
            v = Value.of(Tensor.of(f.clone(), f.length));
        } else if (n.has("value_int")) {
            v = Value.of(LongTensor.scalar(n.intAttr("value_int", 0L)));
        } else if (n.has("value_ints")) {
            long[] l = n.intsAttr("value_ints");
            v = Value.of(LongTensor.of(l.clone(), l.length));
        } else if (n.has("sparse_value") || n.has("value_string") || n.has("value_strings")) {
            throw n.unsupported("sparse or string constants");
        } else {
            throw n.invalid("has none of the attributes value, value_float(s), value_int(s)");
        }
        Value out = v;
        return (in, ctx) -> new Value[] {out};
    }

    private static Kernel constantOfShape(NodeSpec n) {
        Value fill = n.has("value") ? n.tensorAttr("value") : Value.of(Tensor.scalar(0f));
        if (fill.numel() != 1) {
            throw n.invalid("attribute 'value' must hold one element, got shape " + Arrays.toString(fill.shape()));
        }
        return (in, ctx) -> {
            int[] shape = Values.shapeFrom(n, Values.longs(n, "shape", in[0]));
            int count = dev.graft.engine.Shape.numel(shape);
            return new Value[] {switch (fill.kind()) {
                case FLOAT -> Value.of(Tensor.full(fill.toFloat().item(), shape), fill.type());
                case INT -> {
                    long[] d = new long[count];
                    Arrays.fill(d, fill.toLongArray()[0]);
                    yield Value.of(LongTensor.of(d, shape), fill.type());
                }
                default -> {
                    boolean[] d = new boolean[count];
                    Arrays.fill(d, fill.boolTensor().toArray()[0]);
                    yield Value.of(BoolTensor.of(d, shape));
                }
            }};
        };
    }

    private static Kernel shape(NodeSpec n) {
        long start = n.intAttr("start", 0L);
        long end = n.intAttr("end", Long.MAX_VALUE);
        return (in, ctx) -> {
            int[] s = in[0].shape();
            int rank = s.length;
            long a = Math.max(0, Math.min(rank, start < 0 ? start + rank : start));
            long b = Math.max(0, Math.min(rank, end < 0 ? end + rank : end));
            int len = (int) Math.max(0, b - a);
            long[] d = new long[len];
            for (int i = 0; i < len; i++) {
                d[i] = s[(int) a + i];
            }
            return new Value[] {Value.of(LongTensor.of(d, len))};
        };
    }

    private static Kernel range(NodeSpec n) {
        return (in, ctx) -> {
            Value start = in[0];
            if (start.kind() == DataType.Kind.INT) {
                long s = start.toLongArray()[0];
                long limit = in[1].toLongArray()[0];
                long delta = in[2].toLongArray()[0];
                if (delta == 0) {
                    throw n.invalid("delta must not be 0");
                }
                long count = Math.max(0, Math.floorDiv(limit - s + delta - Long.signum(delta), delta));
                Values.checkCreated(n, new int[] {(int) Math.min(count, Integer.MAX_VALUE)});
                long[] d = new long[(int) count];
                for (int i = 0; i < d.length; i++) {
                    d[i] = s + i * delta;
                }
                return new Value[] {Value.of(LongTensor.of(d, d.length), start.type())};
            }
            double s = start.toDoubleArray()[0];
            double limit = in[1].toDoubleArray()[0];
            double delta = in[2].toDoubleArray()[0];
            if (delta == 0) {
                throw n.invalid("delta must not be 0");
            }
            double c = Math.ceil((limit - s) / delta);
            if (!(c < Values.MAX_CREATED_ELEMENTS)) {
                throw n.invalid("range of " + c + " elements is too large");
            }
            int count = (int) Math.max(0, c);
            float[] d = new float[count];
            for (int i = 0; i < count; i++) {
                d[i] = (float) (s + i * delta);
            }
            return new Value[] {Value.of(Tensor.of(d, count), start.type())};
        };
    }
}
