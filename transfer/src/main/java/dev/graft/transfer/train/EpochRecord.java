package dev.graft.transfer.train;

/**
 * The figures of one training epoch.
 *
 * @param phase the training phase, e.g. {@code "head"} or {@code "fine-tune"}
 * @param epoch the epoch number within the whole run, from 1
 * @param trainLoss mean training loss over the epoch's batches
 * @param trainAccuracy training accuracy over the epoch (with dropout and augmentation active)
 * @param validationLoss mean validation loss, or NaN without a validation set
 * @param validationAccuracy validation accuracy, or NaN without a validation set
 * @param learningRate the largest learning rate of any parameter group at the epoch's end
 * @param seconds wall time of the epoch, validation included
 */
public record EpochRecord(String phase, int epoch, double trainLoss, double trainAccuracy, double validationLoss,
                          double validationAccuracy, double learningRate, double seconds) {

    /** @return whether validation figures are present */
    public boolean validated() {
        return !Double.isNaN(validationAccuracy);
    }
}
