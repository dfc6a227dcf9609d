package dev.graft.transfer.text;

import dev.graft.engine.GradMode;
import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import dev.graft.onnx.OnnxImporter;
import dev.graft.onnx.OnnxModel;
import dev.graft.onnx.TensorInfo;
import dev.graft.onnx.Value;
import dev.graft.transfer.data.TensorDataset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sentence embeddings from a BERT-style ONNX encoder (e.g. all-MiniLM-L6-v2): tokenize, run the
 * imported model, average the token vectors the attention mask keeps, scale to unit length (the
 * sentence-transformers recipe). Texts are sorted by token count and cut into batches that are
 * padded only to their own longest text, so short texts do not pay for long ones; results come
 * back in the caller's order.
 *
 * <pre>{@code
 * SentenceEncoder encoder = SentenceEncoder.load(Path.of("all-minilm-l6-v2.jar"));  // or a folder
 * Tensor e = encoder.encode(List.of("a cat", "a dog"));                              // [2, 384]
 * float cosine = e.matmul(e.transpose(0, 1)).get(0, 1);                              // rows have unit length
 * }</pre>
 */
public final class SentenceEncoder {

    /** Texts per model call unless told otherwise: the batch size sentence-transformers uses. */
    public static final int DEFAULT_BATCH = 32;

    private final OnnxModel model;
    private final WordPieceTokenizer tokenizer;
    private final String output;
    private final List<String> inputNames;

    /**
     * @param model an encoder whose first output is the token vectors {@code [batch, tokens, dim]}
     *     and whose inputs are among {@code input_ids}, {@code attention_mask}, {@code token_type_ids}
     *     (int64, {@code [batch, tokens]}); put in evaluation mode
     * @param tokenizer its tokenizer; its truncation is kept, its padding replaced by per-batch padding
     * @throws IllegalArgumentException if the model has another input, or lacks input_ids
     */
    public SentenceEncoder(OnnxModel model, WordPieceTokenizer tokenizer) {
        List<String> names = model.inputs().stream().map(TensorInfo::name).toList();
        for (String n : names) {
            if (!List.of("input_ids", "attention_mask", "token_type_ids").contains(n)) {
                throw new IllegalArgumentException("SentenceEncoder: the model has input '" + n
                        + "'; expected only input_ids, attention_mask and token_type_ids");
            }
        }
        if (!names.contains("input_ids")) {
            throw new IllegalArgumentException("SentenceEncoder: the model has no input_ids input; its inputs are " + names);
        }
        this.model = model;
        this.inputNames = names;
        this.output = model.outputNames().get(0);
        Padding p = tokenizer.padding();
        int padId = p != null ? p.padId() : Math.max(0, tokenizer.tokenToId("[PAD]"));
        String padToken = p != null ? p.padToken() : "[PAD]";
        this.tokenizer = tokenizer.withPadding(Padding.batchLongest(padId, padToken));
        model.eval();
    }

    /**
     * Loads an encoder from a folder or a jar (see {@link EncoderFiles#locate}).
     *
     * @throws IOException if the files cannot be found or read
     */
    public static SentenceEncoder load(Path path) throws IOException {
        EncoderFiles files = EncoderFiles.locate(path);
        return new SentenceEncoder(OnnxImporter.load(files.onnx()),
                TokenizerJson.parse(files.tokenizerJson(), files.source() + " (tokenizer.json)"));
    }

    /** @return the imported model, in evaluation mode */
    public OnnxModel model() {
        return model;
    }

    /** @return the tokenizer, with per-batch padding */
    public WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    /** @return unit-length embeddings {@code [texts, dim]} in the order given, {@link #DEFAULT_BATCH} texts per call */
    public Tensor encode(List<String> texts) {
        return encode(texts, DEFAULT_BATCH);
    }

