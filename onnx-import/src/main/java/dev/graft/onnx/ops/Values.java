package dev.graft.onnx.ops;

import dev.graft.engine.BoolTensor;
import dev.graft.engine.LongTensor;
import dev.graft.engine.Shape;
import dev.graft.engine.Tensor;
import dev.graft.onnx.DataType;
import dev.graft.onnx.OnnxFormatException;
import dev.graft.onnx.Value;
import java.util.Arrays;
import java.util.function.Function;
import java.util.function.LongBinaryOperator;
import java.util.function.UnaryOperator;

/**
 * Helpers that let one operator implementation serve every element type. Data movement on
 * integer and boolean tensors (reshape, transpose, slice, gather, ...) is done by applying the
 * float op to tensors of element positions and then picking the original elements at the
 * positions it returns, so the engine's float view ops define the semantics once for all types.
 */
public final class Values {

    /** Positions are carried as {@code hi * SPLIT + lo}, both parts exact in float32. */
    private static final int SPLIT = 1 << 24;

    /** Most elements an op may create from values found in the model (guards ConstantOfShape, Expand, ...). */
    public static final long MAX_CREATED_ELEMENTS = 1L << 28;

    private Values() {
    }

    /**
     * Where each element of a moved tensor came from.
     *
     * @param positions flat source index of each result element, -1 for elements the op created (padding)
     * @param shape the result's shape
     */
    record Tracked(long[] positions, int[] shape) {
    }

    /**
     * Runs a float data-movement op on element positions to learn where each result element comes
     * from. Positions are split into two float tensors, each exact, so any size is tracked exactly.
     */
    static Tracked track(int[] shape, UnaryOperator<Tensor> op) {
        Tensor[] parts = positionParts(shape, 0);
        Tensor lo = op.apply(parts[0]);
        Tensor hi = parts[1] == null ? null : op.apply(parts[1]);
        return new Tracked(combine(lo, hi), lo.shape());
    }

    /** Low and high parts of {@code base + [0, n)} in {@code shape}; the high part is null when all of it is zero. */
    private static Tensor[] positionParts(int[] shape, long base) {
        int n = Shape.numel(shape);
        float[] lo = new float[n];
        float[] hi = base + n > SPLIT ? new float[n] : null;
        for (int i = 0; i < n; i++) {
            long p = base + i;
            lo[i] = p % SPLIT;
            if (hi != null) {
                hi[i] = p / SPLIT;
            }
        }
        return new Tensor[] {Tensor.of(lo, shape), hi == null ? null : Tensor.of(hi, shape)};
    }

    private static long[] combine(Tensor lo, Tensor hi) {
        float[] l = lo.toArray();
        float[] h = hi == null ? null : hi.toArray();
        long[] out = new long[l.length];
        for (int i = 0; i < l.length; i++) {
            out[i] = l[i] < 0 ? -1 : (h == null ? 0 : (long) h[i] * SPLIT) + (long) l[i];
        }
        return out;
    }

    /**
     * Applies a float data-movement op to a value of any type.
     *
     * @param op a function that only rearranges, repeats or drops elements
     */
    public static Value move(String name, Value v, UnaryOperator<Tensor> op) {
        if (v.kind() == DataType.Kind.FLOAT) {
            return Value.of(op.apply(v.floatTensor()), v.type());
        }
        Tracked t = track(v.shape(), op);
        return pick(v, t.positions(), t.shape());
    }

    /** Like {@link #move} for ops with several results (Split). */
    public static Value[] moveMany(String name, Value v, Function<Tensor, Tensor[]> op) {
        if (v.kind() == DataType.Kind.FLOAT) {
            Tensor[] r = op.apply(v.floatTensor());
            Value[] out = new Value[r.length];
            for (int i = 0; i < r.length; i++) {
                out[i] = Value.of(r[i], v.type());
            }
            return out;
        }
        Tensor[] parts = positionParts(v.shape(), 0);
        Tensor[] lo = op.apply(parts[0]);
        Tensor[] hi = parts[1] == null ? null : op.apply(parts[1]);
        Value[] out = new Value[lo.length];
        for (int i = 0; i < lo.length; i++) {
            out[i] = pick(v, combine(lo[i], hi == null ? null : hi[i]), lo[i].shape());
        }
        return out;
    }

