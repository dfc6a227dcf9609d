package dev.graft.nn.layers;

import dev.graft.engine.Tensor;
import dev.graft.nn.Module;

/**
 * Returns its input unchanged, as torch.nn.Identity: a placeholder that removes a layer (a
 * classifier replaced by feature output, say) without changing the model's structure or names.
 */
public final class Identity extends Module {

    /** Creates the parameter-free layer. */
    public Identity() {
    }

    @Override
    public Tensor forward(Tensor input) {
        return input;
    }

    @Override
    public String toString() {
        return "Identity";
    }
}
