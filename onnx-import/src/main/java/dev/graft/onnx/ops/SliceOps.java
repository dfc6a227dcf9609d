package dev.graft.onnx.ops;

import dev.graft.engine.LongTensor;
import dev.graft.engine.Shape;
import dev.graft.engine.Tensor;
import dev.graft.onnx.Value;

/**
 * Slice: starts, ends, axes and steps from attributes (Slice-1) or inputs (Slice-10 on),
 * with ONNX's clamping rules and negative steps.
 */
final class SliceOps {

    private SliceOps() {
    }

    static void register(OpRegistry r) {
        r.add("Slice", new int[] {1, 10, 11, 13}, ShapeRule.FIRST_SHAPE_AND_OTHER_VALUES, SliceOps::slice);
    }

    private static Kernel slice(NodeSpec n) {
        boolean attrs = n.version() < 10;
        long[] aStarts = attrs ? n.intsAttr("starts") : null;
        long[] aEnds = attrs ? n.intsAttr("ends") : null;
        long[] aAxes = attrs ? n.intsAttr("axes") : null;
        if (attrs && (aStarts == null || aEnds == null)) {
            throw n.invalid("attributes 'starts' and 'ends' are required");
        }
        return (in, ctx) -> {
            long[] starts = attrs ? aStarts : Values.longs(n, "starts", in[1]);
            long[] ends = attrs ? aEnds : Values.longs(n, "ends", in[2]);
            long[] axes = attrs ? aAxes : in.length > 3 && in[3] != null ? Values.longs(n, "axes", in[3]) : null;
            long[] steps = !attrs && in.length > 4 && in[4] != null ? Values.longs(n, "steps", in[4]) : null;
            if (starts.length != ends.length || (axes != null && axes.length != starts.length)
                    || (steps != null && steps.length != starts.length)) {
                throw n.invalid("starts, ends, axes and steps must have the same length");
            }
            int rank = in[0].rank();
            int[] shape = in[0].shape();
            return new Value[] {Values.move("Slice", in[0], t -> {
                Tensor y = t;
                for (int i = 0; i < starts.length; i++) {
                    int axis = Shape.axis(n.describe(), axes == null ? i : (int) axes[i], rank);
                    long step = steps == null ? 1 : steps[i];
                    if (step == 0) {
                        throw n.invalid("step must not be 0");
                    }
                    y = sliceAxis(y, axis, shape[axis], starts[i], ends[i], step);
                }
                return y;
            })};
        };
    }

    static Tensor sliceAxis(Tensor t, int axis, int dim, long start, long end, long step) {
        long s = start < 0 ? start + dim : start;
        long e = end < 0 ? end + dim : end;
        if (step > 0) {
            s = Math.max(0, Math.min(s, dim));
            e = Math.max(0, Math.min(e, dim));
            return t.slice(axis, (int) s, (int) Math.max(s, e), (int) Math.min(step, Integer.MAX_VALUE));
        }
        s = Math.max(0, Math.min(s, dim - 1));
        e = Math.max(-1, Math.min(e, dim - 1));
        int count = s > e ? (int) ((s - e - 1) / -step + 1) : 0;
        long[] idx = new long[count];
        for (int k = 0; k < count; k++) {
            idx[k] = s + k * step;
        }
        return t.indexSelect(axis, LongTensor.of(idx, count));
    }
}
