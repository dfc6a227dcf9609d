package dev.graft.onnx.ops;

import dev.graft.engine.LongTensor;
import dev.graft.engine.Shape;
import dev.graft.onnx.Value;

/** Gather and GatherElements, for data of any type. */
final class IndexOps {

    private IndexOps() {
    }

    static void register(OpRegistry r) {
        r.add("Gather", new int[] {1, 11, 13}, n -> {
            int axis = n.intAttr("axis", 0);
            return (in, ctx) -> {
                int a = Shape.axis(n.describe(), axis, in[0].rank());
                LongTensor idx = LongTensor.of(in[1].toLongArray(), in[1].shape());
                return new Value[] {Values.move("Gather", in[0], t -> t.gather(a, idx))};
            };
        });
        r.add("GatherElements", new int[] {11, 13}, n -> {
            int axis = n.intAttr("axis", 0);
            return (in, ctx) -> {
                int a = Shape.axis(n.describe(), axis, in[0].rank());
                LongTensor idx = LongTensor.of(in[1].toLongArray(), in[1].shape());
                return new Value[] {Values.move("GatherElements", in[0], t -> t.gatherElements(a, idx))};
            };
        });
    }
}
