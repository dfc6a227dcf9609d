package dev.graft.nn;

import dev.graft.engine.Tensor;
import java.util.Random;

/**
 * Seeded weight initialisers with PyTorch's definitions, so that a model built twice from the
 * same seed is identical and its statistics match a PyTorch model of the same shape.
 */
public final class Init {

    private Init() {
    }

    /** @return values uniform in {@code [-bound, bound)} */
    public static Tensor uniform(Random random, float bound, int... shape) {
        float[] v = new float[shapeSize(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (random.nextFloat() * 2f - 1f) * bound;
        }
        return Tensor.of(v, shape);
    }

    /** @return values normal with mean 0 and the given standard deviation */
    public static Tensor normal(Random random, float std, int... shape) {
        float[] v = new float[shapeSize(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextGaussian() * std);
        }
        return Tensor.of(v, shape);
    }

    /**
     * Kaiming (He) uniform for a leaky-ReLU gain with negative slope {@code a}: bound
     * {@code sqrt(6 / ((1 + a^2) fanIn))}. PyTorch's default for Linear and Conv2d weights is
     * {@code a = sqrt(5)}, which makes the bound {@code 1 / sqrt(fanIn)}; {@code a = 0} suits ReLU.
     */
    public static Tensor kaimingUniform(Random random, float a, int... shape) {
        return uniform(random, (float) (leakyReluGain(a) * Math.sqrt(3.0 / fanIn(shape))), shape);
    }

    /** {@link #kaimingUniform(Random, float, int...)} from a seed. */
    public static Tensor kaimingUniform(long seed, float a, int... shape) {
        return kaimingUniform(new Random(seed), a, shape);
    }

    /** Kaiming (He) normal for ReLU networks: std {@code sqrt(2 / fanIn)}. */
    public static Tensor kaimingNormal(Random random, int... shape) {
        return kaimingNormal(random, 0f, shape);
    }

    /** Kaiming (He) normal for a leaky-ReLU gain with negative slope {@code a}: std {@code sqrt(2 / ((1 + a^2) fanIn))}. */
    public static Tensor kaimingNormal(Random random, float a, int... shape) {
        return normal(random, (float) (leakyReluGain(a) / Math.sqrt(fanIn(shape))), shape);
    }

    /** {@link #kaimingNormal(Random, int...)} from a seed. */
    public static Tensor kaimingNormal(long seed, int... shape) {
        return kaimingNormal(new Random(seed), shape);
    }

    /** Xavier (Glorot) uniform: bound {@code sqrt(6 / (fanIn + fanOut))}. */
    public static Tensor xavierUniform(Random random, int... shape) {
        return uniform(random, (float) Math.sqrt(6.0 / (fanIn(shape) + fanOut(shape))), shape);
    }

    /** {@link #xavierUniform(Random, int...)} from a seed. */
    public static Tensor xavierUniform(long seed, int... shape) {
        return xavierUniform(new Random(seed), shape);
    }

    /** Xavier (Glorot) normal: std {@code sqrt(2 / (fanIn + fanOut))}. */
    public static Tensor xavierNormal(Random random, int... shape) {
        return normal(random, (float) Math.sqrt(2.0 / (fanIn(shape) + fanOut(shape))), shape);
    }

    /** {@link #xavierNormal(Random, int...)} from a seed. */
    public static Tensor xavierNormal(long seed, int... shape) {
        return xavierNormal(new Random(seed), shape);
    }

    /** PyTorch's {@code calculate_gain("leaky_relu", a)}. */
    private static double leakyReluGain(float a) {
        return Math.sqrt(2.0 / (1 + (double) a * a));
    }

    /** @return inputs per output unit of a weight {@code [out, in, k...]} (in times the kernel size) */
    public static int fanIn(int... shape) {
        if (shape.length < 2) {
            throw new IllegalArgumentException("fan-in needs a weight of rank >= 2, got rank " + shape.length);
        }
        return shape[1] * receptiveField(shape);
    }

    /** @return outputs per input unit of a weight {@code [out, in, k...]} */
    public static int fanOut(int... shape) {
        if (shape.length < 2) {
            throw new IllegalArgumentException("fan-out needs a weight of rank >= 2, got rank " + shape.length);
        }
        return shape[0] * receptiveField(shape);
    }

    private static int receptiveField(int[] shape) {
        int r = 1;
        for (int i = 2; i < shape.length; i++) {
            r *= shape[i];
        }
        return r;
    }

    private static int shapeSize(int[] shape) {
        return Tensor.zeros(shape).numel();
    }
}
