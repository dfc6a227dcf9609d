package dev.graft.nn.layers;

import dev.graft.engine.GradMode;
import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import dev.graft.nn.Parameter;
import java.util.Arrays;

/**
 * Batch normalisation over every dimension but the channel dimension 1: inputs {@code [N, C]}
 * (BatchNorm1d) or {@code [N, C, H, W]} (BatchNorm2d), as in PyTorch.
 *
 * <p>In training mode it normalises with the batch's statistics and updates the running mean
 * and (unbiased) running variance by {@code running = (1 - momentum) running + momentum batch}. In
 * eval mode it uses the running statistics. A frozen layer (no trainable parameter) keeps using
 * its running statistics and never updates them even while the model trains, as Keras does; turn
 * that off with {@link #setFrozenUsesRunningStats(boolean)}.
 */
public final class BatchNorm extends Module {

    private final int channels;
    private final int rank;
    private final float eps;
    private final float momentum;
    private final Parameter weight;
    private final Parameter bias;
    private boolean frozenUsesRunningStats = true;

    /**
     * @param channels size of dimension 1
     * @param rank input rank: 2 for BatchNorm1d, 4 for BatchNorm2d
     * @param eps added to the variance
     * @param momentum weight of the batch statistics in the running update (PyTorch: 0.1)
     * @param affine whether to learn a scale and a shift
     */
    public BatchNorm(int channels, int rank, float eps, float momentum, boolean affine) {
        if (channels < 1 || (rank != 2 && rank != 4 && rank != 3)) {
            throw new IllegalArgumentException("BatchNorm: channels must be >= 1 and rank 2, 3 or 4, got " + channels + ", " + rank);
        }
        this.channels = channels;
        this.rank = rank;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = affine ? registerParameter("weight", Tensor.ones(channels)) : null;
        this.bias = affine ? registerParameter("bias", Tensor.zeros(channels)) : null;
        registerBuffer("running_mean", Tensor.zeros(channels));
        registerBuffer("running_var", Tensor.ones(channels));
    }

    /** @return BatchNorm2d with PyTorch's defaults (eps 1e-5, momentum 0.1, affine) */
    public static BatchNorm batchNorm2d(int channels) {
        return new BatchNorm(channels, 4, 1e-5f, 0.1f, true);
    }

    /** @return BatchNorm1d with PyTorch's defaults, for {@code [N, C]} input */
    public static BatchNorm batchNorm1d(int channels) {
        return new BatchNorm(channels, 2, 1e-5f, 0.1f, true);
    }

    /** Chooses whether a frozen layer normalises with its running statistics (default true). */
    public void setFrozenUsesRunningStats(boolean on) {
        frozenUsesRunningStats = on;
    }

    /** @return whether this layer has no trainable parameter */
    public boolean isFrozen() {
        return weight != null && !weight.trainable() && !bias.trainable();
    }

    /** @return whether the next forward pass normalises with batch statistics (and updates the running ones) */
    public boolean usesBatchStatistics() {
        return isTraining() && !(frozenUsesRunningStats && isFrozen());
    }

    @Override
    public Tensor forward(Tensor input) {
        int[] s = input.shape();
        if (s.length != rank || s[1] != channels) {
            throw new IllegalArgumentException(this + ": expected input of rank " + rank + " with " + channels
                    + " channels in dimension 1, got " + Arrays.toString(s));
        }
        int[] axes = new int[rank - 1];
        int[] bshape = new int[rank];
        Arrays.fill(bshape, 1);
        bshape[1] = channels;
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
                throw new IllegalArgumentException(this + ": training needs more than one value per channel, got input "
                        + Arrays.toString(s));
            }
            mean = input.mean(axes, true);
            var = input.sub(mean).square().mean(axes, true);
            try (var ignored = GradMode.noGrad()) {
                float unbias = count / (count - 1f);
                setBuffer("running_mean", buffer("running_mean").mul(1 - momentum).add(mean.reshape(channels).mul(momentum)));
                setBuffer("running_var", buffer("running_var").mul(1 - momentum)
                        .add(var.reshape(channels).mul(momentum * unbias)));
            }
        } else {
            mean = buffer("running_mean").reshape(bshape);
            var = buffer("running_var").reshape(bshape);
        }
        Tensor y = input.sub(mean).mul(var.add(eps).rsqrt());
        if (weight != null) {
            y = y.mul(weight.value().reshape(bshape)).add(bias.value().reshape(bshape));
        }
        return y;
    }

    @Override
    public String toString() {
        return "BatchNorm" + (rank == 4 ? "2d" : "1d") + "(" + channels + ")";
    }
}
