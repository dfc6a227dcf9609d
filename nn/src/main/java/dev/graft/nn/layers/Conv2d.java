package dev.graft.nn.layers;

import dev.graft.engine.Conv2dSpec;
import dev.graft.engine.Tensor;
import dev.graft.nn.Init;
import dev.graft.nn.Module;
import dev.graft.nn.Parameter;
import java.util.Arrays;
import java.util.Random;

/**
 * 2-D convolution of NCHW input, as torch.nn.Conv2d: weight {@code [out, in/groups, k, k]},
 * stride, padding, dilation and groups ({@code groups == in}: depthwise). Initialised as PyTorch
 * does: Kaiming uniform with {@code a = sqrt(5)} (bound {@code 1/sqrt(fanIn)}) for the weight, and
 * uniform in {@code +-1/sqrt(fanIn)} for the bias, {@code fanIn = in/groups * k * k}.
 */
public final class Conv2d extends Module {

    private final int inChannels;
    private final int outChannels;
    private final Conv2dSpec spec;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * Creates a convolution with stride 1, no padding, no dilation, one group and a bias.
     *
     * @param inChannels input channels
     * @param outChannels output channels
     * @param kernel square kernel size
     * @param random initialisation source
     */
    public Conv2d(int inChannels, int outChannels, int kernel, Random random) {
        this(inChannels, outChannels, kernel, Conv2dSpec.of(1, 0, 1, 1), true, random);
    }

    /**
     * @param inChannels input channels
     * @param outChannels output channels
     * @param kernel square kernel size
     * @param stride step on both axes
     * @param padding zero padding on every side
     * @param dilation spacing of kernel taps on both axes
     * @param groups channel groups (1: dense; {@code inChannels}: depthwise)
     * @param bias whether to add a learned bias
     * @param random initialisation source
     */
    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, int dilation, int groups,
                  boolean bias, Random random) {
        this(inChannels, outChannels, kernel, Conv2dSpec.of(stride, padding, dilation, groups), bias, random);
    }

    /**
     * @param inChannels input channels
     * @param outChannels output channels
     * @param kernel square kernel size
     * @param spec stride, padding, dilation and groups (groups == inChannels == outChannels: depthwise)
     * @param bias whether to add a learned bias
     * @param random initialisation source (PyTorch's defaults, as for {@link Linear})
     */
    public Conv2d(int inChannels, int outChannels, int kernel, Conv2dSpec spec, boolean bias, Random random) {
        if (spec == null || random == null) {
            throw new IllegalArgumentException("Conv2d: spec and random must not be null");
        }
        if (inChannels < 1 || outChannels < 1 || kernel < 1 || inChannels % spec.groups() != 0
                || outChannels % spec.groups() != 0) {
            throw new IllegalArgumentException("Conv2d: channels " + inChannels + " -> " + outChannels + " with kernel "
                    + kernel + " and " + spec.groups() + " groups: channels must be >= 1 and divisible by groups");
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.spec = spec;
        int[] shape = {outChannels, inChannels / spec.groups(), kernel, kernel};
        this.weight = registerParameter("weight", Init.kaimingUniform(random, (float) Math.sqrt(5), shape));
        float biasBound = (float) (1 / Math.sqrt(Init.fanIn(shape)));
        this.bias = bias ? registerParameter("bias", Init.uniform(random, biasBound, outChannels)) : null;
    }

    /** @return the number of input channels */
    public int inChannels() {
        return inChannels;
    }

    /** @return the number of output channels */
    public int outChannels() {
        return outChannels;
    }

    /** @return stride, padding, dilation and groups */
    public Conv2dSpec spec() {
        return spec;
    }

    @Override
    public Tensor forward(Tensor input) {
        int[] s = input.shape();
        if (s.length != 4 || s[1] != inChannels) {
            throw new IllegalArgumentException(this + ": expected input [N, " + inChannels + ", H, W], got "
                    + Arrays.toString(s));
        }
        return input.conv2d(weight.value(), bias == null ? null : bias.value(), spec);
    }

    /** @return the weight, {@code [out, in/groups, k, k]} */
    public Parameter weight() {
        return weight;
    }

    /** @return the bias, {@code [out]}, or null */
    public Parameter bias() {
        return bias;
    }

    @Override
    public String toString() {
        return "Conv2d(" + inChannels + " -> " + outChannels + ", kernel " + weight.shape()[2] + ", " + spec + ")";
    }
}
