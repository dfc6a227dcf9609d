package dev.graft.nn.layers;

import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import dev.graft.nn.Parameter;
import java.util.Arrays;

/**
 * Normalises each vector along the last dimension to zero mean and unit (biased) variance, then
 * applies a learned per-feature scale ({@code weight}, initially 1) and shift ({@code bias},
 * initially 0), as torch.nn.LayerNorm(features). Unlike batch norm it keeps no running state, so
 * train and eval mode compute the same thing.
 */
public final class LayerNorm extends Module {

    private final int features;
    private final float eps;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * Creates the layer with PyTorch's default eps, 1e-5.
     *
     * @param features size of the last dimension
     */
    public LayerNorm(int features) {
        this(features, 1e-5f);
    }

    /**
     * @param features size of the last dimension
     * @param eps added to the variance (PyTorch: 1e-5)
     */
    public LayerNorm(int features, float eps) {
        if (features < 1) {
            throw new IllegalArgumentException("LayerNorm: features must be >= 1, got " + features);
        }
        this.features = features;
        this.eps = eps;
        this.weight = registerParameter("weight", Tensor.ones(features));
        this.bias = registerParameter("bias", Tensor.zeros(features));
    }

    /** @return the size of the normalised last dimension */
    public int features() {
        return features;
    }

    /** @return the value added to the variance before the square root */
    public float eps() {
        return eps;
    }

    /** @return the per-feature scale */
    public Parameter weight() {
        return weight;
    }

    /** @return the per-feature shift */
    public Parameter bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor input) {
        int[] s = input.shape();
        if (s.length == 0 || s[s.length - 1] != features) {
            throw new IllegalArgumentException(this + ": expected input [..., " + features + "], got " + Arrays.toString(s));
        }
        int[] last = {-1};
        Tensor centred = input.sub(input.mean(last, true));
        Tensor var = centred.square().mean(last, true);
        return centred.mul(var.add(eps).rsqrt()).mul(weight.value()).add(bias.value());
    }

    @Override
    public String toString() {
        return "LayerNorm(" + features + ")";
    }
}
