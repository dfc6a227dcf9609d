package dev.graft.nn.optim;

/** Multiplies every group's rate by {@code gamma} every {@code stepSize} epochs: {@code base * gamma^floor(epoch / stepSize)}. */
public final class StepLR extends LRScheduler {

    private final int stepSize;
    private final double gamma;

    /**
     * @param optimizer the optimizer to drive
     * @param stepSize epochs between decays, positive
     * @param gamma the decay factor
     */
    public StepLR(Optimizer optimizer, int stepSize, double gamma) {
        super(optimizer);
        if (stepSize < 1) {
            throw new IllegalArgumentException("StepLR: stepSize must be >= 1, got " + stepSize);
        }
        ParamGroup.checkNonNegative("StepLR gamma", gamma);
        this.stepSize = stepSize;
        this.gamma = gamma;
        start();
    }

    @Override
    protected double lrAt(int epoch, double baseLr) {
        return baseLr * Math.pow(gamma, epoch / stepSize);
    }
}
