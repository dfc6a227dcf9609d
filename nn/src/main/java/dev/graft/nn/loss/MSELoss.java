package dev.graft.nn.loss;

import dev.graft.engine.Tensor;
import java.util.Objects;

/** Squared error {@code (x - y)^2}, as PyTorch's {@code nn.MSELoss}. Instances are immutable. */
public final class MSELoss {

    private final Reduction reduction;

    /** Mean-reduced. */
    public MSELoss() {
        this(Reduction.MEAN);
    }

    /** @param reduction how the per-element losses are combined */
    public MSELoss(Reduction reduction) {
        this.reduction = Objects.requireNonNull(reduction, "reduction");
    }

    /**
     * @param input predictions
     * @param target targets of the same shape
     * @return the loss: a scalar, or shaped like {@code input} for {@link Reduction#NONE}
     */
    public Tensor forward(Tensor input, Tensor target) {
        RegressionLosses.checkSameShape("MSELoss", input, target);
        return reduction.apply(input.sub(target).square());
    }
}
