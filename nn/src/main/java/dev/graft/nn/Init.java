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
     * {@code sqrt(6 / ((1 + a^2) fanIn))}. PyTorch's default for Linear and Conv2d weights is a = sqrt(5).
     */
    public static Tensor kaimingUniform(Random random, float a, int... shape) {
        double gain = Math.sqrt(2.0 / (1 + a * a));
        return uniform(random, (float) (gain * Math.sqrt(3.0 / fanIn(shape))), shape);
    }

    /** Kaiming (He) normal for ReLU networks: std {@code sqrt(2 / fanIn)}. */
    public static Tensor kaimingNormal(Random random, int... shape) {
        return normal(random, (float) Math.sqrt(2.0 / fanIn(shape)), shape);
    }

    /** Xavier (Glorot) uniform: bound {@code sqrt(6 / (fanIn + fanOut))}. */
    public static Tensor xavierUniform(Random random, int... shape) {
        return uniform(random, (float) Math.sqrt(6.0 / (fanIn(shape) + fanOut(shape))), shape);
    }

    /** Xavier (Glorot) normal: std {@code sqrt(2 / (fanIn + fanOut))}. */
    public static Tensor xavierNormal(Random random, int... shape) {
        return normal(random, (float) Math.sqrt(2.0 / (fanIn(shape) + fanOut(shape))), shape);
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
