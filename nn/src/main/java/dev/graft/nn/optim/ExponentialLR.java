package dev.graft.nn.optim;

/** Multiplies every group's rate by {@code gamma} each epoch: {@code base * gamma^epoch}. */
public final class ExponentialLR extends LRScheduler {

    private final double gamma;

    /**
     * @param optimizer the optimizer to drive
     * @param gamma the decay factor per epoch
     */
    public ExponentialLR(Optimizer optimizer, double gamma) {
        super(optimizer);
        this.gamma = ParamGroup.checkNonNegative("ExponentialLR gamma", gamma);
        start();
    }

    @Override
    protected double lrAt(int epoch, double baseLr) {
        return baseLr * Math.pow(gamma, epoch);
    }
}
