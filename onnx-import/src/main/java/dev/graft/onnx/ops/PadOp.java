package dev.graft.onnx.ops;

import dev.graft.engine.LongTensor;
import dev.graft.engine.BoolTensor;
import dev.graft.engine.PadMode;
import dev.graft.engine.Shape;
import dev.graft.engine.Tensor;
import dev.graft.onnx.DataType;
import dev.graft.onnx.Value;

/**
 * Pad: amounts and fill value from attributes (Pad-2) or inputs (Pad-11 on), optional axes
 * (Pad-18), modes constant, reflect and edge.
 */
final class PadOp {

    private PadOp() {
    }

    static void register(OpRegistry r) {
        r.add("Pad", new int[] {1, 2, 11, 13, 18, 19, 21}, ShapeRule.FIRST_SHAPE_AND_OTHER_VALUES, PadOp::pad);
    }

    private static Kernel pad(NodeSpec n) {
        String modeName = n.stringAttr("mode", "constant");
        PadMode mode = switch (modeName) {
            case "constant" -> PadMode.CONSTANT;
            case "reflect" -> PadMode.REFLECT;
            case "edge" -> PadMode.EDGE;
            case "wrap" -> throw n.unsupported("mode 'wrap'");
            default -> throw n.invalid("unknown mode '" + modeName + "' (expected constant, reflect, edge or wrap)");
        };
        boolean attrs = n.version() < 11;
        long[] attrPads = attrs ? n.intsAttr(n.version() < 2 ? "paddings" : "pads") : null;
        float attrValue = n.floatAttr("value", 0f);
        return (in, ctx) -> {
            Value x = in[0];
            int rank = x.rank();
            long[] given = attrs ? attrPads : Values.longs(n, "pads", in[1]);
            if (given == null) {
                throw n.invalid("pads are required");
            }
            long[] axes = !attrs && in.length > 3 && in[3] != null ? Values.longs(n, "axes", in[3]) : null;
            long[] pads = new long[2 * rank];
            if (axes == null) {
                if (given.length != 2 * rank) {
                    throw n.invalid(given.length + " pad amounts for an input of rank " + rank + " (expected " + 2 * rank + ")");
                }
                pads = given;
            } else {
                if (given.length != 2 * axes.length) {
                    throw n.invalid(given.length + " pad amounts for " + axes.length + " axes");
                }
                for (int i = 0; i < axes.length; i++) {
                    int a = Shape.axis(n.describe(), (int) axes[i], rank);
                    pads[a] = given[i];
                    pads[a + rank] = given[i + axes.length];
                }
            }
            int[] p = n.toInts("pads", pads);
            int[] out = x.shape();
            for (int i = 0; i < rank; i++) {
                out[i] += p[i] + p[i + rank];
            }
            Values.checkCreated(n, out);
            Value fill = !attrs && in.length > 2 && in[2] != null ? in[2] : null;
            if (x.kind() == DataType.Kind.FLOAT) {
                float v = fill == null ? attrValue : fill.toFloat().item();
                return new Value[] {Value.of(x.floatTensor().pad(p, mode, v), x.type())};
            }
            // integer and bool data: pad positions, marking new cells with -1, then pick
            Values.Tracked pos = Values.track(x.shape(), t -> t.pad(p, mode, -1f));
            long[] where = pos.positions();
            if (x.kind() == DataType.Kind.INT) {
                long v = fill == null ? (long) attrValue : fill.toLongArray()[0];
                long[] src = x.toLongArray();
                long[] r = new long[where.length];
                for (int i = 0; i < r.length; i++) {
                    r[i] = where[i] < 0 ? v : src[(int) where[i]];
                }
                return new Value[] {Value.of(LongTensor.of(r, pos.shape()), x.type())};
            }
            boolean v = fill != null && fill.boolTensor().toArray()[0];
            boolean[] src = x.boolTensor().toArray();
            boolean[] r = new boolean[where.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = where[i] < 0 ? v : src[(int) where[i]];
            }
            return new Value[] {Value.of(BoolTensor.of(r, pos.shape()))};
        };
    }
}
