package dev.graft.nn.loss;

import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;

/**
 * Negative log-likelihood of class indices given log-probabilities, as PyTorch's
 * {@code nn.NLLLoss}: {@code loss[n] = -weight[t] * input[n, t]} with {@code t = target[n]};
 * targets equal to the ignore index contribute nothing, and the mean divides by the sum of the
 * weights of the counted targets (not by their number). Instances are immutable.
 */
public final class NLLLoss {

    /** PyTorch's default ignore index. */
    public static final long DEFAULT_IGNORE_INDEX = -100;

    private final Tensor weight;
    private final long ignoreIndex;
    private final Reduction reduction;

    /** Unweighted, mean-reduced, ignoring targets equal to {@value #DEFAULT_IGNORE_INDEX}. */
    public NLLLoss() {
        this(null, DEFAULT_IGNORE_INDEX, Reduction.MEAN);
    }

    private NLLLoss(Tensor weight, long ignoreIndex, Reduction reduction) {
        this.weight = weight;
        this.ignoreIndex = ignoreIndex;
        this.reduction = reduction;
    }

    /** @return a copy with per-class weights {@code [C]} (null for none) */
    public NLLLoss weight(Tensor classWeight) {
        return new NLLLoss(classWeight == null ? null : classWeight.detach(), ignoreIndex, reduction);
    }

    /** @return a copy that skips targets equal to {@code index} */
    public NLLLoss ignoreIndex(long index) {
        return new NLLLoss(weight, index, reduction);
    }

    /** @return a copy with another reduction */
    public NLLLoss reduction(Reduction r) {
        return new NLLLoss(weight, ignoreIndex, java.util.Objects.requireNonNull(r, "reduction"));
    }

    /**
     * @param logProbs {@code [N, C]} or {@code [N, C, d1, ...]} log-probabilities
     * @param target {@code [N]} or {@code [N, d1, ...]} class indices
     * @return the loss: a scalar, or shaped like {@code target} for {@link Reduction#NONE}
     */
    public Tensor forward(Tensor logProbs, LongTensor target) {
        ClassTargets t = ClassTargets.of("NLLLoss", logProbs, target, weight, ignoreIndex);
        return t.reduce(t.weightedNegativePick(logProbs), reduction);
    }
}
