package dev.graft.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector kernels for elementwise binary arithmetic over one row: {@code out[i] = a[i*sa] op b[i*sb]}
 * with a contiguous output. Rows where an operand is contiguous (stride 1) or broadcast (stride 0)
 * take the vector path; any other stride takes the scalar loop.
 *
 * <p>Each op has its own loops on purpose: the Vector API only compiles {@code lanewise} to machine
 * instructions when its operator is a constant at the call site, so one loop shared by all ops
 * through a parameter would silently run the slow fallback. {@code POW} is {@link Pow}'s rather than
 * {@code VectorOperators.POW}, whose last bits depend on whether C2 has compiled the loop.
 */
public final class BinaryKernel {

    /** The binary arithmetic ops. */
    public enum Op { ADD, SUB, MUL, DIV, POW, MIN, MAX }

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private BinaryKernel() {
    }

    /**
     * Applies {@code op} to one row.
     *
     * @param a first operand, read at {@code ao + i*sa}
     * @param b second operand, read at {@code bo + i*sb}
     * @param out output, written at {@code oo + i}
     * @param n row length
     */
    public static void row(Op op, float[] a, int ao, int sa, float[] b, int bo, int sb, float[] out, int oo, int n) {
        switch (op) {
            case ADD -> add(a, ao, sa, b, bo, sb, out, oo, n);
            case SUB -> sub(a, ao, sa, b, bo, sb, out, oo, n);
            case MUL -> mul(a, ao, sa, b, bo, sb, out, oo, n);
            case DIV -> div(a, ao, sa, b, bo, sb, out, oo, n);
            case POW -> pow(a, ao, sa, b, bo, sb, out, oo, n);
            case MIN -> min(a, ao, sa, b, bo, sb, out, oo, n);
            case MAX -> max(a, ao, sa, b, bo, sb, out, oo, n);
            default -> throw new AssertionError(op);
        }
    }

    /** @return the scalar result of {@code op}, the reference for every vector path */
    public static float scalar(Op op, float x, float y) {
        return switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case POW -> Pow.pow(x, y);
            case MIN -> Float.isNaN(x) || Float.isNaN(y) ? Float.NaN : Math.min(x, y);
            case MAX -> Float.isNaN(x) || Float.isNaN(y) ? Float.NaN : Math.max(x, y);
        };
    }

    private static FloatVector load(float[] x, int off, int stride, int i, FloatVector broadcast) {
        return stride == 0 ? broadcast : FloatVector.fromArray(S, x, off + i);
    }

    private static boolean vectorizable(int sa, int sb) {
        return (sa == 0 || sa == 1) && (sb == 0 || sb == 1);
    }

    private static int tail(Op op, float[] a, int ao, int sa, float[] b, int bo, int sb, float[] out, int oo, int i, int n) {
        for (; i < n; i++) {
            out[oo + i] = scalar(op, a[ao + i * sa], b[bo + i * sb]);
        }
        return i;
    }

    private static void add(float[] a, int ao, int sa, float[] b, int bo, int sb, float[] out, int oo, int n) {
        int i = 0;
        if (vectorizable(sa, sb)) {
            FloatVector va0 = FloatVector.broadcast(S, a[ao]);
            FloatVector vb0 = FloatVector.broadcast(S, b[bo]);
            for (int end = S.loopBound(n); i < end; i += L) {
                load(a, ao, sa, i, va0).add(load(b, bo, sb, i, vb0)).intoArray(out, oo + i);
            }
        }
        tail(Op.ADD, a, ao, sa, b, bo, sb, out, oo, i, n);
    }

    private static void sub(float[] a, int ao, int sa, float[] b, int bo, int sb, float[] out, int oo, int n) {
        int i = 0;
        if (vectorizable(sa, sb)) {
            FloatVector va0 = FloatVector.broadcast(S, a[ao]);
            FloatVector vb0 = FloatVector.broadcast(S, b[bo]);
            for (int end = S.loopBound(n); i < end; i += L) {
                load(a, ao, sa, i, va0).sub(load(b, bo, sb, i, vb0)).intoArray(out, oo + i);
            }
        }
        tail(Op.SUB, a, ao, sa, b, bo, sb, out, oo, i, n);
    }

    private static void mul(float[] a, int ao, int sa, float[] b, int bo, int sb, float[] out, int oo, int n) {
        int i = 0;
        if (vectorizable(sa, sb)) {
            FloatVector va0 = FloatVector.broadcast(S, a[ao]);
            FloatVector vb0 = FloatVector.broadcast(S, b[bo]);
            for (int end = S.loopBound(n); i < end; i += L) {
                load(a, ao, sa, i, va0).mul(load(b, bo, sb, i, vb0)).intoArray(out, oo + i);
            }
        }
        tail(Op.MUL, a, ao, sa, b, bo, sb, out, oo, i, n);
    }

    private static void div(float[] a, int ao, int sa, float[] b, int bo, int sb, float[] out, int oo, int n) {
        int i = 0;
        if (vectorizable(sa, sb)) {
            FloatVector va0 = FloatVector.broadcast(S, a[ao]);
            FloatVector vb0 = FloatVector.broadcast(S, b[bo]);
            for (int end = S.loopBound(n); i < end; i += L) {
                load(a, ao, sa, i, va0).div(load(b, bo, sb, i, vb0)).intoArray(out, oo + i);
            }
        }
        tail(Op.DIV, a, ao, sa, b, bo, sb, out, oo, i, n);
    }

    private static void pow(float[] a, int ao, int sa, float[] b, int bo, int sb, float[] out, int oo, int n) {
        if (vectorizable(sa, sb)) {
            Pow.row(a, ao, sa, b, bo, sb, out, oo, n);
        } else {
            tail(Op.POW, a, ao, sa, b, bo, sb, out, oo, 0, n);
        }
    }

    private static void min(float[] a, int ao, int sa, float[] b, int bo, int sb, float[] out, int oo, int n) {
        int i = 0;
        if (vectorizable(sa, sb)) {
            FloatVector va0 = FloatVector.broadcast(S, a[ao]);
            FloatVector vb0 = FloatVector.broadcast(S, b[bo]);
            for (int end = S.loopBound(n); i < end; i += L) {
                load(a, ao, sa, i, va0).min(load(b, bo, sb, i, vb0)).intoArray(out, oo + i);
            }
        }
        tail(Op.MIN, a, ao, sa, b, bo, sb, out, oo, i, n);
    }

    private static void max(float[] a, int ao, int sa, float[] b, int bo, int sb, float[] out, int oo, int n) {
        int i = 0;
        if (vectorizable(sa, sb)) {
            FloatVector va0 = FloatVector.broadcast(S, a[ao]);
            FloatVector vb0 = FloatVector.broadcast(S, b[bo]);
            for (int end = S.loopBound(n); i < end; i += L) {
                load(a, ao, sa, i, va0).max(load(b, bo, sb, i, vb0)).intoArray(out, oo + i);
            }
        }
        tail(Op.MAX, a, ao, sa, b, bo, sb, out, oo, i, n);
    }
}
