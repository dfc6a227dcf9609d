package dev.graft.nn.layers;

import dev.graft.engine.Tensor;
import dev.graft.nn.Module;

/** Merges every dimension from 1 on: {@code [N, ...] -> [N, rest]}. */
public final class Flatten extends Module {

    @Override
    public Tensor forward(Tensor input) {
        if (input.dim() < 1) {
            throw new IllegalArgumentException("Flatten: input needs a batch dimension, got a scalar");
        }
        return input.dim() == 1 ? input.unsqueeze(1) : input.flatten(1);
    }
}
