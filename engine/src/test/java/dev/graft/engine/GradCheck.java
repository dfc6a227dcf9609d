package dev.graft.engine;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Function;

/**
 * Finite-difference check of the tape: for a random projection {@code L = sum(w * f(x))}, every
 * analytic input gradient must match the central difference {@code (L(x+h) - L(x-h)) / 2h},
 * with L accumulated in double. Inputs may be non-contiguous views; they are perturbed in place
 * through their own strides.
 */
final class GradCheck {

    private GradCheck() {
    }

    /** A leaf of the given shape with values from {@code seed}, optionally stored transposed (non-contiguous). */
    static Tensor leaf(long seed, boolean transposed, int... shape) {
        if (!transposed || shape.length < 2) {
            return Tensor.randn(seed, shape).requiresGrad(true);
        }
        int[] swapped = shape.clone();
        int r = shape.length;
        swapped[r - 1] = shape[r - 2];
        swapped[r - 2] = shape[r - 1];
        Tensor t = Tensor.randn(seed, swapped).transpose(-1, -2);
        if (t.isContiguous() && t.numel() > 1 && shape[r - 1] > 1 && shape[r - 2] > 1) {
            throw new AssertionError("transposed leaf unexpectedly contiguous");
        }
        return t.requiresGrad(true);
    }

    /** A leaf with values in [lo, hi), for ops with a restricted domain. */
    static Tensor leafIn(long seed, float lo, float hi, int... shape) {
        return Tensor.rand(seed, shape).mul(hi - lo).add(lo).detach().requiresGrad(true);
    }

    static void check(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
        Tensor y = f.apply(inputs);
        Tensor w = Tensor.randn(name.hashCode(), y.shape());
        Tensor loss = y.mul(w).sum();
        for (Tensor in : inputs) {
            in.zeroGrad();
        }
        loss.backward();
        for (int k = 0; k < inputs.length; k++) {
            Tensor in = inputs[k];
            if (!in.requiresGrad()) {
                continue;
            }
            assertNotNull(in.grad(), name + ": input " + k + " got no gradient");
            float[] analytic = in.grad().toArray();
            int n = in.numel();
            int[] idx = new int[in.dim()];
            for (int i = 0; i < n; i++) {
                int pos = in.flatIndex(name, idx);
                float orig = in.data[pos];
                float h = 1e-2f;
                in.data[pos] = orig + h;
                double up = projected(f, inputs, w);
                in.data[pos] = orig - h;
                double down = projected(f, inputs, w);
                in.data[pos] = orig;
                double numeric = (up - down) / (2.0 * h);
                double a = analytic[i];
                if (Math.abs(a - numeric) > 2e-2 * Math.max(1.0, Math.abs(numeric))) {
                    fail(String.format("%s: d/d input%d%s analytic %.6f vs numeric %.6f", name, k,
                            java.util.Arrays.toString(idx), a, numeric));
                }
                for (int d = idx.length - 1; d >= 0; d--) {
                    if (++idx[d] < in.size(d)) {
                        break;
                    }
                    idx[d] = 0;
                }
            }
        }
    }

    private static double projected(Function<Tensor[], Tensor> f, Tensor[] inputs, Tensor w) {
        try (var ignored = GradMode.noGrad()) {
            float[] y = f.apply(inputs).toArray();
            float[] wv = w.toArray();
            double s = 0;
            for (int i = 0; i < y.length; i++) {
                s += (double) y[i] * wv[i];
            }
            return s;
        }
    }

    /**
     * A leaf whose values are a shuffled grid 0.1 apart, so that no finite-difference step can
     * swap which element is the maximum (for max, min and max pooling).
     */
    static Tensor distinct(long seed, boolean transposed, int... shape) {
        int n = Shape.numel(shape);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = 0.1f * (i - n / 2f);
        }
        java.util.Random r = new java.util.Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            float t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        if (!transposed || shape.length < 2) {
            return Tensor.of(v, shape).requiresGrad(true);
        }
        int[] swapped = shape.clone();
        swapped[shape.length - 1] = shape[shape.length - 2];
        swapped[shape.length - 2] = shape[shape.length - 1];
        return Tensor.of(v, swapped).transpose(-1, -2).requiresGrad(true);
    }

    /** A leaf of standard normal values pushed at least 0.25 away from zero, for ops with a kink or pole there. */
    static Tensor awayFromZero(long seed, float scale, int... shape) {
        float[] v = Tensor.randn(seed, shape).toArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = scale * (v[i] >= 0 ? v[i] + 0.25f : v[i] - 0.25f);
        }
        return Tensor.of(v, shape).requiresGrad(true);
    }
}
