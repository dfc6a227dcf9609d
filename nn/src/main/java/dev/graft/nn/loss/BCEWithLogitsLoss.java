package dev.graft.nn.loss;

import dev.graft.engine.Tensor;
import java.util.Arrays;
import java.util.Objects;

/**
 * Binary cross-entropy of probabilities given as logits, as PyTorch's {@code nn.BCEWithLogitsLoss}:
 * {@code loss = weight * ((1 - y) * x + (1 + (posWeight - 1) * y) * softplus(-x))}, which equals
 * {@code -weight * (posWeight * y * log(sigmoid(x)) + (1 - y) * log(1 - sigmoid(x)))} but never
 * takes the logarithm of zero. Instances are immutable.
 */
public final class BCEWithLogitsLoss {

    private final Tensor weight;
    private final Tensor posWeight;
    private final Reduction reduction;

    /** No weights, mean-reduced. */
    public BCEWithLogitsLoss() {
        this(null, null, Reduction.MEAN);
    }

    private BCEWithLogitsLoss(Tensor weight, Tensor posWeight, Reduction reduction) {
        this.weight = weight;
        this.posWeight = posWeight;
        this.reduction = reduction;
    }

    /** @return a copy with an element weight broadcast against the input (null for none) */
    public BCEWithLogitsLoss weight(Tensor elementWeight) {
        return new BCEWithLogitsLoss(elementWeight == null ? null : elementWeight.detach(), posWeight, reduction);
    }

    /** @return a copy weighting positive targets, broadcast against the input, usually one per class (null for none) */
    public BCEWithLogitsLoss posWeight(Tensor positiveWeight) {
        return new BCEWithLogitsLoss(weight, positiveWeight == null ? null : positiveWeight.detach(), reduction);
    }

    /** @return a copy with another reduction */
    public BCEWithLogitsLoss reduction(Reduction r) {
        return new BCEWithLogitsLoss(weight, posWeight, Objects.requireNonNull(r, "reduction"));
    }

    /**
     * @param logits scores of any shape
     * @param target probabilities in {@code [0, 1]} of the same shape
     * @return the loss: a scalar, or shaped like {@code logits} for {@link Reduction#NONE}
     */
    public Tensor forward(Tensor logits, Tensor target) {
        if (!Arrays.equals(logits.shape(), target.shape())) {
            throw new IllegalArgumentException("BCEWithLogitsLoss: target has shape " + Arrays.toString(target.shape())
                    + ", expected the logits' shape " + Arrays.toString(logits.shape()));
        }
        Tensor softplusNeg = logits.neg().softplus();
        Tensor positive = posWeight == null ? softplusNeg
                : posWeight.sub(1f).mul(target).add(1f).mul(softplusNeg);
        Tensor loss = target.neg().add(1f).mul(logits).add(positive);
        if (weight != null) {
            loss = loss.mul(weight);
        }
        return reduction.apply(loss);
    }
}
