package dev.graft.nn.layers;

import dev.graft.engine.Tensor;
import dev.graft.nn.Module;

/** Elementwise {@code min(max(x, 0), 6)}, as torch.nn.ReLU6 (MobileNet). */
public final class ReLU6 extends Module {

    /** Creates the parameter-free layer. */
    public ReLU6() {
    }

    @Override
    public Tensor forward(Tensor input) {
        return input.relu6();
    }

    @Override
    public String toString() {
        return "ReLU6";
    }
}
