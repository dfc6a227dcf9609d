package dev.graft.nn.layers;

import java.util.Arrays;

/**
 * Batch normalisation of {@code [N, C, H, W]} input per channel, as torch.nn.BatchNorm2d; see
 * {@link BatchNorm} for training, eval and frozen behaviour.
 */
public final class BatchNorm2d extends BatchNorm {

    /**
     * Creates the layer with PyTorch's defaults: eps 1e-5, momentum 0.1, affine.
     *
     * @param channels number of channels C
     */
    public BatchNorm2d(int channels) {
        this(channels, 1e-5f, 0.1f, true);
    }

    /**
     * @param channels number of channels C
     * @param eps added to the variance
     * @param momentum weight of the batch statistics in the running update
     * @param affine whether to learn a per-channel scale and shift
     */
    public BatchNorm2d(int channels, float eps, float momentum, boolean affine) {
        super(channels, eps, momentum, affine);
    }

    @Override
    protected void checkInput(int[] s) {
        if ((s.length != 4) || s[1] != channels()) {
            throw new IllegalArgumentException(this + ": expected input [N, " + channels() + ", H, W], got " + Arrays.toString(s));
        }
    }
}
