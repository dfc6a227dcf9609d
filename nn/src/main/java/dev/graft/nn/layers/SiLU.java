package dev.graft.nn.layers;

import dev.graft.engine.Tensor;
import dev.graft.nn.Module;

/** Elementwise {@code x * sigmoid(x)} (swish), as torch.nn.SiLU. */
public final class SiLU extends Module {

    /** Creates the parameter-free layer. */
    public SiLU() {
    }

    @Override
    public Tensor forward(Tensor input) {
        return input.silu();
    }

    @Override
    public String toString() {
        return "SiLU";
    }
}
