package dev.graft.transfer.train;

/**
 * Settings of one supervised training phase (see {@link Trainer}). AdamW with a linear warmup
 * and cosine decay of the learning rate over the planned steps; cross-entropy loss.
 *
 * @param epochs planned epochs, at least 1
 * @param batchSize examples per step, at least 1
 * @param weightDecay AdamW's decoupled weight decay, at least 0
 * @param warmupFraction fraction of the planned steps spent warming up, in [0, 1)
 * @param patience stop after this many epochs without a better validation accuracy and restore
 *                 the best weights; 0 trains every epoch and keeps the last weights
 * @param labelSmoothing cross-entropy label smoothing, in [0, 1)
 * @param seed seed of the batch order and the augmentation
 */
public record TrainingSettings(int epochs, int batchSize, double weightDecay, double warmupFraction, int patience,
                               double labelSmoothing, long seed) {

    /** Checks every field, naming the first bad one. */
    public TrainingSettings {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weight decay must be at least 0, got " + weightDecay);
        }
        if (!(warmupFraction >= 0 && warmupFraction < 1)) {
            throw new IllegalArgumentException("warmup fraction must be in [0, 1), got " + warmupFraction);
        }
        if (patience < 0) {
            throw new IllegalArgumentException("patience must be at least 0, got " + patience);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1), got " + labelSmoothing);
        }
    }

    /** @return a copy with another number of epochs */
    public TrainingSettings withEpochs(int n) {
        return new TrainingSettings(n, batchSize, weightDecay, warmupFraction, patience, labelSmoothing, seed);
    }

    /** @return a copy with another seed */
    public TrainingSettings withSeed(long s) {
        return new TrainingSettings(epochs, batchSize, weightDecay, warmupFraction, patience, labelSmoothing, s);
    }
}
