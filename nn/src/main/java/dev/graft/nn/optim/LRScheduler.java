package dev.graft.nn.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sets the learning rate of every parameter group of an optimizer as a function of the epoch (or
 * step) count, scaling from each group's {@linkplain ParamGroup#initialLr() initial rate}, as
 * PyTorch's {@code LRScheduler}. The rate for epoch 0 is applied on construction; each
 * {@link #step()} advances the count by one and applies the next rate.
 */
public abstract class LRScheduler {

    /** The {@link #stateDict()} key of the epoch count. */
    public static final String LAST_EPOCH_KEY = "scheduler.last_epoch";

    private final Optimizer optimizer;
    private int lastEpoch;

    /** @param optimizer the optimizer whose groups this scheduler drives */
    protected LRScheduler(Optimizer optimizer) {
        this.optimizer = optimizer;
    }

    /** Applies the rate of epoch 0; subclasses call this at the end of their constructor. */
    protected final void start() {
        lastEpoch = 0;
        apply();
    }

    /**
     * @param epoch the number of {@link #step()} calls so far
     * @param baseLr the group's initial learning rate
     * @return the group's learning rate at {@code epoch}
     */
    protected abstract double lrAt(int epoch, double baseLr);

    /** Advances one epoch (or step) and applies its learning rates. */
    public final void step() {
        lastEpoch++;
        apply();
    }

    private void apply() {
        for (ParamGroup g : optimizer.paramGroups()) {
            applyTo(lastEpoch, g);
        }
    }

    /**
     * Sets one group's settings for {@code epoch}: by default its learning rate from {@link #lrAt};
     * schedulers that also drive other settings extend this.
     */
    protected void applyTo(int epoch, ParamGroup group) {
        group.setLr(lrAt(epoch, group.initialLr()));
    }

    /**
     * @return the scheduler's position as text, ready to store in a checkpoint's metadata (see
     *     {@code Checkpoint.save}); the rest of its state is its constructor arguments
     */
    public final Map<String, String> stateDict() {
        return Map.of(LAST_EPOCH_KEY, Integer.toString(lastEpoch));
    }

    /**
     * Resumes at the position saved by {@link #stateDict()} and applies that epoch's settings.
     * Other entries are ignored, so a checkpoint's whole metadata map may be passed.
     *
     * @throws IllegalArgumentException if the position is missing or not a non-negative integer
     */
    public final void loadStateDict(Map<String, String> state) {
        String text = state.get(LAST_EPOCH_KEY);
        int epoch;
        try {
            epoch = Integer.parseInt(text == null ? "" : text);
        } catch (NumberFormatException e) {
            epoch = -1;
        }
        if (epoch < 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".loadStateDict: '" + LAST_EPOCH_KEY + "' is "
                    + (text == null ? "missing" : "'" + text + "'") + ", expected a non-negative integer");
        }
        lastEpoch = epoch;
        apply();
    }

    /** @return the number of {@link #step()} calls so far */
    public final int lastEpoch() {
        return lastEpoch;
    }

    /** @return the learning rate of every group, in group order */
    public final List<Double> lastLr() {
        List<Double> out = new ArrayList<>();
        for (ParamGroup g : optimizer.paramGroups()) {
            out.add(g.lr());
        }
        return out;
    }
}
