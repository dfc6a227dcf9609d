package dev.graft.transfer.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every epoch of a training run, in order, and which one was kept.
 *
 * @param epochs the epoch records
 * @param bestEpoch the epoch whose weights the model holds at the end (the best validation
 *                  accuracy when early stopping restored them, else the last epoch), or 0 if none ran
 * @param stoppedEarly whether training stopped before its planned epochs because validation stopped improving
 */
public record TrainingHistory(List<EpochRecord> epochs, int bestEpoch, boolean stoppedEarly) {

    /** Copies the epoch list. */
    public TrainingHistory {
        epochs = List.copyOf(epochs);
    }

    /** @return a history with no epochs */
    public static TrainingHistory empty() {
        return new TrainingHistory(List.of(), 0, false);
    }

    /**
     * Joins two consecutive runs (e.g. head-only then fine-tuning); the later one's kept epoch wins
     * when it ran at all.
     */
    public TrainingHistory then(TrainingHistory next) {
        List<EpochRecord> all = new ArrayList<>(epochs);
        all.addAll(next.epochs);
        return new TrainingHistory(all, next.epochs.isEmpty() ? bestEpoch : next.bestEpoch,
                stoppedEarly || next.stoppedEarly);
    }

    /** @return the record of the kept epoch, or null when no epoch ran */
    public EpochRecord best() {
        for (EpochRecord r : epochs) {
            if (r.epoch() == bestEpoch) {
                return r;
            }
        }
        return null;
    }

    /** @return the epoch records, unmodifiable */
    @Override
    public List<EpochRecord> epochs() {
        return Collections.unmodifiableList(epochs);
    }
}
