package dev.graft.transfer.train;

/**
 * Receives progress from long work (feature caching, training epochs), for a progress bar or a
 * log. Every method has an empty default, so a listener implements only what it shows. Calls come
 * from the thread that runs the work.
 */
public interface TrainingListener {

    /** A listener that ignores everything. */
    TrainingListener NONE = new TrainingListener() {
    };

    /**
     * A unit of work begins: caching features, or one epoch of training.
     *
     * @param phase a short label, e.g. {@code "features"} or {@code "head 3/30"}
     * @param totalSteps how many {@link #step} calls will follow
     */
    default void phaseStarted(String phase, int totalSteps) {
    }

    /**
     * One step (a batch) of the current phase is done.
     *
     * @param done steps done so far in this phase, from 1
     * @param loss the running mean training loss of the phase, or NaN where there is none
     * @param accuracy the running training accuracy of the phase, or NaN where there is none
     */
    default void step(int done, double loss, double accuracy) {
    }

    /** An epoch ended; its figures, including validation when there is a validation set. */
    default void epochEnded(EpochRecord record) {
    }

    /** A message worth a line of its own (cache placement, early stopping, restored weights). */
    default void note(String message) {
    }
}
