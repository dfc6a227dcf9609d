package dev.graft.onnx.ops;

import dev.graft.engine.BoolTensor;
import dev.graft.engine.Shape;
import dev.graft.engine.Tensor;
import dev.graft.onnx.DataType;
import dev.graft.onnx.Value;
import java.util.Arrays;

/**
 * Ops that rearrange elements without computing new ones: Flatten, Reshape, Transpose, Squeeze,
 * Unsqueeze, Concat, Split, Expand, Tile, DepthToSpace, SpaceToDepth, Identity and Dropout.
 */
final class MovementOps {

    private MovementOps() {
    }

    static void register(OpRegistry r) {
        ShapeRule byValues = ShapeRule.FIRST_SHAPE_AND_OTHER_VALUES;
        r.add("Identity", new int[] {1, 13, 14, 16, 19, 21}, n -> (in, ctx) -> new Value[] {in[0]});
        r.add("Flatten", new int[] {1, 9, 11, 13, 21}, MovementOps::flatten);
        r.add("Reshape", new int[] {1, 5, 13, 14, 19, 21}, byValues, MovementOps::reshape);
        r.add("Transpose", new int[] {1, 13, 21}, MovementOps::transpose);
        r.add("Squeeze", new int[] {1, 11, 13, 21}, byValues, MovementOps::squeeze);
        r.add("Unsqueeze", new int[] {1, 11, 13, 21}, byValues, MovementOps::unsqueeze);
        r.add("Concat", new int[] {1, 4, 11, 13}, MovementOps::concat);
        r.add("Split", new int[] {1, 2, 11, 13, 18}, byValues, MovementOps::split);
        r.add("Expand", new int[] {8, 13}, byValues, MovementOps::expand);
        r.add("Tile", new int[] {1, 6, 13}, byValues, MovementOps::tile);
        r.add("DepthToSpace", new int[] {1, 11, 13}, MovementOps::depthToSpace);
        r.add("SpaceToDepth", new int[] {1, 13}, MovementOps::spaceToDepth);
        r.add("Dropout", new int[] {1, 6, 7, 10, 12, 13}, MovementOps::dropout);
    }

    private static Kernel flatten(NodeSpec n) {
        int axis = n.intAttr("axis", 1);
        return (in, ctx) -> {
            int[] s = in[0].shape();
            int a = axis < 0 ? axis + s.length : axis;
            if (a < 0 || a > s.length) {
                throw n.invalid("axis " + axis + " is out of range for rank " + s.length);
            }
            int rows = 1;
            for (int i = 0; i < a; i++) {
                rows *= s[i];
            }
            int cols = 1;
            for (int i = a; i < s.length; i++) {
                cols *= s[i];
            }
            int[] target = {rows, cols};
            return new Value[] {Values.move("Flatten", in[0], t -> t.reshape(target))};
        };
    }

    private static Kernel reshape(NodeSpec n) {
        if (n.version() < 5) {
            throw n.unsupported("Reshape-1 (shape as an attribute)");
        }
        boolean allowZero = n.intAttr("allowzero", 0) != 0;
        return (in, ctx) -> {
            long[] spec = Values.longs(n, "shape", in[1]);
            int[] s = in[0].shape();
            int[] target = new int[spec.length];
            for (int i = 0; i < spec.length; i++) {
                long d = spec[i];
                if (d == 0 && !allowZero) {
                    if (i >= s.length) {
                        throw n.invalid("shape entry " + i + " is 0 (copy) but the input has rank " + s.length);
                    }
                    d = s[i];
                }
                if (d < -1 || d > Values.MAX_CREATED_ELEMENTS) {
                    throw n.invalid("invalid shape entry " + d + " in " + Arrays.toString(spec));
                }
                target[i] = (int) d;
            }
            return new Value[] {Values.move("Reshape", in[0], t -> t.reshape(target))};
        };
    }

    private static Kernel transpose(NodeSpec n) {
        int[] perm = n.intArrayAttr("perm");
        return (in, ctx) -> {
            int rank = in[0].rank();
            int[] p = perm;
            if (p == null) {
                p = new int[rank];
                for (int i = 0; i < rank; i++) {
                    p[i] = rank - 1 - i;
                }
            }
            int[] fp = p;
            return new Value[] {Values.move("Transpose", in[0], t -> t.permute(fp))};
        };
    }

