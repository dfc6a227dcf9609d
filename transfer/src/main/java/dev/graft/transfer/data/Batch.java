package dev.graft.transfer.data;

import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;

/**
 * One mini-batch: the stacked inputs, their labels, and which dataset examples they came from.
 *
 * @param inputs float32 tensor {@code [B, ...sampleShape]}
 * @param labels int64 class indices {@code [B]}
 * @param indices the dataset index of each row, so callers can trace a row back to its example
 */
public record Batch(Tensor inputs, LongTensor labels, int[] indices) {

    /** @return the number of examples in this batch */
    public int size() {
        return indices.length;
    }
}
