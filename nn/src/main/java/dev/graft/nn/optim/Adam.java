package dev.graft.nn.optim;

import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import java.util.List;
import java.util.Map;

/**
 * Adam, with exactly the update of {@code torch.optim.Adam}: weight decay is an L2 penalty added
 * to the gradient (see {@link AdamW} for the decoupled form).
 * <pre>
 * t = t + 1;  g = grad + weightDecay * p
 * m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g^2
 * p = p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * With AMSGrad the denominator uses the running maximum of {@code v} instead of {@code v}.
 */
public class Adam extends Optimizer {

    /**
     * Default settings; every group takes learning rate and weight decay from here unless it sets
     * its own. Mutable fluent builder; the optimizer copies what it needs.
     */
    public static final class Options {
        private double lr = 1e-3;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double eps = 1e-8;
        private Double weightDecay;
        private boolean amsgrad;

        /** @return this, with the default learning rate (1e-3 unless set) */
        public Options lr(double v) {
            lr = ParamGroup.checkNonNegative("learning rate", v);
            return this;
        }

        /**
         * @return this, with the moment decay rates, each in [0, 1) (0.9 and 0.999 unless set); beta1
         *     is the groups' default momentum, which a group or a scheduler may change
         */
        public Options betas(double b1, double b2) {
            if (!(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1)) {
                throw new IllegalArgumentException("Adam: betas must lie in [0, 1), got " + b1 + ", " + b2);
            }
            beta1 = b1;
            beta2 = b2;
            return this;
        }

        /** @return this, with the term added to the denominator for stability (1e-8 unless set) */
        public Options eps(double v) {
            eps = ParamGroup.checkNonNegative("eps", v);
            return this;
        }

        /** @return this, with the default weight decay (0 for Adam and 0.01 for AdamW unless set) */
        public Options weightDecay(double v) {
            weightDecay = ParamGroup.checkNonNegative("weight decay", v);
            return this;
        }

        /** @return this, with the AMSGrad variant on or off (off unless set) */
        public Options amsgrad(boolean on) {
            amsgrad = on;
            return this;
        }
    }

    private final double beta2;
    private final double eps;
    private final boolean decoupled;
    private final boolean amsgrad;

    /** Optimizes every parameter of {@code module} as one group. */
    public Adam(Module module, Options options) {
        this(List.of(ParamGroup.of(module.parameters())), options);
    }

    /**
     * @param groups parameter groups, each possibly with its own learning rate and weight decay
     * @param options defaults and the moment settings shared by all groups
     */
    public Adam(List<ParamGroup> groups, Options options) {
        this(groups, options, false);
    }

    Adam(List<ParamGroup> groups, Options options, boolean decoupled) {
        super(groups, options.lr, options.weightDecay != null ? options.weightDecay : decoupled ? 0.01 : 0.0,
                options.beta1);
        for (ParamGroup g : groups) {
            if (g.momentum() >= 1) {
                throw new IllegalArgumentException("Adam: a param group's momentum (beta1) must lie in [0, 1), got "
                        + g.momentum());
            }
        }
        this.beta2 = options.beta2;
        this.eps = options.eps;
        this.decoupled = decoupled;
        this.amsgrad = options.amsgrad;
    }

    @Override
    protected final Tensor update(Tensor value, Tensor grad, ParamGroup group, Map<String, Tensor> slots) {
        int t = nextStep(slots);
        double lr = group.lr();
        double beta1 = group.momentum();
        double wd = group.weightDecay();
        Tensor p = value;
        Tensor g = grad;
        if (wd != 0) {
            if (decoupled) {
                p = p.mul((float) (1 - lr * wd));
            } else {
                g = g.add(p.mul((float) wd));
            }
        }
        Tensor m = slots.get("exp_avg");
        Tensor v = slots.get("exp_avg_sq");
        m = m == null ? g.mul((float) (1 - beta1)) : m.mul((float) beta1).add(g.mul((float) (1 - beta1)));
        Tensor g2 = g.square();
        v = v == null ? g2.mul((float) (1 - beta2)) : v.mul((float) beta2).add(g2.mul((float) (1 - beta2)));
        slots.put("exp_avg", m);
        slots.put("exp_avg_sq", v);
        double stepSize = lr / (1 - Math.pow(beta1, t));
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
        Tensor second = v;
        if (amsgrad) {
            Tensor max = slots.get("max_exp_avg_sq");
            second = max == null ? v : max.maximum(v);
            slots.put("max_exp_avg_sq", second);
        }
        Tensor denom = second.sqrt().div((float) bc2Sqrt).add((float) eps);
        return p.sub(m.div(denom).mul((float) stepSize));
    }

    @Override
    protected final List<String> slotNames() {
        return List.of("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq");
    }
}
