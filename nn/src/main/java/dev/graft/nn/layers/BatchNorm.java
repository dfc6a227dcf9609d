package dev.graft.nn.layers;

import dev.graft.engine.GradMode;
import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import dev.graft.nn.Parameter;
import java.util.Arrays;

/**
 * Batch normalisation over every dimension except the channel dimension 1, shared by
 * {@link BatchNorm1d} and {@link BatchNorm2d}; PyTorch's definitions and buffer names
 * ({@code running_mean}, {@code running_var}, {@code num_batches_tracked}).
 *
 * <p>In training mode the layer normalises with the batch mean and biased batch variance, and
 * updates {@code running = (1 - momentum) * running + momentum * batch}, using the unbiased
 * variance {@code n / (n - 1)} times the biased one for {@code running_var}, and counts the batch
 * in {@code num_batches_tracked}. In eval mode it normalises with the running statistics.
 *
 * <p>A frozen layer (its scale and shift both not trainable) behaves as in eval mode even while
 * the rest of the model trains: it normalises with its running statistics and leaves them
 * untouched, as Keras does for a layer with {@code trainable = false}. Fine-tuning a pretrained
 * network on small batches would otherwise overwrite statistics gathered on a large dataset with
 * noisy ones. {@link #setUseRunningStatsWhenFrozen(boolean) setUseRunningStatsWhenFrozen(false)}
 * restores PyTorch's behaviour, where only {@link #eval()} switches to running statistics. A layer
 * without affine parameters has nothing to freeze and follows train/eval mode alone.
 */
public abstract class BatchNorm extends Module {

    private final int channels;
    private final float eps;
    private final float momentum;
    private final Parameter weight;
    private final Parameter bias;
    private boolean useRunningStatsWhenFrozen = true;

    /**
     * @param channels size of dimension 1, at least 1
     * @param eps added to the variance before the square root, positive
     * @param momentum weight of the batch statistics in the running update, in {@code (0, 1]}
     * @param affine whether to learn a per-channel scale ({@code weight}, initially 1) and shift
     *     ({@code bias}, initially 0)
     */
    protected BatchNorm(int channels, float eps, float momentum, boolean affine) {
        if (channels < 1) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": channels must be >= 1, got " + channels);
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": eps must be positive, got " + eps);
        }
        if (!(momentum > 0 && momentum <= 1)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": momentum must be in (0, 1], got " + momentum);
        }
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = affine ? registerParameter("weight", Tensor.ones(channels)) : null;
        this.bias = affine ? registerParameter("bias", Tensor.zeros(channels)) : null;
        registerBuffer("running_mean", Tensor.zeros(channels));
        registerBuffer("running_var", Tensor.ones(channels));
        registerBuffer("num_batches_tracked", Tensor.zeros());
    }

    /**
     * Checks the input's rank and channel count.
     *
     * @throws IllegalArgumentException naming the layer, the expected layout and the actual shape
     */
    protected abstract void checkInput(int[] shape);

    /** @return the number of channels (size of dimension 1) */
    public final int channels() {
        return channels;
    }

    /** @return the value added to the variance before the square root */
    public final float eps() {
        return eps;
    }

    /** @return the weight of the batch statistics in the running update */
    public final float momentum() {
        return momentum;
    }

    /** @return the scale parameter, or null without affine parameters */
    public final Parameter weight() {
        return weight;
    }

    /** @return the shift parameter, or null without affine parameters */
    public final Parameter bias() {
        return bias;
    }

    /** @return the running mean, {@code [channels]} */
    public final Tensor runningMean() {
        return buffer("running_mean");
    }

    /** @return the running (unbiased) variance, {@code [channels]} */
    public final Tensor runningVar() {
        return buffer("running_var");
    }

    /** @return how many training batches have updated the running statistics */
    public final long numBatchesTracked() {
        return (long) buffer("num_batches_tracked").item();
    }

    /**
     * Chooses whether this layer, when frozen, normalises with its running statistics and stops
     * updating them (true, the default, as Keras), or keeps following train/eval mode (false, as
     * PyTorch).
     */
    public final void setUseRunningStatsWhenFrozen(boolean on) {
        useRunningStatsWhenFrozen = on;
    }

    /** @return whether a frozen layer normalises with its running statistics */
    public final boolean useRunningStatsWhenFrozen() {
        return useRunningStatsWhenFrozen;
    }

    /** @return whether this layer has affine parameters and none of them is trainable */
    public final boolean isFrozen() {
        return weight != null && !weight.trainable() && !bias.trainable();
    }

    /** @return whether the next forward pass normalises with batch statistics and updates the running ones */
    public final boolean usesBatchStatistics() {
        return isTraining() && !(useRunningStatsWhenFrozen && isFrozen());
    }

    @Override
    public final Tensor forward(Tensor input) {
        int[] s = input.shape();
        checkInput(s);
        int rank = s.length;
        int[] axes = new int[rank - 1];
        int[] channelShape = new int[rank];
        Arrays.fill(channelShape, 1);
        channelShape[1] = channels;
        for (int i = 0, j = 0; i < rank; i++) {
            if (i != 1) {
                axes[j++] = i;
            }
        }
        Tensor mean;
        Tensor var;
        if (usesBatchStatistics()) {
            int count = input.numel() / channels;
            if (count < 2) {
                throw new IllegalArgumentException(this + ": training needs more than one value per channel to estimate a"
                        + " variance, got input " + Arrays.toString(s) + " (use eval() or a larger batch)");
            }
            mean = input.mean(axes, true);
            var = input.sub(mean).square().mean(axes, true);
            try (var ignored = GradMode.noGrad()) {
                float unbias = count / (count - 1f);
                setBuffer("running_mean", runningMean().mul(1 - momentum).add(mean.reshape(channels).mul(momentum)));
                setBuffer("running_var", runningVar().mul(1 - momentum).add(var.reshape(channels).mul(momentum * unbias)));
                setBuffer("num_batches_tracked", buffer("num_batches_tracked").add(1f));
            }
        } else {
            mean = runningMean().reshape(channelShape);
            var = runningVar().reshape(channelShape);
        }
        Tensor y = input.sub(mean).mul(var.add(eps).rsqrt());
        if (weight != null) {
            y = y.mul(weight.value().reshape(channelShape)).add(bias.value().reshape(channelShape));
        }
        return y;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + channels + (weight == null ? ", no affine" : "") + ")";
    }
}
