package dev.graft.nn.layers;

import dev.graft.engine.Tensor;
import dev.graft.nn.Module;

/** Elementwise {@code max(x, 0)}, as torch.nn.ReLU. */
public final class ReLU extends Module {

    /** Creates the parameter-free layer. */
    public ReLU() {
    }

    @Override
    public Tensor forward(Tensor input) {
        return input.relu();
    }

    @Override
    public String toString() {
        return "ReLU";
    }
}
