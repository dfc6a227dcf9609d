package dev.graft.nn.layers;

import dev.graft.engine.BoolTensor;
import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import java.util.Random;

/**
 * One transformer encoder block: self-attention and a two-layer feed-forward network, each
 * wrapped in a residual connection with layer normalisation, either after the residual sum
 * (post-norm, BERT) or before the branch (pre-norm).
 */
public final class TransformerEncoderLayer extends Module {

    private final boolean preNorm;
    private final MultiheadAttention attention;
    private final Sequential feedForward;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final Dropout dropout;

    /**
     * @param dim model width
     * @param heads attention heads
     * @param hidden feed-forward width
     * @param activation feed-forward activation (e.g. {@link Activation#gelu()})
     * @param dropout drop probability after attention and feed-forward
     * @param preNorm normalise before each branch instead of after each sum
     * @param random initialisation and dropout source
     */
    public TransformerEncoderLayer(int dim, int heads, int hidden, Activation activation, float dropout,
                                   boolean preNorm, Random random) {
        this.preNorm = preNorm;
        this.attention = registerModule("attention", new MultiheadAttention(dim, heads, random));
        this.feedForward = registerModule("feedForward", new Sequential(new Linear(dim, hidden, true, random), activation,
                new Dropout(dropout, random), new Linear(hidden, dim, true, random)));
        this.norm1 = registerModule("norm1", new LayerNorm(dim, 1e-5f));
        this.norm2 = registerModule("norm2", new LayerNorm(dim, 1e-5f));
        this.dropout = registerModule("dropout", new Dropout(dropout, random));
    }

    @Override
    public Tensor forward(Tensor input) {
        return forward(input, null);
    }

    /**
     * @param input {@code [batch, seq, dim]}
     * @param keyPadding {@code [batch, seq]}, true at padding positions; or null
     */
    public Tensor forward(Tensor input, BoolTensor keyPadding) {
        if (preNorm) {
            Tensor x = input.add(dropout.forward(attention.forward(norm1.forward(input), keyPadding)));
            return x.add(dropout.forward(feedForward.forward(norm2.forward(x))));
        }
        Tensor x = norm1.forward(input.add(dropout.forward(attention.forward(input, keyPadding))));
        return norm2.forward(x.add(dropout.forward(feedForward.forward(x))));
    }
}
