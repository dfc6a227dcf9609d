package dev.graft.nn.layers;

import dev.graft.engine.Tensor;
import dev.graft.nn.Module;

/** Elementwise {@code relu6(x + 3) / 6}, PyTorch's torch.nn.Hardsigmoid (ONNX's default slope is 0.2; this is 1/6). */
public final class HardSigmoid extends Module {

    /** Creates the parameter-free layer. */
    public HardSigmoid() {
    }

    @Override
    public Tensor forward(Tensor input) {
        return input.hardSigmoid(1f / 6f, 0.5f);
    }

    @Override
    public String toString() {
        return "HardSigmoid";
    }
}
