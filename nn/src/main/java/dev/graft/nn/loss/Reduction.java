package dev.graft.nn.loss;

import dev.graft.engine.Tensor;

/** How a loss turns its per-element values into its result, as PyTorch's {@code reduction} argument. */
public enum Reduction {
    /** Keep one loss value per element (per sample for class-index losses). */
    NONE,
    /** Average the per-element values (class-index losses divide by the total sample weight instead). */
    MEAN,
    /** Add the per-element values. */
    SUM;

    /**
     * Reduces unweighted per-element losses.
     *
     * @param perElement the loss of every element
     * @return {@code perElement} itself, its mean or its sum
     */
    public Tensor apply(Tensor perElement) {
        return switch (this) {
            case NONE -> perElement;
            case MEAN -> perElement.mean();
            case SUM -> perElement.sum();
        };
    }
}
