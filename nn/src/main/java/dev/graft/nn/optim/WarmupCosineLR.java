package dev.graft.nn.optim;

/**
 * Linear warmup followed by cosine decay, the usual fine-tuning schedule (the formula of Hugging
 * Face's {@code get_cosine_schedule_with_warmup}, with an optional floor):
 * <pre>
 * step &lt; warmup:  base * step / warmup
 * otherwise:      min + (base - min) * 0.5 * (1 + cos(pi * min(1, (step - warmup) / (total - warmup))))
 * </pre>
 * where {@code min = base * minLrFactor}. Call {@link #step()} once per optimizer step.
 */
public final class WarmupCosineLR extends LRScheduler {

    private final int warmupSteps;
    private final int totalSteps;
    private final double minLrFactor;

    /**
     * @param optimizer the optimizer to drive
     * @param warmupSteps steps of linear warmup from 0, at least 0
     * @param totalSteps steps until the rate reaches its floor, greater than {@code warmupSteps}
     * @param minLrFactor the floor as a fraction of each group's base rate, in [0, 1]
     */
    public WarmupCosineLR(Optimizer optimizer, int warmupSteps, int totalSteps, double minLrFactor) {
        super(optimizer);
        if (warmupSteps < 0 || totalSteps <= warmupSteps) {
            throw new IllegalArgumentException("WarmupCosineLR: need 0 <= warmupSteps < totalSteps, got warmup "
                    + warmupSteps + ", total " + totalSteps);
        }
        if (!(minLrFactor >= 0 && minLrFactor <= 1)) {
            throw new IllegalArgumentException("WarmupCosineLR: minLrFactor must be in [0, 1], got " + minLrFactor);
        }
        this.warmupSteps = warmupSteps;
        this.totalSteps = totalSteps;
        this.minLrFactor = minLrFactor;
        start();
    }

    @Override
    protected double lrAt(int step, double baseLr) {
        if (step < warmupSteps) {
            return baseLr * step / warmupSteps;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
        double min = baseLr * minLrFactor;
        return min + (baseLr - min) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
