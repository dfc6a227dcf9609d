package dev.graft.onnx.ops;

import dev.graft.engine.BoolTensor;
import dev.graft.engine.Shape;
import dev.graft.onnx.Value;

/** OneHot: {@code values[1]} where the index matches, {@code values[0]} elsewhere; negative indices count from depth. */
final class OneHotOp {

    private OneHotOp() {
    }

    static void register(OpRegistry r) {
        r.add("OneHot", new int[] {9, 11}, ShapeRule.FIRST_SHAPE_AND_OTHER_VALUES, n -> {
            int axis = n.intAttr("axis", -1);
            return (in, ctx) -> {
                long[] indices = in[0].toLongArray();
                double depthValue = in[1].toDoubleArray()[0];
                long depth = (long) depthValue;
                int[] s = in[0].shape();
                int a = Shape.axis(n.describe(), axis, s.length + 1);
                int[] out = new int[s.length + 1];
                for (int i = 0, j = 0; i < out.length; i++) {
                    out[i] = i == a ? (int) Math.min(depth, Values.MAX_CREATED_ELEMENTS) : s[j++];
                }
                if (depth < 1) {
                    throw n.invalid("depth must be >= 1, got " + depthValue);
                }
                Values.checkCreated(n, out);
                int inner = 1;
                for (int i = a + 1; i < out.length; i++) {
                    inner *= out[i];
                }
                boolean[] hot = new boolean[Shape.numel(out)];
                for (int i = 0; i < indices.length; i++) {
                    long v = indices[i] < 0 ? indices[i] + depth : indices[i];
                    if (v < 0 || v >= depth) {
                        continue;
                    }
                    int outer = i / inner;
                    int rest = i % inner;
                    hot[(outer * (int) depth + (int) v) * inner + rest] = true;
                }
                Value values = in[2];
                Value off = Values.move("OneHot", values, t -> t.slice(0, 0, 1, 1).reshape());
                Value on = Values.move("OneHot", values, t -> t.slice(0, 1, 2, 1).reshape());
                return new Value[] {LogicOps.where(BoolTensor.of(hot, out), on, off)};
            };
        });
    }
}
