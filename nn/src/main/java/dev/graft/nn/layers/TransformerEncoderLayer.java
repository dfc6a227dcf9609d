package dev.graft.nn.layers;

import dev.graft.engine.BoolTensor;
import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import java.util.Random;

/**
 * One transformer encoder block, as torch.nn.TransformerEncoderLayer with {@code batch_first}:
 * self-attention and a two-layer feed-forward network, each wrapped in a residual connection with
 * layer normalisation, either after the residual sum (post-norm, BERT; PyTorch's default) or
 * before the branch (pre-norm, {@code norm_first}). Submodules carry PyTorch's names
 * ({@code self_attn}, {@code linear1}, {@code linear2}, {@code norm1}, {@code norm2}, and the
 * parameter-free {@code activation}, {@code dropout}, {@code dropout1}, {@code dropout2}), so
 * PyTorch weights load by name.
 */
public final class TransformerEncoderLayer extends Module {

    private final boolean preNorm;
    private final MultiheadAttention selfAttn;
    private final Linear linear1;
    private final Module activation;
    private final Dropout dropout;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final Dropout dropout1;
    private final Dropout dropout2;

    /**
     * @param dim model width
     * @param heads attention heads
     * @param hidden feed-forward width
     * @param activation feed-forward activation, a fresh module such as {@link GELU} or {@link ReLU}
     * @param dropout drop probability on the attention weights, inside the feed-forward network and on
     *     each branch before its residual sum (PyTorch's placement)
     * @param preNorm normalise before each branch instead of after each sum
     * @param random initialisation and dropout source
     */
    public TransformerEncoderLayer(int dim, int heads, int hidden, Module activation, float dropout,
                                   boolean preNorm, Random random) {
        if (activation == null) {
            throw new IllegalArgumentException("TransformerEncoderLayer: activation is null; expected a module such as"
                    + " new GELU()");
        }
        this.preNorm = preNorm;
        this.selfAttn = registerModule("self_attn", new MultiheadAttention(dim, heads, dropout, random));
        this.linear1 = registerModule("linear1", new Linear(dim, hidden, true, random));
        this.dropout = registerModule("dropout", new Dropout(dropout, random));
        this.linear2 = registerModule("linear2", new Linear(hidden, dim, true, random));
        this.norm1 = registerModule("norm1", new LayerNorm(dim));
        this.norm2 = registerModule("norm2", new LayerNorm(dim));
        this.dropout1 = registerModule("dropout1", new Dropout(dropout, random));
        this.dropout2 = registerModule("dropout2", new Dropout(dropout, random));
        this.activation = registerModule("activation", activation);
    }

    @Override
    public Tensor forward(Tensor input) {
        return forward(input, null);
    }

    /**
     * @param input {@code [batch, seq, dim]}
     * @param keyPadding {@code [batch, seq]}, true at padding positions; or null
     * @return {@code [batch, seq, dim]}
     */
    public Tensor forward(Tensor input, BoolTensor keyPadding) {
        if (preNorm) {
            Tensor x = input.add(dropout1.forward(selfAttn.forward(norm1.forward(input), keyPadding)));
            return x.add(dropout2.forward(feedForward(norm2.forward(x))));
        }
        Tensor x = norm1.forward(input.add(dropout1.forward(selfAttn.forward(input, keyPadding))));
        return norm2.forward(x.add(dropout2.forward(feedForward(x))));
    }

    private Tensor feedForward(Tensor x) {
        return linear2.forward(dropout.forward(activation.forward(linear1.forward(x))));
    }

    @Override
    public String toString() {
        return "TransformerEncoderLayer(" + selfAttn + ", " + (preNorm ? "pre-norm" : "post-norm") + ")";
    }
}