    private static long[] axesFrom(NodeSpec n, Value[] in, int since) {
        if (n.version() < since) {
            return n.intsAttr("axes");
        }
        return in.length > 1 && in[1] != null ? Values.longs(n, "axes", in[1]) : null;
    }

    private static Kernel squeeze(NodeSpec n) {
        return (in, ctx) -> {
            long[] axes = axesFrom(n, in, 13);
            int[] a = axes == null ? new int[0] : n.toInts("axes", axes);
            return new Value[] {Values.move("Squeeze", in[0], t -> t.squeeze(a))};
        };
    }

    private static Kernel unsqueeze(NodeSpec n) {
        return (in, ctx) -> {
            long[] axes = axesFrom(n, in, 13);
            if (axes == null) {
                throw n.invalid("axes are required");
            }
            int outRank = in[0].rank() + axes.length;
            int[] a = new int[axes.length];
            for (int i = 0; i < a.length; i++) {
                a[i] = Shape.axis(n.describe(), (int) axes[i], outRank);
            }
            Arrays.sort(a);
            for (int i = 1; i < a.length; i++) {
                if (a[i] == a[i - 1]) {
                    throw n.invalid("axis " + a[i] + " given twice in " + Arrays.toString(axes));
                }
            }
            return new Value[] {Values.move("Unsqueeze", in[0], t -> {
                Tensor y = t;
                for (int ax : a) {
                    y = y.unsqueeze(ax);
                }
                return y;
            })};
        };
    }

    private static Kernel concat(NodeSpec n) {
        if (!n.has("axis") && n.version() >= 4) {
            throw n.invalid("attribute 'axis' is required");
        }
        int axis = n.intAttr("axis", 1);
        return (in, ctx) -> {
            int a = Shape.axis(n.describe(), axis, in[0].rank());
            return new Value[] {Values.concat("Concat", a, in)};
        };
    }

    private static Kernel split(NodeSpec n) {
        if (n.version() < 2 && n.hasInput(1)) {
            throw n.unsupported("Split-1 with the split sizes as an input");
        }
        int axis = n.intAttr("axis", 0);
        long[] attrSplit = n.version() < 13 ? n.intsAttr("split") : null;
        int numOutputs = n.intAttr("num_outputs", 0);
        int outputs = n.outputs().size();
        return (in, ctx) -> {
            Value x = in[0];
            int a = Shape.axis(n.describe(), axis, x.rank());
            int dim = x.shape()[a];
            long[] split = n.version() >= 13 ? (in.length > 1 && in[1] != null ? Values.longs(n, "split", in[1]) : null)
                    : attrSplit;
            int[] sizes;
            if (split != null) {
                sizes = n.toInts("split", split);
            } else {
                int parts = numOutputs > 0 ? numOutputs : outputs;
                int chunk = (dim + parts - 1) / parts;
                if (numOutputs == 0 && dim % parts != 0) {
                    throw n.invalid("dimension " + dim + " does not divide into " + parts + " equal outputs");
                }
                sizes = new int[parts];
                for (int i = 0; i < parts; i++) {
                    sizes[i] = Math.max(0, Math.min(chunk, dim - i * chunk));
                }
            }
            return Values.moveMany("Split", x, t -> t.split(a, sizes));
        };
    }

    private static Kernel expand(NodeSpec n) {
        return (in, ctx) -> {
            int[] s = Values.shapeFrom(n, absDims(Values.longs(n, "shape", in[1])));
            int[] out = Shape.broadcast(n.describe(), in[0].shape(), s);
            Values.checkCreated(n, out);
            return new Value[] {Values.move("Expand", in[0], t -> t.expand(out))};
        };
    }

    /** Expand treats a dimension of 1 as "keep"; ONNX allows nothing negative, but -1 from old exporters means the same. */
    private static long[] absDims(long[] dims) {
        long[] d = dims.clone();
        for (int i = 0; i < d.length; i++) {
            if (d[i] == -1) {
                d[i] = 1;
            }
        }
        return d;
    }

