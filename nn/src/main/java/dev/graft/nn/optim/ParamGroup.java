package dev.graft.nn.optim;

import dev.graft.nn.Parameter;
import java.util.List;

/**
 * Parameters that share a learning rate, weight decay and momentum, as a PyTorch optimizer's param group:
 * a backbone trained slowly and a new head trained fast are two groups of one optimizer.
 *
 * <p>Settings left unset take the optimizer's defaults when the group is handed to it. The
 * learning rate and momentum stay mutable afterwards because schedulers change them every step;
 * the rate the group started with is kept as {@link #initialLr()}, the base every scheduler
 * scales. "Momentum" is the momentum factor of {@link SGD} and {@link RMSprop} and
 * {@code beta1} of {@link Adam}, as PyTorch's {@code OneCycleLR} treats them.
 */
public final class ParamGroup {

    private final List<Parameter> params;
    private Double lr;
    private Double weightDecay;
    private Double momentum;
    private double initialLr = Double.NaN;
    private boolean attached;

    private ParamGroup(List<Parameter> params) {
        this.params = List.copyOf(params);
    }

    /** @return a group of {@code params} with no settings of its own yet */
    public static ParamGroup of(List<Parameter> params) {
        return new ParamGroup(params);
    }

    /**
     * Sets this group's learning rate before the group is handed to an optimizer.
     *
     * @return this group
     */
    public ParamGroup lr(double value) {
        checkNotAttached("lr");
        this.lr = checkNonNegative("learning rate", value);
        return this;
    }

    /**
     * Sets this group's weight decay before the group is handed to an optimizer.
     *
     * @return this group
     */
    public ParamGroup weightDecay(double value) {
        checkNotAttached("weightDecay");
        this.weightDecay = checkNonNegative("weight decay", value);
        return this;
    }

    /**
     * Sets this group's momentum (SGD/RMSprop momentum, Adam's beta1) before the group is handed
     * to an optimizer.
     *
     * @return this group
     */
    public ParamGroup momentum(double value) {
        checkNotAttached("momentum");
        this.momentum = checkNonNegative("momentum", value);
        return this;
    }

    /** @return the parameters, in order */
    public List<Parameter> params() {
        return params;
    }

    /** @return the current learning rate */
    public double lr() {
        checkAttached();
        return lr;
    }

    /** Changes the current learning rate; schedulers call this. */
    public void setLr(double value) {
        checkAttached();
        lr = checkNonNegative("learning rate", value);
    }

    /** @return the learning rate the group had when it was handed to its optimizer */
    public double initialLr() {
        checkAttached();
        return initialLr;
    }

    /** @return the current momentum (SGD/RMSprop momentum, Adam's beta1) */
    public double momentum() {
        checkAttached();
        return momentum;
    }

    /** Changes the current momentum (SGD/RMSprop momentum, Adam's beta1); schedulers call this. */
    public void setMomentum(double value) {
        checkAttached();
        momentum = checkNonNegative("momentum", value);
    }

    /** @return the weight decay */
    public double weightDecay() {
        checkAttached();
        return weightDecay;
    }

    /** Fills unset settings from the optimizer's defaults and freezes the settings. */
    void attach(double defaultLr, double defaultWeightDecay, double defaultMomentum) {
        if (attached) {
            throw new IllegalArgumentException("ParamGroup is already used by another optimizer; make a new group");
        }
        if (lr == null) {
            lr = defaultLr;
        }
        if (weightDecay == null) {
            weightDecay = defaultWeightDecay;
        }
        if (momentum == null) {
            momentum = defaultMomentum;
        }
        initialLr = lr;
        attached = true;
    }

    private void checkAttached() {
        if (!attached) {
            throw new IllegalStateException("ParamGroup settings are only resolved once the group is given to an optimizer");
        }
    }

    private void checkNotAttached(String what) {
        if (attached) {
            throw new IllegalStateException("ParamGroup." + what + ": the group already belongs to an optimizer"
                    + (what.equals("weightDecay") ? "" : "; use the setter or a scheduler"));
        }
    }

    static double checkNonNegative(String what, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + " must be a finite number >= 0, got " + value);
        }
        return value;
    }

    @Override
    public String toString() {
        return "ParamGroup(" + params.size() + " params, lr=" + lr + ", weightDecay=" + weightDecay + ", momentum="
                + momentum + ")";
    }
}
