package dev.graft.onnx.ops;

import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import dev.graft.onnx.Value;
import java.util.Arrays;

/**
 * Resize and Upsample in nearest and (multi)linear modes. Resizing is separable, so each axis
 * whose size changes is resampled in turn: nearest as an index selection, linear as a weighted
 * sum of two index selections, both differentiable through the engine.
 */
final class ResizeOps {

    private ResizeOps() {
    }

    static void register(OpRegistry r) {
        r.add("Resize", new int[] {10, 11, 13, 18, 19}, ShapeRule.FIRST_SHAPE_AND_OTHER_VALUES, ResizeOps::resize);
        r.add("Upsample", new int[] {1, 7, 9, 10}, ShapeRule.FIRST_SHAPE_AND_OTHER_VALUES, ResizeOps::upsample);
    }

    /** Maps an output coordinate to an input coordinate. */
    private interface Transform {
        /**
         * @param outSize the output size
         * @param outLength the output length the coordinate system assumes: the requested size, or
         *                  {@code inSize * scale} unrounded when scales were given
         */
        double apply(int out, double scale, int inSize, int outSize, double outLength);
    }

    private static Transform transform(NodeSpec n, String mode) {
        return switch (mode) {
            case "half_pixel" -> (o, sc, in, size, len) -> (o + 0.5) / sc - 0.5;
            case "half_pixel_symmetric" -> (o, sc, in, size, len) -> {
                double offset = in / 2.0 * (1 - size / len);
                return offset + (o + 0.5) / sc - 0.5;
            };
            case "pytorch_half_pixel" -> (o, sc, in, size, len) -> size > 1 ? (o + 0.5) / sc - 0.5 : 0;
            case "tf_half_pixel_for_nn" -> (o, sc, in, size, len) -> (o + 0.5) / sc;
            case "align_corners" -> (o, sc, in, size, len) -> len == 1 ? 0 : o * (in - 1.0) / (len - 1.0);
            case "asymmetric" -> (o, sc, in, size, len) -> o / sc;
            case "tf_crop_and_resize" -> throw n.unsupported("coordinate_transformation_mode 'tf_crop_and_resize'");
            default -> throw n.invalid("unknown coordinate_transformation_mode '" + mode + "'");
        };
    }

    private static Kernel resize(NodeSpec n) {
        String mode = n.stringAttr("mode", "nearest");
        if (!mode.equals("nearest") && !mode.equals("linear") && !mode.equals("cubic")) {
            throw n.invalid("unknown mode '" + mode + "' (expected nearest, linear or cubic)");
        }
        Cubic cubic = mode.equals("cubic")
                ? new Cubic(n.floatAttr("cubic_coeff_a", -0.75f), n.intAttr("exclude_outside", 0) != 0) : null;
        if (n.intAttr("antialias", 0) != 0) {
            throw n.unsupported("antialias=1");
        }
        String policy = n.stringAttr("keep_aspect_ratio_policy", "stretch");
        if (!policy.equals("stretch")) {
            throw n.unsupported("keep_aspect_ratio_policy '" + policy + "'");
        }
        Transform t = n.version() < 11 ? transform(n, "asymmetric")
                : transform(n, n.stringAttr("coordinate_transformation_mode", "half_pixel"));
        String nearestMode = n.version() < 11 ? "floor" : n.stringAttr("nearest_mode", "round_prefer_floor");
        int[] axesAttr = n.intArrayAttr("axes");
        return (in, ctx) -> {
            Value x = in[0];
            int rank = x.rank();
            int[] inShape = x.shape();
            double[] scales = new double[rank];
            int[] outShape = new int[rank];
            Value scalesV = n.version() < 11 ? in[1] : in.length > 2 ? in[2] : null;
            Value sizesV = n.version() >= 11 && in.length > 3 ? in[3] : null;
            int[] axes = axesAttr;
            if (axes == null) {
                axes = new int[rank];
                for (int i = 0; i < rank; i++) {
                    axes[i] = i;
                }
            }
            for (int i = 0; i < rank; i++) {
                scales[i] = 1;
                outShape[i] = inShape[i];
            }
            if (sizesV != null && sizesV.numel() > 0) {
                long[] sizes = Values.longs(n, "sizes", sizesV);
                if (sizes.length != axes.length) {
                    throw n.invalid("sizes has " + sizes.length + " entries, expected " + axes.length);
                }
                int[] sz = Values.shapeFrom(n, sizes);
                for (int i = 0; i < axes.length; i++) {
                    int a = axes[i] < 0 ? axes[i] + rank : axes[i];
                    outShape[a] = sz[i];
                    scales[a] = (double) sz[i] / inShape[a];
                }
            } else if (scalesV != null && scalesV.numel() > 0) {
                double[] sc = scalesV.toDoubleArray();
                if (sc.length != axes.length) {
                    throw n.invalid("scales has " + sc.length + " entries, expected " + axes.length);
                }
                for (int i = 0; i < axes.length; i++) {
                    int a = axes[i] < 0 ? axes[i] + rank : axes[i];
                    if (!(sc[i] > 0)) {
                        throw n.invalid("scales must be positive, got " + Arrays.toString(sc));
                    }
                    scales[a] = sc[i];
                    outShape[a] = (int) Math.min(Values.MAX_CREATED_ELEMENTS, Math.floor(inShape[a] * sc[i]));
                }
            } else {
                throw n.invalid("needs either scales or sizes");
            }
            Values.checkCreated(n, outShape);
            return new Value[] {resample(x, inShape, outShape, scales, sizesV != null && sizesV.numel() > 0,
                    mode.equals("linear"), cubic, t, nearestMode, n)};
        };
    }

