package dev.graft.onnx.ops;

import dev.graft.engine.BoolTensor;
import dev.graft.engine.LongTensor;
import dev.graft.engine.Shape;
import dev.graft.engine.Tensor;
import dev.graft.onnx.DataType;
import dev.graft.onnx.Value;

/** Small ops: IsNaN, IsInf, Hardmax, Shrink, EyeLike. */
final class MiscOps {

    private MiscOps() {
    }

    static void register(OpRegistry r) {
        r.add("IsNaN", new int[] {9, 13, 20}, n -> (in, ctx) -> new Value[] {test(in[0], Float::isNaN)});
        r.add("IsInf", new int[] {10, 20}, n -> {
            boolean pos = n.intAttr("detect_positive", 1) != 0;
            boolean neg = n.intAttr("detect_negative", 1) != 0;
            return (in, ctx) -> new Value[] {test(in[0], v -> (pos && v == Float.POSITIVE_INFINITY)
                    || (neg && v == Float.NEGATIVE_INFINITY))};
        });
        r.add("Hardmax", new int[] {1, 11, 13}, MiscOps::hardmax);
        r.add("Shrink", new int[] {9}, n -> {
            float lambd = n.floatAttr("lambd", 0.5f);
            float bias = n.floatAttr("bias", 0f);
            return (in, ctx) -> {
                Tensor x = in[0].toFloat();
                Tensor zero = Tensor.zeros(x.shape());
                Tensor y = Tensor.where(x.lt(Tensor.scalar(-lambd)), x.add(bias),
                        Tensor.where(x.gt(Tensor.scalar(lambd)), x.sub(bias), zero));
                return new Value[] {Values.like(y, in[0])};
            };
        });
        r.add("EyeLike", new int[] {9}, n -> {
            int k = n.intAttr("k", 0);
            int dtype = n.intAttr("dtype", 0);
            return (in, ctx) -> {
                int[] s = in[0].shape();
                if (s.length != 2) {
                    throw n.invalid("input must be 2-D, got shape " + java.util.Arrays.toString(s));
                }
                long[] eye = new long[s[0] * s[1]];
                for (int i = 0; i < s[0]; i++) {
                    int j = i + k;
                    if (j >= 0 && j < s[1]) {
                        eye[i * s[1] + j] = 1;
                    }
                }
                DataType type = dtype == 0 ? in[0].type() : DataType.fromCode(dtype);
                return new Value[] {Values.cast(Value.of(LongTensor.of(eye, s)), type)};
            };
        });
    }

    /** A float predicate. */
    private interface FloatTest {
        boolean test(float v);
    }

    private static Value test(Value x, FloatTest t) {
        float[] d = x.toFloat().toArray();
        boolean[] out = new boolean[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = t.test(d[i]);
        }
        return Value.of(BoolTensor.of(out, x.shape()));
    }

    private static Kernel hardmax(NodeSpec n) {
        boolean coerce2d = n.version() < 13;
        int axis = n.intAttr("axis", coerce2d ? 1 : -1);
        return (in, ctx) -> {
            Tensor x = in[0].toFloat();
            int[] shape = x.shape();
            Tensor m = x;
            int a;
            if (coerce2d) {
                int ax = Shape.axis(n.describe(), axis, shape.length);
                int rows = 1;
                for (int i = 0; i < ax; i++) {
                    rows *= shape[i];
                }
                m = x.reshape(rows, rows == 0 ? 0 : x.numel() / Math.max(rows, 1));
                a = 1;
            } else {
                a = Shape.axis(n.describe(), axis, shape.length);
            }
            LongTensor idx = m.argmax(a, true);
            int len = m.size(a);
            long[] pos = idx.toArray();
            int[] ms = m.shape();
            int inner = 1;
            for (int i = a + 1; i < ms.length; i++) {
                inner *= ms[i];
            }
            float[] out = new float[m.numel()];
            for (int i = 0; i < pos.length; i++) {
                int outer = i / inner;
                int rest = i % inner;
                out[(outer * len + (int) pos[i]) * inner + rest] = 1f;
            }
            return new Value[] {Values.like(Tensor.of(out, ms).reshape(shape), in[0])};
        };
    }
}