    /**
     * @param texts the texts, any number (an empty list gives {@code [0, 0]})
     * @param batchSize texts per model call
     * @return unit-length embeddings {@code [texts, dim]} in the order given
     */
    public Tensor encode(List<String> texts, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("encode: batchSize must be >= 1, got " + batchSize);
        }
        if (texts.isEmpty()) {
            return Tensor.of(new float[0], 0, 0);
        }
        List<Encoding> encodings = tokenizer.withPadding(null).encodeBatch(texts);
        Integer[] order = new Integer[texts.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> encodings.get(i).length()));
        float[] out = null;
        int dim = 0;
        for (int from = 0; from < order.length; from += batchSize) {
            int to = Math.min(order.length, from + batchSize);
            List<Encoding> batch = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                batch.add(encodings.get(order[i]));
            }
            float[] pooled = pooled(batch);
            if (out == null) {
                dim = pooled.length / batch.size();
                out = new float[order.length * dim];
            }
            for (int i = from; i < to; i++) {
                System.arraycopy(pooled, (i - from) * dim, out, order[i] * dim, dim);
            }
        }
        return Tensor.of(out, texts.size(), dim);
    }

    /**
     * Embeds labelled texts once, for training a new head on frozen embeddings with the transfer
     * API ({@code Trainer}, {@code Heads}, {@code Evaluation} all take a {@code Dataset}).
     *
     * @return one unit-length embedding per text, with the texts' labels and classes
     */
    public TensorDataset embed(TextDataset data) {
        Tensor e = encode(data.texts());
        int dim = data.size() == 0 ? 0 : e.size(1);
        return new TensorDataset(e.toArray(), new int[] {dim}, data.labels(), data.classes());
    }

    /** Runs one batch, padded to its longest text, and returns its unit-length mean-pooled rows. */
    private float[] pooled(List<Encoding> unpadded) {
        int longest = 0;
        for (Encoding e : unpadded) {
            longest = Math.max(longest, e.length());
        }
        int b = unpadded.size();
        long[] ids = new long[b * longest];
        long[] mask = new long[b * longest];
        long[] types = new long[b * longest];
        int padId = tokenizer.padding().padId();
        Arrays.fill(ids, padId);
        for (int r = 0; r < b; r++) {
            Encoding e = unpadded.get(r);
            for (int t = 0; t < e.length(); t++) {
                ids[r * longest + t] = e.ids()[t];
                mask[r * longest + t] = e.attentionMask()[t];
                types[r * longest + t] = e.typeIds()[t];
            }
        }
        Map<String, Value> in = inputs(inputNames, ids, mask, types, b, longest);
        Tensor hidden;
        try (var ignored = GradMode.noGrad()) {
            hidden = model.run(in).get(output).floatTensor();
        }
        int[] s = hidden.shape();
        if (s.length != 3 || s[0] != b || s[1] != longest) {
            throw new IllegalStateException("SentenceEncoder: the model's first output '" + output + "' has shape "
                    + Arrays.toString(s) + "; expected token vectors [" + b + ", " + longest + ", dim]");
        }
        int dim = s[2];
        float[] h = hidden.toArray();
        float[] out = new float[b * dim];
        double[] acc = new double[dim];
        for (int r = 0; r < b; r++) {
            Arrays.fill(acc, 0);
            int kept = 0;
            for (int t = 0; t < longest; t++) {
                if (mask[r * longest + t] == 0) {
                    continue;
                }
                kept++;
                int base = (r * longest + t) * dim;
                for (int k = 0; k < dim; k++) {
                    acc[k] += h[base + k];
                }
            }
            // sentence-transformers divides by the token count clamped to 1e-9 and normalises with
            // eps 1e-12; an all-padding row therefore comes out as zeros, not NaN.
            double norm = 0;
            for (int k = 0; k < dim; k++) {
                acc[k] /= Math.max(kept, 1e-9);
                norm += acc[k] * acc[k];
            }
            double scale = 1 / Math.max(Math.sqrt(norm), 1e-12);
            for (int k = 0; k < dim; k++) {
                out[r * dim + k] = (float) (acc[k] * scale);
            }
        }
        return out;
    }

    /**
     * A BERT-style encoder's inputs by name: {@code input_ids}, {@code attention_mask}, and token
     * type ids for any other name, each {@code [rows, cols]}.
     */
    static Map<String, Value> inputs(List<String> names, long[] ids, long[] mask, long[] types, int rows, int cols) {
        Map<String, Value> in = new LinkedHashMap<>();
        for (String name : names) {
            long[] data = switch (name) {
                case "input_ids" -> ids;
                case "attention_mask" -> mask;
                default -> types;
            };
            in.put(name, Value.of(LongTensor.of(data, rows, cols)));
        }
        return in;
    }
}
