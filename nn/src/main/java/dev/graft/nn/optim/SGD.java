package dev.graft.nn.optim;

import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and (coupled,
 * L2) weight decay, with exactly the update of {@code torch.optim.SGD}:
 * <pre>
 * g = grad + weightDecay * p
 * buf = g                                      (first step)
 * buf = momentum * buf + (1 - dampening) * g   (later steps)
 * g = nesterov ? g + momentum * buf : buf      (when momentum != 0)
 * p = p - lr * g
 * </pre>
 */
public final class SGD extends Optimizer {

    /**
     * Default settings; every group takes learning rate and weight decay from here unless it sets
     * its own. Mutable fluent builder; the optimizer copies what it needs.
     */
    public static final class Options {
        private double lr = 1e-3;
        private double momentum;
        private double dampening;
        private double weightDecay;
        private boolean nesterov;

        /** @return this, with the default learning rate (1e-3 unless set) */
        public Options lr(double v) {
            lr = ParamGroup.checkNonNegative("learning rate", v);
            return this;
        }

        /** @return this, with the default momentum factor (0 = none) */
        public Options momentum(double v) {
            momentum = ParamGroup.checkNonNegative("momentum", v);
            return this;
        }

        /** @return this, with the dampening of the gradient's contribution to the momentum buffer */
        public Options dampening(double v) {
            dampening = ParamGroup.checkNonNegative("dampening", v);
            return this;
        }

        /** @return this, with the default weight decay (L2 penalty added to the gradient) */
        public Options weightDecay(double v) {
            weightDecay = ParamGroup.checkNonNegative("weight decay", v);
            return this;
        }

        /** @return this, with Nesterov momentum on or off */
        public Options nesterov(boolean on) {
            nesterov = on;
            return this;
        }
    }

    private final double dampening;
    private final boolean nesterov;

    /** Optimizes every parameter of {@code module} as one group. */
    public SGD(Module module, Options options) {
        this(List.of(ParamGroup.of(module.parameters())), options);
    }

    /**
     * @param groups parameter groups, each possibly with its own learning rate and weight decay
     * @param options defaults and the dampening and Nesterov settings shared by all groups
     * @throws IllegalArgumentException if Nesterov momentum is asked for without momentum or with dampening
     */
    public SGD(List<ParamGroup> groups, Options options) {
        super(groups, options.lr, options.weightDecay, options.momentum);
        for (ParamGroup g : groups) {
            if (options.nesterov && (g.momentum() <= 0 || options.dampening != 0)) {
                throw new IllegalArgumentException("SGD: Nesterov momentum requires momentum > 0 and dampening 0, got momentum "
                        + g.momentum() + ", dampening " + options.dampening);
            }
        }
        this.dampening = options.dampening;
        this.nesterov = options.nesterov;
    }

    @Override
    protected Tensor update(Tensor value, Tensor grad, ParamGroup group, Map<String, Tensor> slots) {
        Tensor g = grad;
        if (group.weightDecay() != 0) {
            g = g.add(value.mul((float) group.weightDecay()));
        }
        double momentum = group.momentum();
        if (momentum != 0) {
            Tensor buf = slots.get("momentum_buffer");
            buf = buf == null ? Tensor.of(g.toArray(), g.shape())
                    : buf.mul((float) momentum).add(g.mul((float) (1 - dampening)));
            slots.put("momentum_buffer", buf);
            g = nesterov ? g.add(buf.mul((float) momentum)) : buf;
        }
        return value.sub(g.mul((float) group.lr()));
    }

    @Override
    protected List<String> slotNames() {
        return List.of("momentum_buffer");
    }
}
