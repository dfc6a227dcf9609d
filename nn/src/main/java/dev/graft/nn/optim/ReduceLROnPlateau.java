package dev.graft.nn.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Lowers every group's learning rate when a monitored metric stops improving, as PyTorch's
 * {@code ReduceLROnPlateau}: after more than {@code patience} epochs without improvement each rate
 * becomes {@code max(lr * factor, minLr)}, then {@code cooldown} epochs pass before bad epochs
 * count again. An improvement must beat the best value by the threshold, relative
 * ({@code best * (1 -/+ threshold)}) or absolute ({@code best -/+ threshold}).
 */
public final class ReduceLROnPlateau {

    /** Whether a lower or a higher metric is better. */
    public enum Mode {
        /** Lower is better (a loss). */
        MIN,
        /** Higher is better (an accuracy). */
        MAX
    }

    /** How the threshold defines a significant improvement. */
    public enum ThresholdMode {
        /** Relative to the best value so far. */
        REL,
        /** An absolute margin. */
        ABS
    }

    private static final String PREFIX = "scheduler.plateau.";

    /** Changes smaller than this are not applied, as PyTorch's {@code eps}. */
    private static final double EPS = 1e-8;

    private final Optimizer optimizer;
    private final Mode mode;
    private final double factor;
    private final int patience;
    private final double threshold;
    private final ThresholdMode thresholdMode;
    private final int cooldown;
    private final double minLr;
    private double best;
    private int badEpochs;
    private int cooldownCounter;

    /** PyTorch's defaults: factor 0.1, patience 10, relative threshold 1e-4, no cooldown, no floor. */
    public ReduceLROnPlateau(Optimizer optimizer, Mode mode) {
        this(optimizer, mode, 0.1, 10, 1e-4, ThresholdMode.REL, 0, 0);
    }

    /**
     * @param optimizer the optimizer to drive
     * @param mode whether lower or higher metrics are better
     * @param factor the multiplier applied on a plateau, in (0, 1)
     * @param patience epochs without improvement tolerated before reducing
     * @param threshold the margin an improvement must exceed
     * @param thresholdMode relative or absolute margin
     * @param cooldown epochs after a reduction during which no bad epochs are counted
     * @param minLr the floor of every group's rate
     */
    public ReduceLROnPlateau(Optimizer optimizer, Mode mode, double factor, int patience, double threshold,
                             ThresholdMode thresholdMode, int cooldown, double minLr) {
        if (!(factor > 0 && factor < 1)) {
            throw new IllegalArgumentException("ReduceLROnPlateau: factor must be in (0, 1), got " + factor);
        }
        if (patience < 0 || cooldown < 0) {
            throw new IllegalArgumentException("ReduceLROnPlateau: patience and cooldown must be >= 0, got "
                    + patience + ", " + cooldown);
        }
        ParamGroup.checkNonNegative("threshold", threshold);
        ParamGroup.checkNonNegative("minLr", minLr);
        this.optimizer = optimizer;
        this.mode = java.util.Objects.requireNonNull(mode, "mode");
        this.factor = factor;
        this.patience = patience;
        this.threshold = threshold;
        this.thresholdMode = java.util.Objects.requireNonNull(thresholdMode, "thresholdMode");
        this.cooldown = cooldown;
        this.minLr = minLr;
        this.best = mode == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    /**
     * Records one epoch's metric and reduces the rates if the plateau has lasted too long.
     *
     * @param metric the monitored value for this epoch
     */
    public void step(double metric) {
        if (isBetter(metric)) {
            best = metric;
            badEpochs = 0;
        } else {
            badEpochs++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            badEpochs = 0;
        }
        if (badEpochs > patience) {
            for (ParamGroup g : optimizer.paramGroups()) {
                double old = g.lr();
                double next = Math.max(old * factor, minLr);
                if (old - next > EPS) {
                    g.setLr(next);
                }
            }
            cooldownCounter = cooldown;
            badEpochs = 0;
        }
    }

    private boolean isBetter(double metric) {
        if (mode == Mode.MIN) {
            return thresholdMode == ThresholdMode.REL ? metric < best * (1 - threshold) : metric < best - threshold;
        }
        return thresholdMode == ThresholdMode.REL ? metric > best * (1 + threshold) : metric > best + threshold;
    }

    /**
     * @return the plateau tracking state as text (best metric, bad epochs, cooldown left), ready to
     *     store in a checkpoint's metadata
     */
    public Map<String, String> stateDict() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(PREFIX + "best", Double.toString(best));
        out.put(PREFIX + "bad_epochs", Integer.toString(badEpochs));
        out.put(PREFIX + "cooldown_counter", Integer.toString(cooldownCounter));
        return out;
    }

    /**
     * Restores the state saved by {@link #stateDict()}; other entries are ignored, so a
     * checkpoint's whole metadata map may be passed.
     *
     * @throws IllegalArgumentException naming the entry that is missing or malformed
     */
    public void loadStateDict(Map<String, String> state) {
        double newBest = (Double) entry(state, "best", false);
        int newBad = (Integer) entry(state, "bad_epochs", true);
        int newCooldown = (Integer) entry(state, "cooldown_counter", true);
        best = newBest;
        badEpochs = newBad;
        cooldownCounter = newCooldown;
    }

    private static Number entry(Map<String, String> state, String key, boolean integer) {
        String text = state.get(PREFIX + key);
        if (text == null) {
            throw new IllegalArgumentException("ReduceLROnPlateau.loadStateDict: '" + PREFIX + key + "' is missing");
        }
        try {
            return integer ? (Number) Integer.parseInt(text) : (Number) Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ReduceLROnPlateau.loadStateDict: '" + PREFIX + key + "' is '" + text
                    + "', expected " + (integer ? "an integer" : "a number"));
        }
    }

    /** @return the best metric seen so far */
    public double best() {
        return best;
    }

    /** @return the number of consecutive epochs without improvement counted so far */
    public int badEpochs() {
        return badEpochs;
    }
}
