package dev.graft.nn.layers;

import dev.graft.engine.Tensor;
import dev.graft.nn.Module;

/** The elementwise hyperbolic tangent, as torch.nn.Tanh. */
public final class Tanh extends Module {

    /** Creates the parameter-free layer. */
    public Tanh() {
    }

    @Override
    public Tensor forward(Tensor input) {
        return input.tanh();
    }

    @Override
    public String toString() {
        return "Tanh";
    }
}
