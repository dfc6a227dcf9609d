package dev.graft.nn.loss;

import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import java.util.Objects;

/**
 * Cross-entropy of class indices given raw scores (logits), as PyTorch's {@code nn.CrossEntropyLoss}:
 * log-softmax over the class axis (axis 1) followed by {@link NLLLoss}.
 *
 * <p>With label smoothing {@code e} over {@code C} classes the loss is
 * {@code (1 - e) * nll + (e / C) * smooth}, where {@code smooth[n] = -sum_c weight[c] * logp[n, c]};
 * ignored targets contribute to neither term, and under the mean reduction both terms are divided
 * by the sum of the class weights of the counted targets, exactly as PyTorch does. Instances are
 * immutable.
 */
public final class CrossEntropyLoss {

    private final Tensor weight;
    private final long ignoreIndex;
    private final double labelSmoothing;
    private final Reduction reduction;

    /** Unweighted, mean-reduced, no smoothing, ignoring targets equal to {@value NLLLoss#DEFAULT_IGNORE_INDEX}. */
    public CrossEntropyLoss() {
        this(null, NLLLoss.DEFAULT_IGNORE_INDEX, 0, Reduction.MEAN);
    }

    private CrossEntropyLoss(Tensor weight, long ignoreIndex, double labelSmoothing, Reduction reduction) {
        this.weight = weight;
        this.ignoreIndex = ignoreIndex;
        this.labelSmoothing = labelSmoothing;
        this.reduction = reduction;
    }

    /** @return a copy with per-class weights {@code [C]} (null for none) */
    public CrossEntropyLoss weight(Tensor classWeight) {
        return new CrossEntropyLoss(classWeight == null ? null : classWeight.detach(), ignoreIndex, labelSmoothing,
                reduction);
    }

    /** @return a copy that skips targets equal to {@code index} */
    public CrossEntropyLoss ignoreIndex(long index) {
        return new CrossEntropyLoss(weight, index, labelSmoothing, reduction);
    }

    /**
     * @param epsilon the probability mass spread uniformly over all classes, in {@code [0, 1]}
     * @return a copy with label smoothing
     */
    public CrossEntropyLoss labelSmoothing(double epsilon) {
        if (!(epsilon >= 0 && epsilon <= 1)) {
            throw new IllegalArgumentException("CrossEntropyLoss: label smoothing must be in [0, 1], got " + epsilon);
        }
        return new CrossEntropyLoss(weight, ignoreIndex, epsilon, reduction);
    }

    /** @return a copy with another reduction */
    public CrossEntropyLoss reduction(Reduction r) {
        return new CrossEntropyLoss(weight, ignoreIndex, labelSmoothing, Objects.requireNonNull(r, "reduction"));
    }

    /**
     * @param logits {@code [N, C]} or {@code [N, C, d1, ...]} unnormalised scores
     * @param target {@code [N]} or {@code [N, d1, ...]} class indices
     * @return the loss: a scalar, or shaped like {@code target} for {@link Reduction#NONE}
     */
    public Tensor forward(Tensor logits, LongTensor target) {
        ClassTargets t = ClassTargets.of("CrossEntropyLoss", logits, target, weight, ignoreIndex);
        Tensor logp = logits.logSoftmax(1);
        Tensor nll = t.reduce(t.weightedNegativePick(logp), reduction);
        if (labelSmoothing == 0) {
            return nll;
        }
        int classes = logits.size(1);
        Tensor weighted = logp;
        if (weight != null) {
            int[] shape = new int[logits.dim()];
            java.util.Arrays.fill(shape, 1);
            shape[1] = classes;
            weighted = logp.mul(weight.reshape(shape));
        }
        Tensor smooth = weighted.sum(new int[] {1}, false).neg().mul(t.keep());
        Tensor smoothReduced = t.reduce(smooth, reduction);
        return nll.mul((float) (1 - labelSmoothing)).add(smoothReduced.mul((float) (labelSmoothing / classes)));
    }
}
