package dev.graft.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector kernels for the primitive elementwise functions over contiguous ranges
 * ({@code y[yo + i] = f(x[xo + i])}). Composite activations (GELU, SiLU, ELU, ...) are built from
 * these by the tensor ops. Each op has its own loop so that every {@code lanewise} operator is a
 * compile-time constant (see {@link BinaryKernel}).
 *
 * <p>The trigonometric functions and their inverses run one element at a time through
 * {@link StrictMath}, rounded to float: the Vector API's {@code SIN}, {@code COS}, ... give
 * SVML's bits once C2 compiles them and other bits before, so a seeded run would depend on the JIT
 * tier (see {@code DeterminismTest}). They are rare in models, so reproducibility wins over speed.
 */
public final class UnaryKernel {

    /** The primitive unary functions. */
    public enum Op { NEG, EXP, LOG, SQRT, RSQRT, ABS, TANH, SIGMOID, RELU, RECIPROCAL, SQUARE, ERF, SIN, COS, TAN, ASIN, ACOS, ATAN }

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private UnaryKernel() {
    }

    /**
     * Applies {@code op} to {@code n} contiguous elements.
     *
     * @param x input array, read from {@code xo}
     * @param y output array, written from {@code yo}
     */
    public static void apply(Op op, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        int end = S.loopBound(n);
        switch (op) {
            case NEG -> {
                for (; i < end; i += L) {
                    FloatVector.fromArray(S, x, xo + i).neg().intoArray(y, yo + i);
                }
            }
            case EXP -> {
                Exp.range(x, xo, y, yo, n);
                i = n;
            }
            case LOG -> {
                Log.range(x, xo, y, yo, n);
                i = n;
            }
            case SQRT -> {
                for (; i < end; i += L) {
                    FloatVector.fromArray(S, x, xo + i).sqrt().intoArray(y, yo + i);
                }
            }
            case RSQRT -> {
                FloatVector one = FloatVector.broadcast(S, 1f);
                for (; i < end; i += L) {
                    one.div(FloatVector.fromArray(S, x, xo + i).sqrt()).intoArray(y, yo + i);
                }
            }
            case ABS -> {
                for (; i < end; i += L) {
                    FloatVector.fromArray(S, x, xo + i).abs().intoArray(y, yo + i);
                }
            }
            case TANH -> {
                Tanh.range(x, xo, y, yo, n);
                i = n;
            }
            case SIGMOID -> {
                Sigmoid.range(x, xo, y, yo, n);
                i = n;
            }
            case RELU -> {
                FloatVector zero = FloatVector.zero(S);
                for (; i < end; i += L) {
                    FloatVector.fromArray(S, x, xo + i).max(zero).intoArray(y, yo + i);
                }
            }
            case RECIPROCAL -> {
                FloatVector one = FloatVector.broadcast(S, 1f);
                for (; i < end; i += L) {
                    one.div(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
                }
            }
            case SQUARE -> {
                for (; i < end; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, xo + i);
                    v.mul(v).intoArray(y, yo + i);
                }
            }
            case ERF -> {
                Erf.apply(x, xo, y, yo, n);
                i = n;
            }
            case SIN, COS, TAN, ASIN, ACOS, ATAN -> {
                // no vector loop: the scalar loop below takes every element (see the class comment)
            }
            default -> throw new AssertionError(op);
        }
        for (; i < n; i++) {
            y[yo + i] = scalar(op, x[xo + i]);
        }
    }

    /** @return {@code op} applied to one value: the reference for the vector loops */
    public static float scalar(Op op, float v) {
        return switch (op) {
            case NEG -> -v;
            case EXP -> Exp.exp(v);
            case LOG -> Log.log(v);
            case SQRT -> (float) Math.sqrt(v);
            case RSQRT -> (float) (1.0 / Math.sqrt(v));
            case ABS -> Math.abs(v);
            case TANH -> Tanh.tanh(v);
            case SIGMOID -> Sigmoid.sigmoid(v);
            case RELU -> v > 0 ? v : (Float.isNaN(v) ? v : 0f);
            case RECIPROCAL -> 1f / v;
            case SQUARE -> v * v;
            case ERF -> Erf.erf(v);
            case SIN -> (float) StrictMath.sin(v);
            case COS -> (float) StrictMath.cos(v);
            case TAN -> (float) StrictMath.tan(v);
            case ASIN -> (float) StrictMath.asin(v);
            case ACOS -> (float) StrictMath.acos(v);
            case ATAN -> (float) StrictMath.atan(v);
        };
    }
}
