package dev.graft.onnx.ops;

import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import dev.graft.onnx.Value;

/**
 * NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss, composed from gatherElements and
 * logSoftmax so the gradient reaches the scores. Targets equal to {@code ignore_index} contribute
 * nothing, neither to the sum nor to the weight total of a mean.
 */
final class LossOps {

    private LossOps() {
    }

    static void register(OpRegistry r) {
        r.add("NegativeLogLikelihoodLoss", new int[] {12, 13}, n -> kernel(n, false));
        r.add("SoftmaxCrossEntropyLoss", new int[] {12, 13}, n -> kernel(n, true));
    }

    private static Kernel kernel(NodeSpec n, boolean softmax) {
        String reduction = n.stringAttr("reduction", "mean");
        if (!reduction.equals("mean") && !reduction.equals("sum") && !reduction.equals("none")) {
            throw n.invalid("reduction must be none, sum or mean, got '" + reduction + "'");
        }
        boolean hasIgnore = n.has("ignore_index");
        long ignore = n.intAttr("ignore_index", 0L);
        return (in, ctx) -> {
            Tensor scores = in[0].toFloat();
            if (scores.dim() < 2) {
                throw n.invalid("scores must have shape [N, C, ...], got rank " + scores.dim());
            }
            Tensor logProb = softmax ? scores.logSoftmax(1) : scores;
            long[] target = in[1].toLongArray();
            int[] tShape = in[1].shape();
            int classes = scores.size(1);
            long[] safe = new long[target.length];
            float[] keep = new float[target.length];
            for (int i = 0; i < target.length; i++) {
                boolean ignored = hasIgnore && target[i] == ignore;
                if (!ignored && (target[i] < 0 || target[i] >= classes)) {
                    throw n.invalid("target " + target[i] + " is outside 0.." + (classes - 1));
                }
                safe[i] = ignored ? 0 : target[i];
                keep[i] = ignored ? 0f : 1f;
            }
            Tensor mask = Tensor.of(keep, tShape);
            Tensor weight = mask;
            if (in.length > 2 && in[2] != null) {
                weight = in[2].toFloat().gather(0, LongTensor.of(safe, tShape)).mul(mask);
            }
            LongTensor idx = LongTensor.of(safe, tShape).reshape(unsqueezed(tShape));
            Tensor picked = logProb.gatherElements(1, idx).squeeze(1);
            Tensor loss = picked.neg().mul(weight);
            Tensor out = switch (reduction) {
                case "none" -> loss;
                case "sum" -> loss.sum();
                default -> loss.sum().div(weight.sum());
            };
            return softmax ? new Value[] {Values.like(out, in[0]), Values.like(logProb, in[0])}
                    : new Value[] {Values.like(out, in[0])};
        };
    }

    private static int[] unsqueezed(int[] s) {
        int[] out = new int[s.length + 1];
        out[0] = s[0];
        out[1] = 1;
        System.arraycopy(s, 1, out, 2, s.length - 1);
        return out;
    }
}
