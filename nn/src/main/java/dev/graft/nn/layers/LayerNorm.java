package dev.graft.nn.layers;

import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import dev.graft.nn.Parameter;
import java.util.Arrays;

/** Normalises over the last dimension with a learned scale and shift, as torch.nn.LayerNorm(features). */
public final class LayerNorm extends Module {

    private final int features;
    private final float eps;
    private final Parameter weight;
    private final Parameter bias;

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
