package dev.graft.nn.loss;

import dev.graft.engine.Tensor;
import java.util.Objects;

/**
 * Huber loss, as PyTorch's {@code nn.HuberLoss}: {@code 0.5 * d^2} where {@code |d| < delta},
 * else {@code delta * (|d| - 0.5 * delta)}, with {@code d = x - y}. Instances are immutable.
 */
public final class HuberLoss {

    private final double delta;
    private final Reduction reduction;

    /** Delta 1, mean-reduced. */
    public HuberLoss() {
        this(1.0, Reduction.MEAN);
    }

    /**
     * @param delta where the loss turns from quadratic to linear; must be positive
     * @param reduction how the per-element losses are combined
     */
    public HuberLoss(double delta, Reduction reduction) {
        if (!(delta > 0)) {
            throw new IllegalArgumentException("HuberLoss: delta must be positive, got " + delta);
        }
        this.delta = delta;
        this.reduction = Objects.requireNonNull(reduction, "reduction");
    }

    /**
     * @param input predictions
     * @param target targets of the same shape
     * @return the loss: a scalar, or shaped like {@code input} for {@link Reduction#NONE}
     */
    public Tensor forward(Tensor input, Tensor target) {
        RegressionLosses.checkSameShape("HuberLoss", input, target);
        Tensor d = input.sub(target);
        Tensor ad = d.abs();
        float dl = (float) delta;
        Tensor quadratic = d.square().mul(0.5f);
        Tensor linear = ad.sub(0.5f * dl).mul(dl);
        return reduction.apply(Tensor.where(ad.lt(Tensor.scalar(dl)), quadratic, linear));
    }
}
