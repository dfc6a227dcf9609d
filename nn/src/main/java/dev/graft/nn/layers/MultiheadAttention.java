package dev.graft.nn.layers;

import dev.graft.engine.BoolTensor;
import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import java.util.Arrays;
import java.util.Random;

/**
 * Multi-head scaled dot-product self-attention over {@code [batch, seq, dim]} input, with
 * separate query, key, value and output projections. A key padding mask ({@code [batch, seq]},
 * true = padding) keeps padded positions from being attended to.
 */
public final class MultiheadAttention extends Module {

    private final int dim;
    private final int heads;
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final Linear out;

    /**
     * @param dim model width, divisible by {@code heads}
     * @param heads number of heads
     * @param random initialisation source
     */
    public MultiheadAttention(int dim, int heads, Random random) {
        if (heads < 1 || dim % heads != 0) {
            throw new IllegalArgumentException("MultiheadAttention: dim " + dim + " must be divisible by heads " + heads);
        }
        this.dim = dim;
        this.heads = heads;
        this.query = registerModule("query", new Linear(dim, dim, true, random));
        this.key = registerModule("key", new Linear(dim, dim, true, random));
        this.value = registerModule("value", new Linear(dim, dim, true, random));
        this.out = registerModule("out", new Linear(dim, dim, true, random));
    }

    @Override
    public Tensor forward(Tensor input) {
        return forward(input, null);
    }

    /**
     * @param input {@code [batch, seq, dim]}
     * @param keyPadding {@code [batch, seq]}, true where a position is padding; or null
     * @return {@code [batch, seq, dim]}
     */
    public Tensor forward(Tensor input, BoolTensor keyPadding) {
        int[] s = input.shape();
        if (s.length != 3 || s[2] != dim) {
            throw new IllegalArgumentException(this + ": expected input [batch, seq, " + dim + "], got " + Arrays.toString(s));
        }
        int b = s[0];
        int n = s[1];
        int hd = dim / heads;
        Tensor q = split(query.forward(input), b, n, hd);
        Tensor k = split(key.forward(input), b, n, hd);
        Tensor v = split(value.forward(input), b, n, hd);
        Tensor scores = q.matmul(k.transpose(-1, -2)).mul((float) (1 / Math.sqrt(hd)));
        if (keyPadding != null) {
            if (!Arrays.equals(keyPadding.shape(), new int[] {b, n})) {
                throw new IllegalArgumentException(this + ": key padding mask must be [" + b + ", " + n + "], got "
                        + Arrays.toString(keyPadding.shape()));
            }
            BoolTensor masked = BoolTensor.of(keyPadding.toArray(), b, 1, 1, n);
            scores = Tensor.where(masked, Tensor.scalar(Float.NEGATIVE_INFINITY), scores);
        }
        Tensor attended = scores.softmax(-1).matmul(v);
        return out.forward(attended.permute(0, 2, 1, 3).reshape(b, n, dim));
    }

    private Tensor split(Tensor x, int b, int n, int hd) {
        return x.reshape(b, n, heads, hd).permute(0, 2, 1, 3);
    }

    @Override
    public String toString() {
        return "MultiheadAttention(" + dim + ", heads " + heads + ")";
    }
}
