package dev.graft.nn.layers;

import dev.graft.engine.Tensor;
import dev.graft.nn.Module;

/** Elementwise {@code x * relu6(x + 3) / 6}, as torch.nn.Hardswish (MobileNetV3). */
public final class HardSwish extends Module {

    /** Creates the parameter-free layer. */
    public HardSwish() {
    }

    @Override
    public Tensor forward(Tensor input) {
        return input.hardSwish();
    }

    @Override
    public String toString() {
        return "HardSwish";
    }
}
