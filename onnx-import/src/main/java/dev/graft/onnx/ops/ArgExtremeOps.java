package dev.graft.onnx.ops;

import dev.graft.engine.LongTensor;
import dev.graft.engine.Shape;
import dev.graft.engine.Tensor;
import dev.graft.onnx.Value;

/** ArgMax and ArgMin, including {@code select_last_index}. */
final class ArgExtremeOps {

    private ArgExtremeOps() {
    }

    static void register(OpRegistry r) {
        int[] versions = {1, 11, 12, 13};
        r.add("ArgMax", versions, n -> kernel(n, true));
        r.add("ArgMin", versions, n -> kernel(n, false));
    }

    private static Kernel kernel(NodeSpec n, boolean largest) {
        int axis = n.intAttr("axis", 0);
        boolean keep = n.intAttr("keepdims", 1) != 0;
        boolean last = n.intAttr("select_last_index", 0) != 0;
        return (in, ctx) -> {
            Tensor x = in[0].toFloat();
            int a = Shape.axis(n.describe(), axis, x.dim());
            int len = x.size(a);
            if (last) {
                // the first extreme of the reversed axis is the last one of the original
                long[] rev = new long[len];
                for (int i = 0; i < len; i++) {
                    rev[i] = len - 1 - i;
                }
                x = x.indexSelect(a, LongTensor.of(rev, len));
            }
            LongTensor idx = largest ? x.argmax(a, keep) : x.argmin(a, keep);
            if (last) {
                long[] d = idx.toArray();
                for (int i = 0; i < d.length; i++) {
                    d[i] = len - 1 - d[i];
                }
                idx = LongTensor.of(d, idx.shape());
            }
            return new Value[] {Value.of(idx)};
        };
    }
}
