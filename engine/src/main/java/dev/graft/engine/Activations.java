package dev.graft.engine;

/**
 * Activation functions composed from the primitive ops (tinygrad style): their gradients come
 * from the primitives' gradients, so there is nothing here to get wrong twice.
 */
final class Activations {

    private static final float SELU_ALPHA = 1.6732632423543772f;
    private static final float SELU_SCALE = 1.0507009873554805f;
    private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);

    private Activations() {
    }

    static Tensor clamp(Tensor x, float min, float max) {
        if (!(min <= max)) {
            throw new IllegalArgumentException("clamp: min " + min + " must not exceed max " + max);
        }
        Tensor lo = Tensor.scalar(min);
        Tensor hi = Tensor.scalar(max);
        Tensor y;
        try (var ignored = GradMode.noGrad()) {
            y = x.maximum(lo).minimum(hi);
        }
        return Autograd.record(y, "clamp", g -> new Tensor[] {
            g.mul(x.ge(lo).and(x.le(hi)).toFloat())}, x);
    }

    static Tensor leakyRelu(Tensor x, float alpha) {
        return Tensor.where(x.gt(Tensor.scalar(0f)), x, x.mul(alpha));
    }

    static Tensor elu(Tensor x, float alpha) {
        Tensor zero = Tensor.scalar(0f);
        // exp of the clipped input: the unused branch must not overflow into an inf*0 gradient
        Tensor negative = x.minimum(zero).exp().sub(1f).mul(alpha);
        return Tensor.where(x.gt(zero), x, negative);
    }

    static Tensor selu(Tensor x) {
        return elu(x, SELU_ALPHA).mul(SELU_SCALE);
    }

    static Tensor softplus(Tensor x) {
        return x.relu().add(x.abs().neg().exp().add(1f).log());
    }

    static Tensor gelu(Tensor x) {
        return x.mul(x.mul(INV_SQRT2).erf().add(1f)).mul(0.5f);
    }

    static Tensor geluTanh(Tensor x) {
        Tensor inner = x.add(x.mul(x).mul(x).mul(0.044715f)).mul(SQRT_2_OVER_PI);
        return x.mul(inner.tanh().add(1f)).mul(0.5f);
    }

    static Tensor silu(Tensor x) {
        return x.mul(x.sigmoid());
    }

    static Tensor hardSigmoid(Tensor x, float alpha, float beta) {
        return x.mul(alpha).add(beta).clamp(0f, 1f);
    }

    static Tensor hardSwish(Tensor x) {
        return x.mul(hardSigmoid(x, 1f / 6f, 0.5f));
    }
}
