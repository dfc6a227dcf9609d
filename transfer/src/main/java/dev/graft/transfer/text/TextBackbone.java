package dev.graft.transfer.text;

import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import dev.graft.onnx.OnnxImporter;
import dev.graft.onnx.OnnxModel;
import dev.graft.onnx.TensorInfo;
import dev.graft.onnx.Value;
import dev.graft.transfer.BackboneLayer;
import dev.graft.transfer.GraphBackbone;
import dev.graft.transfer.Heads;
import dev.graft.transfer.TransferModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A BERT-style text encoder as the backbone of a {@link TransferModel}: token ids in, the
 * attention-mask mean of the token vectors scaled to unit length out (the sentence vector
 * {@link SentenceEncoder} computes, so cached features equal its embeddings). The pooling is
 * appended to the imported graph as ONNX nodes, which is what lets the whole thing train with
 * autograd and export, head included, as one ONNX file whose inputs are the tokenizer's
 * {@code input_ids}, {@code attention_mask} (and {@code token_type_ids}).
 *
 * <p>Its input is a batch of tokenized texts packed as floats, {@code [batch, maxTokens]}: the
 * token ids, then {@code -1} after each text's end ({@link TokenizedTextDataset} writes them; ids
 * stay exact in float32 below 2^24). Each forward pass cuts the batch to its longest text and builds
 * the attention mask from the lengths, so a batch is padded only as far as it needs.
 *
 * <pre>{@code
 * TextBackbone encoder = TextBackbone.load(Path.of("all-minilm-l6-v2.jar"));  // or a folder: model.onnx + tokenizer.json
 * TransferModel model = encoder.classifier(train.classes(), 7);                // frozen encoder + new linear head
 * FineTuner.fit(model, encoder.tokenize(train), encoder.tokenize(val), new FineTuneOptions()
 *         .fineTuneEpochs(3).unfreezeLastLayers(2).fineTuneLr(1e-4), TrainingListener.NONE);
 * model.exportOnnx(Path.of("classifier.onnx"));                                // encoder + pooling + head
 * }</pre>
 */
public final class TextBackbone extends Module implements GraphBackbone {

    /** Longest input when the tokenizer does not truncate: BERT's position-embedding count. */
    public static final int DEFAULT_MAX_TOKENS = 512;

    private final OnnxModel graph;
    private final WordPieceTokenizer tokenizer;
    private final int maxTokens;
    private final int padId;
    private final List<String> inputNames;
    private final List<BackboneLayer> blocks;
    private final int dim;

