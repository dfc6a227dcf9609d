package dev.graft.nn.layers;

import dev.graft.engine.Tensor;
import dev.graft.nn.Module;

/** Elementwise {@code x} for positive x and {@code negativeSlope * x} otherwise, as torch.nn.LeakyReLU. */
public final class LeakyReLU extends Module {

    private final float negativeSlope;

    /** Creates the layer with PyTorch's default slope, 0.01. */
    public LeakyReLU() {
        this(0.01f);
    }

    /**
     * @param negativeSlope the factor applied to negative inputs
     * @throws IllegalArgumentException if the slope is not finite
     */
    public LeakyReLU(float negativeSlope) {
        if (!Float.isFinite(negativeSlope)) {
            throw new IllegalArgumentException("LeakyReLU: negative slope must be finite, got " + negativeSlope);
        }
        this.negativeSlope = negativeSlope;
    }

    /** @return the factor applied to negative inputs */
    public float negativeSlope() {
        return negativeSlope;
    }

    @Override
    public Tensor forward(Tensor input) {
        return input.leakyRelu(negativeSlope);
    }

    @Override
    public String toString() {
        return "LeakyReLU(" + negativeSlope + ")";
    }
}
