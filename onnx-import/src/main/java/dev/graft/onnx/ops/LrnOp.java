package dev.graft.onnx.ops;

import dev.graft.engine.PadMode;
import dev.graft.engine.Tensor;
import dev.graft.onnx.Value;

/**
 * LRN (local response normalization across channels), composed from a padded sum of squared
 * channel slices so it is differentiable: {@code y = x / (bias + alpha / size * sum(x^2))^beta}.
 */
final class LrnOp {

    private LrnOp() {
    }

    static void register(OpRegistry r) {
        r.add("LRN", new int[] {1, 13}, n -> {
            float alpha = n.floatAttr("alpha", 1e-4f);
            float beta = n.floatAttr("beta", 0.75f);
            float bias = n.floatAttr("bias", 1f);
            int size = n.intAttr("size", 0);
            if (size < 1) {
                throw n.invalid("attribute 'size' must be >= 1, got " + size);
            }
            return (in, ctx) -> {
                Tensor x = in[0].toFloat();
                int c = x.size(1);
                int before = (size - 1) / 2;
                int after = size - 1 - before;
                int[] pads = new int[2 * x.dim()];
                pads[1] = before;
                pads[x.dim() + 1] = after;
                Tensor sq = x.square().pad(pads, PadMode.CONSTANT, 0f);
                Tensor sum = null;
                for (int k = 0; k < size; k++) {
                    Tensor s = sq.slice(1, k, k + c, 1);
                    sum = sum == null ? s : sum.add(s);
                }
                Tensor y = x.div(sum.mul(alpha / size).add(bias).pow(beta));
                return new Value[] {Values.like(y, in[0])};
            };
        });
    }
}