    private static Kernel upsample(NodeSpec n) {
        if (n.version() < 7) {
            throw n.unsupported("Upsample-1 (width_scale and height_scale attributes)");
        }
        String mode = n.stringAttr("mode", "nearest");
        if (!mode.equals("nearest") && !mode.equals("linear") && !mode.equals("bilinear")) {
            throw n.unsupported("mode '" + mode + "'");
        }
        float[] attrScales = n.version() < 9 ? n.floatsAttr("scales") : null;
        Transform t = transform(n, "asymmetric");
        return (in, ctx) -> {
            Value x = in[0];
            double[] sc;
            if (attrScales != null) {
                sc = new double[attrScales.length];
                for (int i = 0; i < sc.length; i++) {
                    sc[i] = attrScales[i];
                }
            } else {
                sc = in[1].toDoubleArray();
            }
            int[] inShape = x.shape();
            if (sc.length != inShape.length) {
                throw n.invalid("scales has " + sc.length + " entries for an input of rank " + inShape.length);
            }
            int[] outShape = new int[sc.length];
            for (int i = 0; i < sc.length; i++) {
                outShape[i] = (int) Math.min(Values.MAX_CREATED_ELEMENTS, Math.floor(inShape[i] * sc[i]));
            }
            Values.checkCreated(n, outShape);
            return new Value[] {resample(x, inShape, outShape, sc, false, !mode.equals("nearest"), null, t, "floor", n)};
        };
    }

