package dev.graft.nn.layers;

import dev.graft.engine.BoolTensor;
import dev.graft.engine.Tensor;
import dev.graft.nn.Init;
import dev.graft.nn.Module;
import dev.graft.nn.Parameter;
import java.util.Arrays;
import java.util.Random;

/**
 * Multi-head scaled dot-product self-attention over batch-first {@code [batch, seq, dim]} input,
 * computed with matmul and softmax, with the parameters of torch.nn.MultiheadAttention under its
 * names, so PyTorch weights load by name: {@code in_proj_weight} {@code [3 dim, dim]} and
 * {@code in_proj_bias} {@code [3 dim]} (query, key and value projections stacked in that order)
 * and the output projection {@code out_proj}. Initialisation follows PyTorch too: Xavier uniform
 * for {@code in_proj_weight}, zero biases.
 *
 * <p>A key padding mask ({@code [batch, seq]}, true = padding) keeps padded positions from being
 * attended to: their scores become minus infinity before the softmax, so they get exactly zero
 * weight. A row whose keys are all padding has nothing to attend to and yields NaN, as in PyTorch.
 */
public final class MultiheadAttention extends Module {

    private final int dim;
    private final int heads;
    private final Parameter inProjWeight;
    private final Parameter inProjBias;
    private final Linear outProj;
    private final Dropout attentionDropout;

    /**
     * Creates the layer without dropout on the attention weights.
     *
     * @param dim model width, divisible by {@code heads}
     * @param heads number of heads
     * @param random initialisation source
     */
    public MultiheadAttention(int dim, int heads, Random random) {
        this(dim, heads, 0f, random);
    }

    /**
     * @param dim model width, divisible by {@code heads}
     * @param heads number of heads
     * @param dropout probability of dropping an attention weight in training, as PyTorch's {@code dropout}
     * @param random initialisation and dropout source
     */
    public MultiheadAttention(int dim, int heads, float dropout, Random random) {
        if (dim < 1 || heads < 1 || dim % heads != 0) {
            throw new IllegalArgumentException("MultiheadAttention: dim " + dim + " must be positive and divisible by heads "
                    + heads);
        }
        this.dim = dim;
        this.heads = heads;
        this.inProjWeight = registerParameter("in_proj_weight", Init.xavierUniform(random, 3 * dim, dim));
        this.inProjBias = registerParameter("in_proj_bias", Tensor.zeros(3 * dim));
        this.outProj = registerModule("out_proj", new Linear(dim, dim, true, random));
        outProj.bias().set(Tensor.zeros(dim));
        this.attentionDropout = registerModule("dropout", new Dropout(dropout, random));
    }

    @Override
    public Tensor forward(Tensor input) {
        return forward(input, null);
    }

    /**
     * @param input {@code [batch, seq, dim]}
     * @param keyPadding {@code [batch, seq]}, true where a position is padding; or null
     * @return {@code [batch, seq, dim]}
     * @throws IllegalArgumentException if the input or the mask has the wrong shape
     */
    public Tensor forward(Tensor input, BoolTensor keyPadding) {
        int[] s = input.shape();
        if (s.length != 3 || s[2] != dim) {
            throw new IllegalArgumentException(this + ": expected input [batch, seq, " + dim + "], got " + Arrays.toString(s));
        }
        int b = s[0];
        int n = s[1];
        int hd = dim / heads;
        Tensor[] qkv = input.matmul(inProjWeight.value().transpose(0, 1)).add(inProjBias.value()).split(2, dim, dim, dim);
        Tensor q = splitHeads(qkv[0], b, n, hd);
        Tensor k = splitHeads(qkv[1], b, n, hd);
        Tensor v = splitHeads(qkv[2], b, n, hd);
        Tensor scores = q.matmul(k.transpose(-1, -2)).mul((float) (1 / Math.sqrt(hd)));
        if (keyPadding != null) {
            if (!Arrays.equals(keyPadding.shape(), new int[] {b, n})) {
                throw new IllegalArgumentException(this + ": key padding mask must be [" + b + ", " + n + "], got "
                        + Arrays.toString(keyPadding.shape()));
            }
            BoolTensor masked = BoolTensor.of(keyPadding.toArray(), b, 1, 1, n);
            scores = Tensor.where(masked, Tensor.scalar(Float.NEGATIVE_INFINITY), scores);
        }
        Tensor attended = attentionDropout.forward(scores.softmax(-1)).matmul(v);
        return outProj.forward(attended.permute(0, 2, 1, 3).reshape(b, n, dim));
    }

    private Tensor splitHeads(Tensor x, int b, int n, int hd) {
        return x.reshape(b, n, heads, hd).permute(0, 2, 1, 3);
    }

    @Override
    public String toString() {
        return "MultiheadAttention(" + dim + ", heads " + heads + ")";
    }
}
