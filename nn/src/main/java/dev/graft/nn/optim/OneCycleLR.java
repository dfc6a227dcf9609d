package dev.graft.nn.optim;

/**
 * The one-cycle policy with cosine annealing, as PyTorch's {@code OneCycleLR} (two phases, no
 * momentum cycling): the rate rises from {@code max / divFactor} to {@code max} over the first
 * {@code pctStart} of the steps, then falls to {@code max / (divFactor * finalDivFactor)}. Each
 * group's peak {@code max} is its initial learning rate, so discriminative rates keep their
 * ratios. Call {@link #step()} once per optimizer step, {@code totalSteps - 1} times at most.
 */
public final class OneCycleLR extends LRScheduler {

    private final int totalSteps;
    private final double pctStart;
    private final double divFactor;
    private final double finalDivFactor;

    /** PyTorch's defaults: {@code pctStart} 0.3, {@code divFactor} 25, {@code finalDivFactor} 1e4. */
    public OneCycleLR(Optimizer optimizer, int totalSteps) {
        this(optimizer, totalSteps, 0.3, 25, 1e4);
    }

    /**
     * @param optimizer the optimizer to drive
     * @param totalSteps steps in the cycle, at least 2
     * @param pctStart fraction of the steps spent increasing the rate, in (0, 1)
     * @param divFactor the starting rate is {@code max / divFactor}
     * @param finalDivFactor the final rate is the starting rate divided by this
     */
    public OneCycleLR(Optimizer optimizer, int totalSteps, double pctStart, double divFactor, double finalDivFactor) {
        super(optimizer);
        if (totalSteps < 2) {
            throw new IllegalArgumentException("OneCycleLR: totalSteps must be >= 2, got " + totalSteps);
        }
        if (!(pctStart > 0 && pctStart < 1)) {
            throw new IllegalArgumentException("OneCycleLR: pctStart must be in (0, 1), got " + pctStart);
        }
        if (!(divFactor > 0 && finalDivFactor > 0)) {
            throw new IllegalArgumentException("OneCycleLR: divFactor and finalDivFactor must be positive, got "
                    + divFactor + ", " + finalDivFactor);
        }
        this.totalSteps = totalSteps;
        this.pctStart = pctStart;
        this.divFactor = divFactor;
        this.finalDivFactor = finalDivFactor;
        start();
    }

    @Override
    protected double lrAt(int step, double maxLr) {
        if (step >= totalSteps) {
            throw new IllegalStateException("OneCycleLR: stepped " + step + " times, but the cycle has only "
                    + totalSteps + " steps (at most " + (totalSteps - 1) + " step() calls)");
        }
        double initial = maxLr / divFactor;
        double min = initial / finalDivFactor;
        // PyTorch's phase boundaries, including its "- 1" on the end of the first phase.
        double end1 = pctStart * totalSteps - 1;
        double end2 = totalSteps - 1;
        if (step <= end1) {
            return cosine(initial, maxLr, step / end1);
        }
        return cosine(maxLr, min, (step - end1) / (end2 - end1));
    }

    private static double cosine(double start, double end, double pct) {
        return end + (start - end) / 2.0 * (Math.cos(Math.PI * pct) + 1);
    }
}
