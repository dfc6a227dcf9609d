package dev.graft.nn.loss;

import dev.graft.engine.Tensor;
import java.util.Objects;

/** Absolute error {@code |x - y|}, as PyTorch's {@code nn.L1Loss}. Instances are immutable. */
public final class L1Loss {

    private final Reduction reduction;

    /** Mean-reduced. */
    public L1Loss() {
        this(Reduction.MEAN);
    }

    /** @param reduction how the per-element losses are combined */
    public L1Loss(Reduction reduction) {
        this.reduction = Objects.requireNonNull(reduction, "reduction");
    }

    /**
     * @param input predictions
     * @param target targets of the same shape
     * @return the loss: a scalar, or shaped like {@code input} for {@link Reduction#NONE}
     */
    public Tensor forward(Tensor input, Tensor target) {
        RegressionLosses.checkSameShape("L1Loss", input, target);
        return reduction.apply(input.sub(target).abs());
    }
}