    /**
     * @param encoder an encoder whose first output is the token vectors {@code [batch, tokens, dim]}
     *     and whose inputs are {@code input_ids}, {@code attention_mask} and optionally
     *     {@code token_type_ids} (int64); it is not modified (the backbone holds a pooled copy)
     * @param tokenizer its tokenizer; its truncation sets the longest input (else
     *     {@value #DEFAULT_MAX_TOKENS} tokens), its padding is replaced by per-batch padding
     * @throws IllegalArgumentException if the model has other inputs, or no transformer blocks
     *     named like {@code layer.0} (the units fine-tuning unfreezes)
     */
    public TextBackbone(OnnxModel encoder, WordPieceTokenizer tokenizer) {
        List<String> names = encoder.inputs().stream().map(TensorInfo::name).toList();
        for (String n : names) {
            if (!List.of("input_ids", "attention_mask", "token_type_ids").contains(n)) {
                throw new IllegalArgumentException("a text encoder takes input_ids, attention_mask and token_type_ids; "
                        + "this model has input '" + n + "' (inputs " + names + ")");
            }
        }
        this.graph = registerModule("encoder", PooledEncoderGraph.build(encoder));
        this.inputNames = names;
        this.blocks = TransformerBlocks.find(graph, "encoder.");
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException("found no transformer blocks in the encoder: expected nodes or "
                    + "initializers named like '/encoder/layer.0/...' or 'encoder.layer.0.*', as PyTorch exports BERT "
                    + "models");
        }
        int limit = tokenizer.truncation() != null ? tokenizer.truncation().maxLength() : DEFAULT_MAX_TOKENS;
        this.maxTokens = limit;
        this.tokenizer = (tokenizer.truncation() != null ? tokenizer : tokenizer.withTruncation(Truncation.of(limit)))
                .withPadding(null);
        Padding p = tokenizer.padding();
        this.padId = p != null ? p.padId() : Math.max(0, tokenizer.tokenToId("[PAD]"));
        freeze();
        eval();
        this.dim = forward(Tensor.zeros(1, 2)).size(1);
    }

    /**
     * Loads an encoder from a folder or a jar (see {@link EncoderFiles#locate}).
     *
     * @throws IOException if the files cannot be found or read
     */
    public static TextBackbone load(Path path) throws IOException {
        EncoderFiles files = EncoderFiles.locate(path);
        return new TextBackbone(OnnxImporter.load(files.onnx()),
                TokenizerJson.parse(files.tokenizerJson(), files.source() + " (tokenizer.json)"));
    }

    /**
     * @param packed token ids {@code [batch, maxTokens]}, {@code -1} after each text's end
     * @return unit-length sentence vectors {@code [batch, dim]}
     * @throws IllegalArgumentException if the input is not such a batch
     */
    @Override
    public Tensor forward(Tensor packed) {
        if (packed.dim() != 2 || packed.size(1) > maxTokens) {
            throw new IllegalArgumentException("TextBackbone: expected token ids [batch, at most " + maxTokens
                    + "], got " + Arrays.toString(packed.shape()));
        }
        int n = packed.size(0);
        int width = packed.size(1);
        float[] v = packed.toArray();
        int[] lengths = new int[n];
        int longest = 1;
        for (int r = 0; r < n; r++) {
            int len = 0;
            while (len < width && v[r * width + len] >= 0) {
                len++;
            }
            lengths[r] = len;
            longest = Math.max(longest, len);
        }
        long[] ids = new long[n * longest];
        long[] mask = new long[n * longest];
        long[] types = new long[n * longest];
        Arrays.fill(ids, padId);
        for (int r = 0; r < n; r++) {
            for (int t = 0; t < lengths[r]; t++) {
                ids[r * longest + t] = (long) v[r * width + t];
                mask[r * longest + t] = 1;
            }
        }
        return run(ids, mask, types, n, longest);
    }

    /** Runs the pooled graph on one padded batch. */
    Tensor run(long[] ids, long[] mask, long[] types, int n, int longest) {
        Map<String, Value> in = SentenceEncoder.inputs(inputNames, ids, mask, types, n, longest);
        return graph.run(in).get(PooledEncoderGraph.OUTPUT).floatTensor();
    }

    /**
     * Tokenizes labelled texts once, for training and evaluating a model built on this backbone.
     *
     * @return the texts as token ids, with their labels and classes
     */
    public TokenizedTextDataset tokenize(TextDataset data) {
        return new TokenizedTextDataset(tokenizer.encodeBatch(data.texts()), data.labels(), data.classes(), maxTokens);
    }

    /**
     * A classifier on this backbone: frozen encoder, new linear head (PyTorch's initialisation).
     *
     * @param classes the target classes, in label order; at least two
     * @param seed seed of the head's initialisation
     */
    public TransferModel classifier(List<String> classes, long seed) {
        return classifier(classes, Heads.linear(new int[] {dim}, classes.size(), new Random(seed)));
    }

    /**
     * A classifier on this backbone with a head of your own.
     *
     * @param classes the target classes, in label order; at least two
     * @param head maps sentence vectors {@code [batch, dim]} to logits {@code [batch, classes]}
     */
    public TransferModel classifier(List<String> classes, Module head) {
        if (classes.size() < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
        }
        freeze();
        return TransferModel.of(this, head, new int[] {maxTokens}, classes);
    }

    /** @return the pooled graph (encoder, then mean pooling and L2 normalisation) */
    @Override
    public OnnxModel graph() {
        return graph;
    }

    /** @return the transformer blocks, first to last (MiniLM-L6 has 6) */
    @Override
    public List<BackboneLayer> layers() {
        return blocks;
    }

    /** @return the tokenizer, truncating at {@link #maxTokens()}, without padding */
    public WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    /** @return the longest input in tokens: the width of the packed input */
    public int maxTokens() {
        return maxTokens;
    }

    /** @return the sentence vector's size (384 for MiniLM-L6) */
    public int dim() {
        return dim;
    }
}