    /** @return the elements of {@code v} at the given flat positions, in {@code shape} */
    static Value pick(Value v, long[] p, int[] shape) {
        if (v.kind() == DataType.Kind.INT) {
            long[] src = v.longTensor().toArray();
            long[] out = new long[p.length];
            for (int i = 0; i < p.length; i++) {
                out[i] = src[(int) p[i]];
            }
            return Value.of(LongTensor.of(out, shape), v.type());
        }
        if (v.kind() == DataType.Kind.BOOL) {
            boolean[] src = v.boolTensor().toArray();
            boolean[] out = new boolean[p.length];
            for (int i = 0; i < p.length; i++) {
                out[i] = src[(int) p[i]];
            }
            return Value.of(BoolTensor.of(out, shape));
        }
        float[] src = v.floatTensor().toArray();
        float[] out = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = src[(int) p[i]];
        }
        return Value.of(Tensor.of(out, shape), v.type());
    }

    /** Joins values of one type along an axis. */
    public static Value concat(String name, int axis, Value... vs) {
        DataType type = vs[0].type();
        for (Value v : vs) {
            if (v.kind() != vs[0].kind()) {
                throw new IllegalArgumentException(name + ": cannot concatenate " + v.type() + " with " + type);
            }
        }
        if (vs[0].kind() == DataType.Kind.FLOAT) {
            Tensor[] ts = new Tensor[vs.length];
            for (int i = 0; i < vs.length; i++) {
                ts[i] = vs[i].floatTensor();
            }
            return Value.of(Tensor.concat(axis, ts), type);
        }
        long total = 0;
        for (Value v : vs) {
            total += v.numel();
        }
        Tensor[] lo = new Tensor[vs.length];
        Tensor[] hi = total > SPLIT ? new Tensor[vs.length] : null;
        long base = 0;
        for (int i = 0; i < vs.length; i++) {
            Tensor[] parts = positionParts(vs[i].shape(), base);
            lo[i] = parts[0];
            if (hi != null) {
                hi[i] = parts[1] != null ? parts[1] : Tensor.zeros(vs[i].shape());
            }
            base += vs[i].numel();
        }
        Tensor joinedLo = Tensor.concat(axis, lo);
        long[] where = combine(joinedLo, hi == null ? null : Tensor.concat(axis, hi));
        if (type.kind() == DataType.Kind.INT) {
            long[] all = new long[(int) total];
            int at = 0;
            for (Value v : vs) {
                long[] d = v.longTensor().toArray();
                System.arraycopy(d, 0, all, at, d.length);
                at += d.length;
            }
            return pick(Value.of(LongTensor.of(all, all.length), type), where, joinedLo.shape());
        }
        boolean[] all = new boolean[(int) total];
        int at = 0;
        for (Value v : vs) {
            boolean[] d = v.boolTensor().toArray();
            System.arraycopy(d, 0, all, at, d.length);
            at += d.length;
        }
        return pick(Value.of(BoolTensor.of(all, all.length)), where, joinedLo.shape());
    }

    /**
     * For each element of the broadcast of {@code shape} to {@code out}, the flat index of the
     * source element it reads.
     */
    static int[] broadcastIndex(int[] shape, int[] out) {
        int n = Shape.numel(out);
        int[] idx = new int[n];
        int rank = out.length;
        int lead = rank - shape.length;
        int[] srcStride = new int[rank];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            srcStride[i + lead] = shape[i] == 1 ? 0 : acc;
            acc *= shape[i];
        }
        int[] counter = new int[rank];
        int src = 0;
        for (int k = 0; k < n; k++) {
            idx[k] = src;
            for (int d = rank - 1; d >= 0; d--) {
                counter[d]++;
                src += srcStride[d];
                if (counter[d] < out[d]) {
                    break;
                }
                src -= srcStride[d] * counter[d];
                counter[d] = 0;
            }
        }
        return idx;
    }

    /** Broadcasting integer arithmetic, wrapped to {@code type}. */
    public static Value intBinary(String op, Value a, Value b, DataType type, LongBinaryOperator f) {
        int[] out = Shape.broadcast(op, a.shape(), b.shape());
        long[] x = a.toLongArray();
        long[] y = b.toLongArray();
        int[] ia = broadcastIndex(a.shape(), out);
        int[] ib = broadcastIndex(b.shape(), out);
        long[] r = new long[ia.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = type.wrap(f.applyAsLong(x[ia[i]], y[ib[i]]));
        }
        return Value.of(LongTensor.of(r, out), type);
    }

    /** A broadcasting predicate over two values of any type, compared as doubles (exact for int64 up to 2^53). */
    public static Value compare(String op, Value a, Value b, DoublePredicate2 f) {
        int[] out = Shape.broadcast(op, a.shape(), b.shape());
        double[] x = a.toDoubleArray();
        double[] y = b.toDoubleArray();
        if (a.kind() == DataType.Kind.INT && b.kind() == DataType.Kind.INT) {
            long[] lx = a.toLongArray();
            long[] ly = b.toLongArray();
            int[] ia = broadcastIndex(a.shape(), out);
            int[] ib = broadcastIndex(b.shape(), out);
            boolean[] r = new boolean[ia.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = f.test(Long.compare(lx[ia[i]], ly[ib[i]]), 0);
            }
            return Value.of(BoolTensor.of(r, out));
        }
        int[] ia = broadcastIndex(a.shape(), out);
        int[] ib = broadcastIndex(b.shape(), out);
        boolean[] r = new boolean[ia.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = f.test(x[ia[i]], y[ib[i]]);
        }
        return Value.of(BoolTensor.of(r, out));
    }

    /** A predicate over two doubles. */
    @FunctionalInterface
    public interface DoublePredicate2 {
        /** @return the predicate's value */
        boolean test(double a, double b);
    }

    /** @return the value's elements as ints (shape or axis lists), with a clear error when one does not fit */
    public static int[] ints(NodeSpec node, String what, Value v) {
        return node.toInts(what, v.toLongArray());
    }

    /** @return the elements of an integer value, which must be 1-D or scalar */
    public static long[] longs(NodeSpec node, String what, Value v) {
        if (v.rank() > 1) {
            throw new OnnxFormatException(node.describe() + ": " + what + " must be a 1-D tensor, got shape "
                    + Arrays.toString(v.shape()));
        }
        return v.toLongArray();
    }

    /** Checks that a shape computed from model values is not absurdly large before it is allocated. */
    public static void checkCreated(NodeSpec node, int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new OnnxFormatException(node.describe() + ": negative dimension in computed shape " + Arrays.toString(shape));
            }
            n *= d;
            if (n > MAX_CREATED_ELEMENTS) {
                throw new OnnxFormatException(node.describe() + ": computed shape " + Arrays.toString(shape)
                        + " has more than " + MAX_CREATED_ELEMENTS + " elements");
            }
        }
    }

    /** Narrows a shape given as int64 values, refusing absurd sizes before anything is allocated. */
    public static int[] shapeFrom(NodeSpec node, long[] dims) {
        int[] out = new int[dims.length];
        long n = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0 || dims[i] > MAX_CREATED_ELEMENTS) {
                throw new OnnxFormatException(node.describe() + ": invalid dimension " + dims[i] + " in shape "
                        + Arrays.toString(dims));
            }
            out[i] = (int) dims[i];
            n *= dims[i];
            if (n > MAX_CREATED_ELEMENTS) {
                throw new OnnxFormatException(node.describe() + ": shape " + Arrays.toString(dims) + " has more than "
                        + MAX_CREATED_ELEMENTS + " elements");
            }
        }
        return out;
    }

    /**
     * @return {@code y} as a value of {@code like}'s type: directly for floating types, converted
     *         (ending the gradient) when an op computed in float32 on integer input
     */
    public static Value like(Tensor y, Value like) {
        return like.kind() == DataType.Kind.FLOAT ? Value.of(y, like.type()) : cast(Value.of(y), like.type());
    }

    /** @return the value converted to {@code type} (ONNX Cast semantics) */
    public static Value cast(Value v, DataType type) {
        if (type.kind() == DataType.Kind.FLOAT) {
            Tensor t = v.kind() == DataType.Kind.FLOAT ? v.floatTensor() : v.toFloat();
            if (type == DataType.FLOAT16 || type == DataType.BFLOAT16) {
                float[] d = t.toArray();
                for (int i = 0; i < d.length; i++) {
                    d[i] = type == DataType.FLOAT16 ? dev.graft.onnx.proto.Half.roundToHalf(d[i])
                            : dev.graft.onnx.proto.Half.roundToBfloat16(d[i]);
                }
                return Value.of(Tensor.of(d, t.shape()), type);
            }
            return Value.of(t, type);
        }
        if (type == DataType.BOOL) {
            return v.kind() == DataType.Kind.BOOL ? v
                    : v.kind() == DataType.Kind.INT ? Value.of(v.longTensor().toBool()) : Value.of(v.floatTensor().toBool());
        }
        if (type.kind() != DataType.Kind.INT) {
            throw new dev.graft.onnx.UnsupportedOnnxException("Cast to " + type + " is not supported");
        }
        long[] d;
        if (v.kind() == DataType.Kind.FLOAT) {
            float[] f = v.floatTensor().toArray();
            d = new long[f.length];
            for (int i = 0; i < f.length; i++) {
                // NaN and infinities have no integer value; Java's saturating conversion is as good as any
                d[i] = (long) f[i];
            }
        } else {
            d = v.toLongArray();
        }
        for (int i = 0; i < d.length; i++) {
            d[i] = type.wrap(d[i]);
        }
        return Value.of(LongTensor.of(d, v.shape()), type);
    }
}
