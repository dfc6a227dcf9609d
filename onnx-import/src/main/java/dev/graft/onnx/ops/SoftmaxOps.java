package dev.graft.onnx.ops;

import dev.graft.engine.Shape;
import dev.graft.engine.Tensor;
import dev.graft.onnx.Value;

/**
 * Softmax and LogSoftmax. Before opset 13 the input is viewed as a matrix {@code [prod(dims before
 * axis), prod(dims from axis)]} and normalised along its rows; from 13 on, along the one axis.
 */
final class SoftmaxOps {

    private SoftmaxOps() {
    }

    static void register(OpRegistry r) {
        int[] versions = {1, 11, 13};
        r.add("Softmax", versions, n -> kernel(n, false));
        r.add("LogSoftmax", versions, n -> kernel(n, true));
    }

    private static Kernel kernel(NodeSpec n, boolean log) {
        boolean coerce2d = n.version() < 13;
        int axis = n.intAttr("axis", coerce2d ? 1 : -1);
        return (in, ctx) -> {
            Tensor x = in[0].toFloat();
            Tensor y;
            if (coerce2d) {
                int[] shape = x.shape();
                int a = shape.length == 0 ? 0 : Shape.axis(n.describe(), axis, shape.length);
                int rows = 1;
                for (int i = 0; i < a; i++) {
                    rows *= shape[i];
                }
                int cols = rows == 0 ? 0 : x.numel() / Math.max(rows, 1);
                Tensor m = x.reshape(rows, cols);
                y = (log ? m.logSoftmax(1) : m.softmax(1)).reshape(shape);
            } else {
                y = log ? x.logSoftmax(axis) : x.softmax(axis);
            }
            return new Value[] {Values.like(y, in[0])};
        };
    }
}
