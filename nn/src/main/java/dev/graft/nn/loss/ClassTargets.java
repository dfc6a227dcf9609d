package dev.graft.nn.loss;

import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import java.util.Arrays;

/**
 * Class-index targets checked against the scores they index, shared by {@link NLLLoss} and
 * {@link CrossEntropyLoss}.
 *
 * @param gatherIndex the targets shaped {@code [N, 1, d1, ...]} for {@code gatherElements} along
 *     the class axis, with ignored positions replaced by class 0 (their weight is zero)
 * @param sampleWeight per target: the class weight of its class, or 0 where ignored
 * @param keep per target: 1 where it counts, 0 where ignored
 * @param weightSum the sum of {@code sampleWeight}: the divisor of the mean reduction
 */
record ClassTargets(LongTensor gatherIndex, Tensor sampleWeight, Tensor keep, double weightSum) {

    /**
     * @param loss the loss name, for messages
     * @param scores {@code [N, C]} or {@code [N, C, d1, ...]}
     * @param target {@code [N]} or {@code [N, d1, ...]}: indices in {@code [0, C)} or {@code ignoreIndex}
     * @param classWeight {@code [C]}, or null for all ones
     */
    static ClassTargets of(String loss, Tensor scores, LongTensor target, Tensor classWeight, long ignoreIndex) {
        int[] s = scores.shape();
        if (s.length < 2) {
            throw new IllegalArgumentException(loss + ": scores must be [N, C] or [N, C, d1, ...], got shape "
                    + Arrays.toString(s));
        }
        int classes = s[1];
        int[] expected = new int[s.length - 1];
        expected[0] = s[0];
        System.arraycopy(s, 2, expected, 1, s.length - 2);
        if (!Arrays.equals(target.shape(), expected)) {
            throw new IllegalArgumentException(loss + ": target has shape " + Arrays.toString(target.shape())
                    + ", expected " + Arrays.toString(expected) + " for scores of shape " + Arrays.toString(s));
        }
        float[] w = null;
        if (classWeight != null) {
            if (!Arrays.equals(classWeight.shape(), new int[] {classes})) {
                throw new IllegalArgumentException(loss + ": class weight has shape "
                        + Arrays.toString(classWeight.shape()) + ", expected [" + classes + "]");
            }
            w = classWeight.toArray();
        }
        long[] t = target.toArray();
        long[] safe = new long[t.length];
        float[] sw = new float[t.length];
        float[] keep = new float[t.length];
        double sum = 0;
        for (int i = 0; i < t.length; i++) {
            if (t[i] == ignoreIndex) {
                continue;
            }
            if (t[i] < 0 || t[i] >= classes) {
                throw new IllegalArgumentException(loss + ": target " + t[i] + " at flat position " + i
                        + " is not a class index in [0, " + classes + ") nor the ignore index " + ignoreIndex);
            }
            safe[i] = t[i];
            sw[i] = w == null ? 1f : w[(int) t[i]];
            keep[i] = 1f;
            sum += sw[i];
        }
        int[] gatherShape = s.clone();
        gatherShape[1] = 1;
        return new ClassTargets(LongTensor.of(safe, gatherShape), Tensor.of(sw, expected), Tensor.of(keep, expected), sum);
    }

    /** @return {@code -scores[n, target[n], ...] * weight}, shaped like the targets */
    Tensor weightedNegativePick(Tensor scores) {
        return scores.gatherElements(1, gatherIndex).squeeze(1).mul(sampleWeight).neg();
    }

    /** Applies the reduction to weighted per-target losses, dividing means by the total weight as PyTorch does. */
    Tensor reduce(Tensor perTarget, Reduction reduction) {
        return switch (reduction) {
            case NONE -> perTarget;
            case SUM -> perTarget.sum();
            // 0/0 when every target is ignored gives NaN, as in PyTorch.
            case MEAN -> perTarget.sum().div(Tensor.scalar((float) weightSum));
        };
    }
}
