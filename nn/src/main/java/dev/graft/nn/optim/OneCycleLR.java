package dev.graft.nn.optim;

/**
 * The one-cycle policy with cosine annealing, as PyTorch's {@code OneCycleLR} (two phases): the
 * rate rises from {@code max / divFactor} to {@code max} over the first {@code pctStart} of the
 * steps, then falls to {@code max / (divFactor * finalDivFactor)}; meanwhile, unless turned off,
 * the momentum (Adam's beta1) falls from {@code maxMomentum} to {@code baseMomentum} and rises
 * back. Each group's peak {@code max} is its initial learning rate, so discriminative rates keep
 * their ratios. Call {@link #step()} once per optimizer step, {@code totalSteps - 1} times at most.
 */
public final class OneCycleLR extends LRScheduler {

    /** Settings, with PyTorch's defaults. Mutable fluent builder; the scheduler copies it. */
    public static final class Options {
        private double pctStart = 0.3;
        private double divFactor = 25;
        private double finalDivFactor = 1e4;
        private boolean cycleMomentum = true;
        private double baseMomentum = 0.85;
        private double maxMomentum = 0.95;

        /** @return this, with the fraction of the steps spent increasing the rate, in (0, 1) (0.3 unless set) */
        public Options pctStart(double v) {
            if (!(v > 0 && v < 1)) {
                throw new IllegalArgumentException("OneCycleLR: pctStart must be in (0, 1), got " + v);
            }
            pctStart = v;
            return this;
        }

        /** @return this, with the starting rate as {@code max / v} (25 unless set) */
        public Options divFactor(double v) {
            divFactor = positive("divFactor", v);
            return this;
        }

        /** @return this, with the final rate as the starting rate divided by {@code v} (1e4 unless set) */
        public Options finalDivFactor(double v) {
            finalDivFactor = positive("finalDivFactor", v);
            return this;
        }

        /** @return this, with momentum cycling on or off (on unless set) */
        public Options cycleMomentum(boolean on) {
            cycleMomentum = on;
            return this;
        }

        /** @return this, with the momentum range: lowest at the peak rate, highest at both ends (0.85 and 0.95 unless set) */
        public Options momentumRange(double base, double max) {
            if (!(base >= 0 && base <= max && max < 1)) {
                throw new IllegalArgumentException("OneCycleLR: need 0 <= baseMomentum <= maxMomentum < 1, got "
                        + base + ", " + max);
            }
            baseMomentum = base;
            maxMomentum = max;
            return this;
        }

        private static double positive(String what, double v) {
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("OneCycleLR: " + what + " must be positive, got " + v);
            }
            return v;
        }
    }

    private final int totalSteps;
    private final Options o;

    /** PyTorch's defaults, momentum cycling included. */
    public OneCycleLR(Optimizer optimizer, int totalSteps) {
        this(optimizer, totalSteps, new Options());
    }

    /**
     * @param optimizer the optimizer to drive
     * @param totalSteps steps in the cycle, at least 2
     * @param options the shape of the cycle
     */
    public OneCycleLR(Optimizer optimizer, int totalSteps, Options options) {
        super(optimizer);
        if (totalSteps < 2) {
            throw new IllegalArgumentException("OneCycleLR: totalSteps must be >= 2, got " + totalSteps);
        }
        this.totalSteps = totalSteps;
        this.o = new Options().pctStart(options.pctStart).divFactor(options.divFactor)
                .finalDivFactor(options.finalDivFactor).cycleMomentum(options.cycleMomentum)
                .momentumRange(options.baseMomentum, options.maxMomentum);
        start();
    }

    @Override
    protected void applyTo(int step, ParamGroup group) {
        super.applyTo(step, group);
        if (o.cycleMomentum) {
            double end1 = end1();
            group.setMomentum(step <= end1 ? cosine(o.maxMomentum, o.baseMomentum, step / end1)
                    : cosine(o.baseMomentum, o.maxMomentum, (step - end1) / (totalSteps - 1 - end1)));
        }
    }

    @Override
    protected double lrAt(int step, double maxLr) {
        if (step >= totalSteps) {
            throw new IllegalStateException("OneCycleLR: stepped " + step + " times, but the cycle has only "
                    + totalSteps + " steps (at most " + (totalSteps - 1) + " step() calls)");
        }
        double initial = maxLr / o.divFactor;
        double min = initial / o.finalDivFactor;
        double end1 = end1();
        if (step <= end1) {
            return cosine(initial, maxLr, step / end1);
        }
        return cosine(maxLr, min, (step - end1) / (totalSteps - 1 - end1));
    }

    /** PyTorch's end of the first phase, including its "- 1". */
    private double end1() {
        return o.pctStart * totalSteps - 1;
    }

    private static double cosine(double start, double end, double pct) {
        return end + (start - end) / 2.0 * (Math.cos(Math.PI * pct) + 1);
    }
}