    private static Value resample(Value x, int[] inShape, int[] outShape, double[] scales, boolean fromSizes,
                                  boolean linear, Cubic cubic, Transform t, String nearestMode, NodeSpec n) {
        double[] outLength = new double[inShape.length];
        for (int a = 0; a < inShape.length; a++) {
            outLength[a] = fromSizes ? outShape[a] : inShape[a] * scales[a];
        }
        Value y = x;
        for (int a = 0; a < inShape.length; a++) {
            if (outShape[a] == inShape[a] && scales[a] == 1) {
                continue;
            }
            int axis = a;
            int inSize = inShape[a];
            int outSize = outShape[a];
            if (cubic != null) {
                y = cubic.apply(y, x, a, inSize, outSize, scales[a], outLength[a], t);
                continue;
            }
            if (!linear) {
                long[] idx = new long[outSize];
                for (int o = 0; o < outSize; o++) {
                    double c = t.apply(o, scales[a], inSize, outSize, outLength[a]);
                    idx[o] = Math.max(0, Math.min(inSize - 1, round(c, nearestMode, n)));
                }
                LongTensor li = LongTensor.of(idx, outSize);
                y = Values.move("Resize", y, v -> v.indexSelect(axis, li));
                continue;
            }
            long[] lo = new long[outSize];
            long[] hi = new long[outSize];
            float[] w = new float[outSize];
            for (int o = 0; o < outSize; o++) {
                double c = Math.max(0, Math.min(inSize - 1, t.apply(o, scales[a], inSize, outSize, outLength[a])));
                long f = (long) Math.floor(c);
                lo[o] = f;
                hi[o] = Math.min(inSize - 1, f + 1);
                w[o] = (float) (c - f);
            }
            int[] wShape = new int[inShape.length];
            Arrays.fill(wShape, 1);
            wShape[a] = outSize;
            Tensor weight = Tensor.of(w, wShape);
            Tensor v = y.toFloat();
            Tensor low = v.indexSelect(axis, LongTensor.of(lo, outSize));
            Tensor high = v.indexSelect(axis, LongTensor.of(hi, outSize));
            y = Value.of(low.add(high.sub(low).mul(weight)), x.kind() == dev.graft.onnx.DataType.Kind.FLOAT ? x.type()
                    : dev.graft.onnx.DataType.FLOAT);
        }
        return y;
    }

    /**
     * Cubic convolution along one axis: four taps around each source coordinate, weighted by
     * Keys' kernel with coefficient {@code a}; taps past the edge repeat the edge element, or are
     * dropped and the rest renormalised when {@code excludeOutside}.
     */
    private record Cubic(float a, boolean excludeOutside) {

        double weight(double t) {
            double d = Math.abs(t);
            if (d <= 1) {
                return ((a + 2) * d - (a + 3)) * d * d + 1;
            }
            if (d < 2) {
                return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
            }
            return 0;
        }

        Value apply(Value y, Value x, int axis, int inSize, int outSize, double scale, double outLength, Transform t) {
            long[][] idx = new long[4][outSize];
            float[][] w = new float[4][outSize];
            for (int o = 0; o < outSize; o++) {
                double c = t.apply(o, scale, inSize, outSize, outLength);
                double base = Math.floor(c);
                double r = c - base;
                double sum = 0;
                double[] ws = new double[4];
                for (int k = 0; k < 4; k++) {
                    long pos = (long) base - 1 + k;
                    ws[k] = weight(r + 1 - k);
                    if (excludeOutside && (pos < 0 || pos >= inSize)) {
                        ws[k] = 0;
                    }
                    sum += ws[k];
                    idx[k][o] = Math.max(0, Math.min(inSize - 1, pos));
                }
                for (int k = 0; k < 4; k++) {
                    w[k][o] = (float) (excludeOutside && sum != 0 ? ws[k] / sum : ws[k]);
                }
            }
            int[] wShape = new int[x.rank()];
            Arrays.fill(wShape, 1);
            wShape[axis] = outSize;
            Tensor v = y.toFloat();
            Tensor acc = null;
            for (int k = 0; k < 4; k++) {
                Tensor term = v.indexSelect(axis, LongTensor.of(idx[k], outSize)).mul(Tensor.of(w[k], wShape));
                acc = acc == null ? term : acc.add(term);
            }
            return Value.of(acc, x.kind() == dev.graft.onnx.DataType.Kind.FLOAT ? x.type() : dev.graft.onnx.DataType.FLOAT);
        }
    }

    private static long round(double c, String mode, NodeSpec n) {
        return switch (mode) {
            case "round_prefer_floor" -> c - Math.floor(c) == 0.5 ? (long) Math.floor(c) : Math.round(c);
            case "round_prefer_ceil" -> c - Math.floor(c) == 0.5 ? (long) Math.ceil(c) : Math.round(c);
            case "floor" -> (long) Math.floor(c);
            case "ceil" -> (long) Math.ceil(c);
            default -> throw n.invalid("unknown nearest_mode '" + mode + "'");
        };
    }
}
