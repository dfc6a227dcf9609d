package dev.graft.engine;

import dev.graft.engine.kernels.BinaryKernel;
import dev.graft.engine.kernels.UnaryKernel;

/** Broadcasting binary arithmetic, comparisons, where, and the primitive unary functions, with their gradients. */
final class Elementwise {

    private static final int UNARY_GRAIN = 1 << 14;
    private static final float TWO_OVER_SQRT_PI = (float) (2 / Math.sqrt(Math.PI));

    private Elementwise() {
    }

    /** Rows over {@code a}, {@code b} (both broadcast to {@code shape}) and a contiguous output. */
    private static StridedLoop broadcastLoop(String name, int[] shape, Tensor a, Tensor b) {
        return new StridedLoop(shape, Shape.broadcastStrides(name, a.shape, a.strides, shape),
                Shape.broadcastStrides(name, b.shape, b.strides, shape), Shape.contiguousStrides(shape));
    }

    static Tensor binary(BinaryKernel.Op op, Tensor a, Tensor b) {
        String name = op.name().toLowerCase(java.util.Locale.ROOT);
        int[] shape = Shape.broadcast(name, a.shape, b.shape);
        float[] out = new float[Shape.numel(shape)];
        StridedLoop loop = broadcastLoop(name, shape, a, b);
        int sa = loop.innerStride(0);
        int sb = loop.innerStride(1);
        loop.run(new int[] {a.offset, b.offset, 0},
                (off, n) -> BinaryKernel.row(op, a.data, off[0], sa, b.data, off[1], sb, out, off[2], n));
        Tensor y = Tensor.wrap(out, shape);
        return Autograd.record(y, name, g -> binaryGrad(op, a, b, y, g), a, b);
    }

    private static Tensor[] binaryGrad(BinaryKernel.Op op, Tensor a, Tensor b, Tensor y, Tensor g) {
        boolean ga = a.requiresGrad();
        boolean gb = b.requiresGrad();
        Tensor da = null;
        Tensor db = null;
        switch (op) {
            case ADD -> {
                da = g;
                db = g;
            }
            case SUB -> {
                da = g;
                db = gb ? g.neg() : null;
            }
            case MUL -> {
                da = ga ? g.mul(b) : null;
                db = gb ? g.mul(a) : null;
            }
            case DIV -> {
                da = ga ? g.div(b) : null;
                db = gb ? g.mul(y).div(b).neg() : null;
            }
            case POW -> {
                da = ga ? g.mul(b).mul(a.pow(b.sub(1f))) : null;
                db = gb ? g.mul(y).mul(a.log()) : null;
            }
            case MIN, MAX -> {
                Tensor wa = share(op == BinaryKernel.Op.MAX ? a.gt(b) : a.lt(b), a.eq(b));
                da = ga ? g.mul(wa) : null;
                db = gb ? g.mul(wa.neg().add(1f)) : null;
            }
            default -> throw new AssertionError(op);
        }
        return new Tensor[] {
            da == null ? null : Reductions.sumToShape(da, a.shape),
            db == null ? null : Reductions.sumToShape(db, b.shape)};
    }

    /** 1 where {@code wins}, 0.5 where tied, 0 elsewhere. */
    private static Tensor share(BoolTensor wins, BoolTensor ties) {
        return wins.toFloat().add(ties.toFloat().mul(0.5f));
    }

    static BoolTensor compare(Comparison c, Tensor a, Tensor b) {
        String name = c.name().toLowerCase(java.util.Locale.ROOT);
        int[] shape = Shape.broadcast(name, a.shape, b.shape);
        boolean[] out = new boolean[Shape.numel(shape)];
        StridedLoop loop = broadcastLoop(name, shape, a, b);
        int sa = loop.innerStride(0);
        int sb = loop.innerStride(1);
        loop.run(new int[] {a.offset, b.offset, 0}, (off, n) -> {
            for (int i = 0; i < n; i++) {
                out[off[2] + i] = c.test(a.data[off[0] + i * sa], b.data[off[1] + i * sb]);
            }
        });
        return BoolTensor.of(out, shape);
    }

    static Tensor where(BoolTensor cond, Tensor a, Tensor b) {
        int[] shape = Shape.broadcast("where", cond.shape(), Shape.broadcast("where", a.shape, b.shape));
        float[] out = new float[Shape.numel(shape)];
        boolean[] c = cond.data;
        StridedLoop loop = new StridedLoop(shape,
                Shape.broadcastStrides("where", cond.shape(), Shape.contiguousStrides(cond.shape()), shape),
                Shape.broadcastStrides("where", a.shape, a.strides, shape),
                Shape.broadcastStrides("where", b.shape, b.strides, shape), Shape.contiguousStrides(shape));
        int sc = loop.innerStride(0);
        int sa = loop.innerStride(1);
        int sb = loop.innerStride(2);
        loop.run(new int[] {0, a.offset, b.offset, 0}, (off, n) -> {
            for (int i = 0; i < n; i++) {
                out[off[3] + i] = c[off[0] + i * sc] ? a.data[off[1] + i * sa] : b.data[off[2] + i * sb];
            }
        });
        Tensor y = Tensor.wrap(out, shape);
        return Autograd.record(y, "where", g -> {
            Tensor zero = Tensor.scalar(0f);
            return new Tensor[] {
                a.requiresGrad() ? Reductions.sumToShape(where(cond, g, zero), a.shape) : null,
                b.requiresGrad() ? Reductions.sumToShape(where(cond, zero, g), b.shape) : null};
        }, a, b);
    }

    static Tensor unary(UnaryKernel.Op op, Tensor x) {
        Tensor inPacked = x.packed();
        float[] in = inPacked.data;
        int base = inPacked.offset;
        int n = x.numel();
        float[] out = new float[n];
        Parallel.forRange(n, UNARY_GRAIN, (from, to) -> UnaryKernel.apply(op, in, base + from, out, from, to - from));
        Tensor y = Tensor.wrap(out, x.shape);
        return Autograd.record(y, op.name().toLowerCase(java.util.Locale.ROOT), g -> new Tensor[] {unaryGrad(op, x, y, g)}, x);
    }

    private static Tensor unaryGrad(UnaryKernel.Op op, Tensor x, Tensor y, Tensor g) {
        return switch (op) {
            case NEG -> g.neg();
            case EXP -> g.mul(y);
            case LOG -> g.div(x);
            case SQRT -> g.div(y.mul(2f));
            case RSQRT -> g.mul(y.mul(y).mul(y)).mul(-0.5f);
            case ABS -> g.mul(x.gt(Tensor.scalar(0f)).toFloat().sub(x.lt(Tensor.scalar(0f)).toFloat()));
            case TANH -> g.mul(y.square().neg().add(1f));
            case SIGMOID -> g.mul(y.mul(y.neg().add(1f)));
            case RELU -> g.mul(x.gt(Tensor.scalar(0f)).toFloat());
            case RECIPROCAL -> g.mul(y.square()).neg();
            case SQUARE -> g.mul(x).mul(2f);
            case ERF -> g.mul(x.square().neg().exp().mul(TWO_OVER_SQRT_PI));
            case SIN -> g.mul(x.cos());
            case COS -> g.mul(x.sin()).neg();
            case TAN -> g.mul(y.square().add(1f));
            case ASIN -> g.mul(x.square().neg().add(1f).rsqrt());
            case ACOS -> g.mul(x.square().neg().add(1f).rsqrt()).neg();
            case ATAN -> g.div(x.square().add(1f));
        };
    }
}
