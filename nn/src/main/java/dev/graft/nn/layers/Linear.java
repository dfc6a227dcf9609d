package dev.graft.nn.layers;

import dev.graft.engine.Tensor;
import dev.graft.nn.Init;
import dev.graft.nn.Module;
import dev.graft.nn.Parameter;
import java.util.Arrays;
import java.util.Random;

/** {@code y = x W^T + b} over the last dimension, as torch.nn.Linear (weight {@code [out, in]}). */
public final class Linear extends Module {

    private final int inFeatures;
    private final int outFeatures;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * @param inFeatures size of each input's last dimension
     * @param outFeatures size of each output's last dimension
     * @param bias whether to add a learned bias
     * @param random initialisation source (PyTorch's default: Kaiming uniform with a = sqrt(5),
     *     bias uniform in {@code +-1/sqrt(inFeatures)})
     */
    public Linear(int inFeatures, int outFeatures, boolean bias, Random random) {
        if (inFeatures < 1 || outFeatures < 1) {
            throw new IllegalArgumentException("Linear: features must be >= 1, got " + inFeatures + " -> " + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = registerParameter("weight", Init.kaimingUniform(random, (float) Math.sqrt(5), outFeatures, inFeatures));
        this.bias = bias ? registerParameter("bias", Init.uniform(random, (float) (1 / Math.sqrt(inFeatures)), outFeatures)) : null;
    }

    @Override
    public Tensor forward(Tensor input) {
        int[] s = input.shape();
        if (s.length == 0 || s[s.length - 1] != inFeatures) {
            throw new IllegalArgumentException("Linear(" + inFeatures + " -> " + outFeatures + "): expected input [..., "
                    + inFeatures + "], got " + Arrays.toString(s));
        }
        Tensor y = input.matmul(weight.value().transpose(0, 1));
        return bias == null ? y : y.add(bias.value());
    }

    /** @return the weight, {@code [out, in]} */
    public Parameter weight() {
        return weight;
    }

    /** @return the bias, {@code [out]}, or null */
    public Parameter bias() {
        return bias;
    }

    @Override
    public String toString() {
        return "Linear(" + inFeatures + " -> " + outFeatures + (bias == null ? ", no bias)" : ")");
    }
}
