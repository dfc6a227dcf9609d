package dev.graft.onnx.ops;

import dev.graft.onnx.Value;
import java.util.Arrays;

/**
 * Broadcasting before opset 7: binary ops took {@code broadcast=1} and an optional {@code axis}
 * at which the second operand's dimensions line up with the first's. Reshaping the second
 * operand with trailing ones turns that into numpy broadcasting, which the kernels implement.
 */
final class LegacyBroadcast {

    private LegacyBroadcast() {
    }

    /** @return {@code b}, reshaped so numpy broadcasting against {@code a} means what the node's legacy attributes said */
    static Value align(NodeSpec n, Value a, Value b) {
        if (n.version() >= 7 || n.intAttr("broadcast", 0) == 0 || !n.has("axis")) {
            return b;
        }
        int rank = a.rank();
        int axis = n.intAttr("axis", 0);
        int at = axis < 0 ? axis + rank : axis;
        int trailing = rank - at - b.rank();
        if (at < 0 || trailing < 0) {
            throw n.invalid("axis " + axis + " does not place a tensor of shape " + Arrays.toString(b.shape())
                    + " inside one of shape " + Arrays.toString(a.shape()));
        }
        int[] target = Arrays.copyOf(b.shape(), b.rank() + trailing);
        Arrays.fill(target, b.rank(), target.length, 1);
        return Values.move("broadcast", b, t -> t.reshape(target));
    }
}
