package dev.graft.nn.layers;

import dev.graft.engine.Tensor;
import dev.graft.nn.Module;

/** The elementwise logistic function {@code 1 / (1 + exp(-x))}, as torch.nn.Sigmoid. */
public final class Sigmoid extends Module {

    /** Creates the parameter-free layer. */
    public Sigmoid() {
    }

    @Override
    public Tensor forward(Tensor input) {
        return input.sigmoid();
    }

    @Override
    public String toString() {
        return "Sigmoid";
    }
}
