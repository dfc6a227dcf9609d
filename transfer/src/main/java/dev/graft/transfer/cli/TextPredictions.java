package dev.graft.transfer.cli;

import dev.graft.engine.GradMode;
import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import dev.graft.onnx.OnnxModel;
import dev.graft.onnx.TensorInfo;
import dev.graft.onnx.Value;
import dev.graft.transfer.text.Encoding;
import dev.graft.transfer.text.TextDataset;
import dev.graft.transfer.text.WordPieceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code predict} on a text classifier that {@code fine-tune} wrote: the texts of a table,
 * tokenized by the tokenizer beside the model, run in batches taken in file order and padded to
 * each batch's longest text (as {@code fine-tune} evaluated its test split, so that the same batch
 * size reproduces its accuracy to the bit).
 *
 * @param names a name per input ({@code row N})
 * @param truths the label of each row where the table has one that names a class, else null
 * @param probabilities the class probabilities of each row, in the sidecar's class order
 */
record TextPredictions(List<String> names, List<String> truths, List<float[]> probabilities) {

    /**
     * @throws BadInputException if the input is not a table with the text column, or a text is empty
     * @throws CommandException if the model has no tokenizer beside it or returns the wrong shape
     */
    static TextPredictions of(ModelSource source, Preprocessing.Text pre, Path input, int batch) {
        WordPieceTokenizer tokenizer = source.tokenizer();
        if (tokenizer == null) {
            throw new CommandException(source.name() + " is a text classifier but has no tokenizer beside it; expected "
                    + Sidecar.sibling(Path.of(source.name()), ModelSource.TOKENIZER_SUFFIX) + " as fine-tune writes it");
        }
        if (!Files.isRegularFile(input) || !TextTables.isTable(input)) {
            throw new BadInputException(input + " is not a .csv or .jsonl table; the model classifies texts (column '"
                    + pre.textColumn() + "')");
        }
        List<String[]> rows;
        try {
            rows = TextDataset.readTexts(input, pre.textColumn(), pre.labelColumn());
        } catch (IOException e) {
            throw new BadInputException(e.getMessage(), e);
        }
        List<String> texts = rows.stream().map(r -> r[0]).toList();
        if (texts.isEmpty()) {
            throw new BadInputException(input + " has no rows to classify");
        }
        TextTables.checkTexts(input, pre.textColumn(), texts);
        List<String> classes = source.sidecar().classes();
        List<String> names = new ArrayList<>();
        List<String> truths = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            names.add("row " + (i + 1));
            String label = rows.get(i)[1];
            truths.add(label != null && classes.contains(label) ? label : null);
        }
        List<Encoding> encodings = tokenizer.withPadding(null).encodeBatch(texts);
        OnnxModel model = source.model();
        List<String> inputs = model.inputs().stream().map(TensorInfo::name).toList();
        int padId = tokenizer.padding() != null ? tokenizer.padding().padId() : Math.max(0, tokenizer.tokenToId("[PAD]"));
        List<float[]> probabilities = new ArrayList<>();
        for (int from = 0; from < encodings.size(); from += batch) {
            List<Encoding> part = encodings.subList(from, Math.min(encodings.size(), from + batch));
            int n = part.size();
            int longest = 1;
            for (Encoding e : part) {
                longest = Math.max(longest, e.length());
            }
            long[] ids = new long[n * longest];
            long[] mask = new long[n * longest];
            long[] types = new long[n * longest];
            Arrays.fill(ids, padId);
            for (int r = 0; r < n; r++) {
                int[] t = part.get(r).ids();
                for (int k = 0; k < t.length; k++) {
                    ids[r * longest + k] = t[k];
                    mask[r * longest + k] = 1;
                }
            }
            Map<String, Value> in = new LinkedHashMap<>();
            for (String name : inputs) {
                in.put(name, Value.of(LongTensor.of(switch (name) {
                    case "input_ids" -> ids;
                    case "attention_mask" -> mask;
                    default -> types;
                }, n, longest)));
            }
            float[] p;
            try (var noGrad = GradMode.noGrad()) {
                Tensor logits = model.run(in).get(source.sidecar().outputName()).floatTensor();
                if (logits.dim() != 2 || logits.size(1) != classes.size()) {
                    throw new CommandException(source.name() + " returns shape " + Arrays.toString(logits.shape())
                            + " but its sidecar lists " + classes.size() + " classes");
                }
                p = logits.softmax(1).toArray();
            }
            int k = classes.size();
            for (int r = 0; r < n; r++) {
                probabilities.add(Arrays.copyOfRange(p, r * k, (r + 1) * k));
            }
        }
        return new TextPredictions(names, truths, probabilities);
    }
}
