package dev.graft.onnx.ops;

import dev.graft.engine.LongTensor;
import dev.graft.engine.Shape;
import dev.graft.engine.Tensor;
import dev.graft.onnx.DataType;
import dev.graft.onnx.Value;
import java.util.Arrays;

/**
 * QuantizeLinear, DequantizeLinear and DynamicQuantizeLinear (8-bit integer types), per tensor or
 * per axis. Quantized values are integers, so nothing here carries a gradient.
 */
final class QuantizeOps {

    private QuantizeOps() {
    }

    static void register(OpRegistry r) {
        r.add("QuantizeLinear", new int[] {10, 13, 19, 21}, QuantizeOps::quantize);
        r.add("DequantizeLinear", new int[] {10, 13, 19, 21}, QuantizeOps::dequantize);
        r.add("DynamicQuantizeLinear", new int[] {11}, n -> (in, ctx) -> {
            float[] x = in[0].toFloat().toArray();
            double min = 0;
            double max = 0;
            for (float v : x) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            float scale = (float) ((max - min) / 255);
            long zp = scale == 0 ? 0 : saturate(Math.rint(-min / scale), DataType.UINT8);
            long[] q = new long[x.length];
            for (int i = 0; i < x.length; i++) {
                q[i] = scale == 0 ? zp : saturate(Math.rint(x[i] / scale) + zp, DataType.UINT8);
            }
            return new Value[] {Value.of(LongTensor.of(q, in[0].shape()), DataType.UINT8), Value.of(Tensor.scalar(scale)),
                Value.of(LongTensor.scalar(zp), DataType.UINT8)};
        });
    }

    private static long saturate(double v, DataType type) {
        double lo = switch (type) {
            case INT8 -> -128;
            case INT16 -> -32768;
            case UINT8, UINT16 -> 0;
            default -> Integer.MIN_VALUE;
        };
        double hi = switch (type) {
            case INT8 -> 127;
            case UINT8 -> 255;
            case INT16 -> 32767;
            case UINT16 -> 65535;
            default -> Integer.MAX_VALUE;
        };
        return (long) Math.max(lo, Math.min(hi, v));
    }

    /** Per-element index into a per-axis parameter of length {@code shape[axis]}, or 0 for a scalar one. */
    private static int[] paramIndex(NodeSpec n, int[] shape, int axis, Value param) {
        int count = Shape.numel(shape);
        int[] idx = new int[count];
        if (param.numel() == 1) {
            return idx;
        }
        int a = Shape.axis(n.describe(), axis, shape.length);
        if (param.rank() != 1 || param.numel() != shape[a]) {
            throw n.invalid("scale of shape " + Arrays.toString(param.shape()) + " does not match axis " + axis
                    + " of input shape " + Arrays.toString(shape));
        }
        int inner = 1;
        for (int i = a + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        for (int i = 0; i < count; i++) {
            idx[i] = (i / inner) % shape[a];
        }
        return idx;
    }

    private static Kernel quantize(NodeSpec n) {
        int axis = n.intAttr("axis", 1);
        if (n.intAttr("block_size", 0) != 0) {
            throw n.unsupported("blocked quantization (block_size)");
        }
        return (in, ctx) -> {
            float[] x = in[0].toFloat().toArray();
            float[] scale = in[1].toFloat().toArray();
            Value zpv = in.length > 2 ? in[2] : null;
            DataType type = zpv == null ? DataType.UINT8 : zpv.type();
            if (type.kind() != DataType.Kind.INT) {
                throw n.unsupported("quantizing to " + type);
            }
            long[] zp = zpv == null ? new long[1] : zpv.toLongArray();
            int[] p = paramIndex(n, in[0].shape(), axis, in[1]);
            long[] q = new long[x.length];
            for (int i = 0; i < x.length; i++) {
                q[i] = saturate(Math.rint(x[i] / scale[p[i]]) + zp[zp.length == 1 ? 0 : p[i]], type);
            }
            return new Value[] {Value.of(LongTensor.of(q, in[0].shape()), type)};
        };
    }

    private static Kernel dequantize(NodeSpec n) {
        int axis = n.intAttr("axis", 1);
        if (n.intAttr("block_size", 0) != 0) {
            throw n.unsupported("blocked quantization (block_size)");
        }
        return (in, ctx) -> {
            long[] x = in[0].toLongArray();
            float[] scale = in[1].toFloat().toArray();
            long[] zp = in.length > 2 && in[2] != null ? in[2].toLongArray() : new long[1];
            int[] p = paramIndex(n, in[0].shape(), axis, in[1]);
            float[] y = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                y[i] = (x[i] - zp[zp.length == 1 ? 0 : p[i]]) * scale[p[i]];
            }
            return new Value[] {Value.of(Tensor.of(y, in[0].shape()), in[1].type())};
        };
    }
}
