package dev.graft.nn.optim;

import dev.graft.nn.Module;
import java.util.List;

/**
 * Adam with decoupled weight decay, as {@code torch.optim.AdamW}: before the Adam step the
 * parameter shrinks by {@code p = p * (1 - lr * weightDecay)} instead of the penalty entering the
 * gradient and its moments. The default weight decay is 0.01, as in PyTorch.
 */
public final class AdamW extends Adam {

    /** Optimizes every parameter of {@code module} as one group. */
    public AdamW(Module module, Adam.Options options) {
        this(List.of(ParamGroup.of(module.parameters())), options);
    }

    /**
     * @param groups parameter groups, each possibly with its own learning rate and weight decay
     * @param options defaults and the moment settings shared by all groups
     */
    public AdamW(List<ParamGroup> groups, Adam.Options options) {
        super(groups, options, true);
    }
}
