package dev.graft.transfer;

import java.util.ArrayList;
import java.util.List;

/**
 * Settings of {@link FineTuner}: a head-only phase on the frozen backbone, then, when
 * {@link #fineTuneEpochs(int)} is above zero, a phase that also trains part of the backbone
 * with a lower learning rate (discriminative rates), all at once or unfrozen gradually from the
 * last layer back. Both phases use AdamW with linear warmup and cosine decay; early stopping on a
 * validation set restores the best weights when {@link #patience(int)} is above zero. Defaults
 * suit a small head on cached features: 30 head epochs at 3e-3, batch 32, no fine-tuning.
 */
public final class FineTuneOptions {

    int headEpochs = 30;
    double headLr = 3e-3;
    int fineTuneEpochs;
    double fineTuneLr = 1e-3;
    double backboneLrFactor = 0.1;
    int unfreezeLastLayers;
    final List<String> unfreezePatterns = new ArrayList<>();
    boolean gradual;
    int batchSize = 32;
    double weightDecay = 1e-2;
    double warmupFraction = 0.1;
    int patience;
    double labelSmoothing;
    long seed;
    long memoryBudgetBytes = 512L << 20;
    boolean cacheFeatures = true;
    boolean trainBatchNorm;

    /** Epochs of the head-only phase, at least 1. */
    public FineTuneOptions headEpochs(int n) {
        this.headEpochs = atLeast("head epochs", n, 1);
        return this;
    }

    /** Peak learning rate of the head-only phase. */
    public FineTuneOptions headLr(double lr) {
        this.headLr = positive("head learning rate", lr);
        return this;
    }

    /** Epochs of the fine-tuning phase; 0 (the default) trains the head only. */
    public FineTuneOptions fineTuneEpochs(int n) {
        this.fineTuneEpochs = atLeast("fine-tune epochs", n, 0);
        return this;
    }

    /** Peak learning rate of the head during fine-tuning. */
    public FineTuneOptions fineTuneLr(double lr) {
        this.fineTuneLr = positive("fine-tune learning rate", lr);
        return this;
    }

    /** The backbone's learning rate as a fraction of the head's during fine-tuning, in (0, 1]. */
    public FineTuneOptions backboneLrFactor(double factor) {
        if (!(factor > 0 && factor <= 1)) {
            throw new IllegalArgumentException("backbone learning-rate factor must be in (0, 1], got " + factor);
        }
        this.backboneLrFactor = factor;
        return this;
    }

    /**
     * How many of the backbone's last weight layers fine-tuning trains; 0 (the default) means all
     * of them unless {@link #unfreeze(String)} names parameters instead.
     */
    public FineTuneOptions unfreezeLastLayers(int n) {
        this.unfreezeLastLayers = atLeast("layers to unfreeze", n, 0);
        return this;
    }

    /** Fine-tunes the backbone parameters this glob selects (may be given several times). */
    public FineTuneOptions unfreeze(String glob) {
        if (glob == null || glob.isBlank()) {
            throw new IllegalArgumentException("an unfreeze pattern must not be empty");
        }
        unfreezePatterns.add(glob);
        return this;
    }

    /**
     * Unfreezes one more layer per stage, last layer first, splitting the fine-tuning epochs evenly
     * over the stages (needs {@link #unfreezeLastLayers(int)} above zero).
     */
    public FineTuneOptions gradual(boolean on) {
        this.gradual = on;
        return this;
    }

    /** Examples per step, at least 1. */
    public FineTuneOptions batchSize(int n) {
        this.batchSize = atLeast("batch size", n, 1);
        return this;
    }

    /** AdamW's decoupled weight decay. */
    public FineTuneOptions weightDecay(double wd) {
        if (!(wd >= 0)) {
            throw new IllegalArgumentException("weight decay must be at least 0, got " + wd);
        }
        this.weightDecay = wd;
        return this;
    }

    /** Fraction of each phase's steps spent warming the learning rate up from 0, in [0, 1). */
    public FineTuneOptions warmupFraction(double f) {
        this.warmupFraction = f;
        return this;
    }

    /** Early-stopping patience in epochs (needs a validation set); 0 turns early stopping off. */
    public FineTuneOptions patience(int epochs) {
        this.patience = atLeast("patience", epochs, 0);
        return this;
    }

    /** Cross-entropy label smoothing, in [0, 1). */
    public FineTuneOptions labelSmoothing(double eps) {
        this.labelSmoothing = eps;
        return this;
    }

    /** Seed of batch order and augmentation; the same seed and data give the same model. */
    public FineTuneOptions seed(long s) {
        this.seed = s;
        return this;
    }

    /** Feature caches larger than this many bytes are memory-mapped from a temporary file. */
    public FineTuneOptions memoryBudgetBytes(long bytes) {
        this.memoryBudgetBytes = atLeast("memory budget", bytes, 0);
        return this;
    }

    /** Whether the head-only phase may run on cached backbone features (on by default). */
    public FineTuneOptions cacheFeatures(boolean on) {
        this.cacheFeatures = on;
        return this;
    }

    /**
     * Whether fine-tuning also trains the backbone's batch normalisations (then in training mode,
     * on batch statistics). Off by default: they stay in inference mode with their pretrained
     * statistics, which small fine-tuning batches would only make noisier.
     */
    public FineTuneOptions trainBatchNorm(boolean on) {
        this.trainBatchNorm = on;
        return this;
    }

    private static int atLeast(String what, int v, int min) {
        if (v < min) {
            throw new IllegalArgumentException(what + " must be at least " + min + ", got " + v);
        }
        return v;
    }

    private static long atLeast(String what, long v, long min) {
        if (v < min) {
            throw new IllegalArgumentException(what + " must be at least " + min + ", got " + v);
        }
        return v;
    }

    private static double positive(String what, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(what + " must be a positive number, got " + v);
        }
        return v;
    }
}