    private static Kernel tile(NodeSpec n) {
        if (n.version() < 6) {
            throw n.unsupported("Tile-1 (tiles and axis inputs)");
        }
        return (in, ctx) -> {
            int[] s = in[0].shape();
            long[] reps = Values.longs(n, "repeats", in[1]);
            if (reps.length != s.length) {
                throw n.invalid("repeats has " + reps.length + " entries for an input of rank " + s.length);
            }
            int[] r = Values.shapeFrom(n, reps);
            int[] inter = new int[2 * s.length];
            int[] big = new int[2 * s.length];
            int[] out = new int[s.length];
            for (int i = 0; i < s.length; i++) {
                inter[2 * i] = 1;
                inter[2 * i + 1] = s[i];
                big[2 * i] = r[i];
                big[2 * i + 1] = s[i];
                out[i] = r[i] * s[i];
            }
            Values.checkCreated(n, out);
            return new Value[] {Values.move("Tile", in[0], t -> t.reshape(inter).expand(big).reshape(out))};
        };
    }

    private static Kernel depthToSpace(NodeSpec n) {
        int b = n.intAttr("blocksize", 0);
        boolean crd = n.stringAttr("mode", "DCR").equals("CRD");
        if (b < 1) {
            throw n.invalid("blocksize must be >= 1, got " + b);
        }
        return (in, ctx) -> {
            int[] s = in[0].shape();
            if (s.length != 4 || s[1] % (b * b) != 0) {
                throw n.invalid("input must be NCHW with C divisible by blocksize^2, got " + Arrays.toString(s));
            }
            int c = s[1] / (b * b);
            int[] mid = crd ? new int[] {s[0], c, b, b, s[2], s[3]} : new int[] {s[0], b, b, c, s[2], s[3]};
            int[] perm = crd ? new int[] {0, 1, 4, 2, 5, 3} : new int[] {0, 3, 4, 1, 5, 2};
            int[] out = {s[0], c, s[2] * b, s[3] * b};
            return new Value[] {Values.move("DepthToSpace", in[0], t -> t.reshape(mid).permute(perm).reshape(out))};
        };
    }

    private static Kernel spaceToDepth(NodeSpec n) {
        int b = n.intAttr("blocksize", 0);
        if (b < 1) {
            throw n.invalid("blocksize must be >= 1, got " + b);
        }
        return (in, ctx) -> {
            int[] s = in[0].shape();
            if (s.length != 4 || s[2] % b != 0 || s[3] % b != 0) {
                throw n.invalid("input must be NCHW with H and W divisible by blocksize, got " + Arrays.toString(s));
            }
            int[] mid = {s[0], s[1], s[2] / b, b, s[3] / b, b};
            int[] out = {s[0], s[1] * b * b, s[2] / b, s[3] / b};
            return new Value[] {Values.move("SpaceToDepth", in[0],
                    t -> t.reshape(mid).permute(0, 3, 5, 1, 2, 4).reshape(out))};
        };
    }

    private static Kernel dropout(NodeSpec n) {
        float attrRatio = n.floatAttr("ratio", 0.5f);
        boolean inputs = n.version() >= 12;
        return (in, ctx) -> {
            Value x = in[0];
            float ratio = inputs && in.length > 1 && in[1] != null ? in[1].toFloat().item() : attrRatio;
            boolean train = inputs && in.length > 2 && in[2] != null ? in[2].boolTensor().toArray()[0] : ctx.training();
            boolean[] keep = new boolean[x.numel()];
            Arrays.fill(keep, true);
            if (!train || ratio == 0f || x.kind() != DataType.Kind.FLOAT) {
                return new Value[] {x, Value.of(BoolTensor.of(keep, x.shape()))};
            }
            float[] scale = new float[keep.length];
            for (int i = 0; i < keep.length; i++) {
                keep[i] = ctx.random().nextFloat() >= ratio;
                scale[i] = keep[i] ? 1f / (1f - ratio) : 0f;
            }
            Tensor y = x.floatTensor().mul(Tensor.of(scale, x.shape()));
            return new Value[] {Value.of(y, x.type()), Value.of(BoolTensor.of(keep, x.shape()))};
        };
    }
}
