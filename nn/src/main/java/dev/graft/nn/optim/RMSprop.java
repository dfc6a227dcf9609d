package dev.graft.nn.optim;

import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import java.util.List;
import java.util.Map;

/**
 * RMSprop, with exactly the update of {@code torch.optim.RMSprop}:
 * <pre>
 * g = grad + weightDecay * p
 * s = alpha * s + (1 - alpha) * g^2
 * avg = sqrt(s - a^2) + eps with a = alpha * a + (1 - alpha) * g   (centered)
 * avg = sqrt(s) + eps                                              (otherwise)
 * buf = momentum * buf + g / avg;  p = p - lr * buf                (momentum > 0)
 * p = p - lr * g / avg                                             (otherwise)
 * </pre>
 */
public final class RMSprop extends Optimizer {

    /**
     * Default settings; every group takes learning rate and weight decay from here unless it sets
     * its own. Mutable fluent builder; the optimizer copies what it needs.
     */
    public static final class Options {
        private double lr = 1e-2;
        private double alpha = 0.99;
        private double eps = 1e-8;
        private double momentum;
        private boolean centered;
        private double weightDecay;

        /** @return this, with the default learning rate (1e-2 unless set) */
        public Options lr(double v) {
            lr = ParamGroup.checkNonNegative("learning rate", v);
            return this;
        }

        /** @return this, with the smoothing constant of the squared-gradient average, in [0, 1] (0.99 unless set) */
        public Options alpha(double v) {
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException("RMSprop: alpha must lie in [0, 1], got " + v);
            }
            alpha = v;
            return this;
        }

        /** @return this, with the term added to the denominator for stability (1e-8 unless set) */
        public Options eps(double v) {
            eps = ParamGroup.checkNonNegative("eps", v);
            return this;
        }

        /** @return this, with the default momentum factor (0 = none) */
        public Options momentum(double v) {
            momentum = ParamGroup.checkNonNegative("momentum", v);
            return this;
        }

        /** @return this, normalising by the gradient's estimated variance instead of its second moment */
        public Options centered(boolean on) {
            centered = on;
            return this;
        }

        /** @return this, with the default weight decay (L2 penalty added to the gradient) */
        public Options weightDecay(double v) {
            weightDecay = ParamGroup.checkNonNegative("weight decay", v);
            return this;
        }
    }

    private final double alpha;
    private final double eps;
    private final boolean centered;

    /** Optimizes every parameter of {@code module} as one group. */
    public RMSprop(Module module, Options options) {
        this(List.of(ParamGroup.of(module.parameters())), options);
    }

    /**
     * @param groups parameter groups, each possibly with its own learning rate and weight decay
     * @param options defaults and the settings shared by all groups
     */
    public RMSprop(List<ParamGroup> groups, Options options) {
        super(groups, options.lr, options.weightDecay, options.momentum);
        this.alpha = options.alpha;
        this.eps = options.eps;
        this.centered = options.centered;
    }

    @Override
    protected Tensor update(Tensor value, Tensor grad, ParamGroup group, Map<String, Tensor> slots) {
        nextStep(slots);
        Tensor g = grad;
        if (group.weightDecay() != 0) {
            g = g.add(value.mul((float) group.weightDecay()));
        }
        Tensor s = slots.get("square_avg");
        Tensor g2 = g.square().mul((float) (1 - alpha));
        s = s == null ? g2 : s.mul((float) alpha).add(g2);
        slots.put("square_avg", s);
        Tensor avg;
        if (centered) {
            Tensor a = slots.get("grad_avg");
            Tensor ga = g.mul((float) (1 - alpha));
            a = a == null ? ga : a.mul((float) alpha).add(ga);
            slots.put("grad_avg", a);
            avg = s.sub(a.square()).sqrt().add((float) eps);
        } else {
            avg = s.sqrt().add((float) eps);
        }
        Tensor direction = g.div(avg);
        double momentum = group.momentum();
        if (momentum > 0) {
            Tensor buf = slots.get("momentum_buffer");
            buf = buf == null ? direction : buf.mul((float) momentum).add(direction);
            slots.put("momentum_buffer", buf);
            direction = buf;
        }
        return value.sub(direction.mul((float) group.lr()));
    }

    @Override
    protected List<String> slotNames() {
        return List.of("step", "square_avg", "grad_avg", "momentum_buffer");
    }
}
