package dev.graft.transfer.cli;

import dev.graft.engine.GradMode;
import dev.graft.engine.Tensor;
import dev.graft.nn.checkpoint.Json;
import dev.graft.onnx.OnnxModel;
import dev.graft.transfer.data.CsvDataset;
import dev.graft.transfer.data.ImageFiles;
import dev.graft.transfer.data.ImageTransform;
import dev.graft.transfer.data.LoadSummary;
import dev.graft.transfer.data.TensorDataset;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code graft predict}: classifies images (or CSV rows) with a model {@code fine-tune} exported,
 * preprocessing them as its sidecar says. When a folder's images sit in folders named after the
 * classes (a {@code test/} split, say), the accuracy is reported too.
 */
final class PredictCommand implements Command {

    /**
     * Inputs per forward pass unless {@code --batch} says otherwise. {@code fine-tune} evaluates text
     * in batches of this size too: a text batch is padded to its longest text, and the same batches
     * give the same bits.
     */
    static final int DEFAULT_BATCH = 64;

    @Override
    public String name() {
        return "predict";
    }

    @Override
    public String summary() {
        return "classify images or CSV rows with a model written by fine-tune";
    }

    @Override
    public String usage() {
        return String.join(System.lineSeparator(),
                "usage: graft predict --model OUT.onnx --input FILE|DIR [--top K] [--batch N] [--json]",
                "  (--data is another name for --input)",
                "  --model OUT.onnx   a model written by graft fine-tune, with OUT.graft.json beside it",
                "                     ('demo': the shipped CNN, Fashion-MNIST classes 0-4)",
                "  --input FILE|DIR   an image, a folder searched for images (png, jpg, jpeg, bmp), or a CSV table",
                "                     for a model trained on one; images in folders named after a class count",
                "                     towards the reported accuracy; for a text classifier a .csv or .jsonl table",
                "                     with its text column (rows with a label column count towards the accuracy)",
                "  --top K            the K most probable classes per input (default 1)",
                "  --batch N          inputs per forward pass (default 64)",
                "  --json             print one JSON object and nothing else on stdout");
    }

    @Override
    public int run(List<String> args, PrintStream out) throws UsageException {
        Options o = Options.parse(this, args, Set.of("model", "input", "data", "top", "batch"), Set.of("json"));
        String modelSpec = o.required("model");
        if (o.has("input") && o.has("data")) {
            throw o.error("--data is another name for --input; give one of them");
        }
        Path input = o.requiredPath(o.has("data") ? "data" : "input");
        int top = o.intValue("top", 1, 1, 1_000_000);
        int batch = o.intValue("batch", DEFAULT_BATCH, 1, 1 << 16);
        boolean json = o.has("json");

        ModelSource source = ModelSource.load(modelSpec);
        Sidecar sidecar = source.sidecar();
        if (sidecar == null) {
            throw new CommandException(modelSpec + " has no sidecar " + Sidecar.pathFor(Path.of(modelSpec))
                    + "; predict needs the classes and preprocessing that graft fine-tune writes beside its model");
        }
        if (!Files.exists(input)) {
            throw new CommandException("input not found: " + input);
        }
        OnnxModel model = source.model();
        model.eval();
        if (sidecar.preprocessing() instanceof Preprocessing.Text textPre) {
            TextPredictions texts = TextPredictions.of(source, textPre, input, batch);
            List<Prediction> predictions = new ArrayList<>();
            for (int i = 0; i < texts.names().size(); i++) {
                predictions.add(new Prediction(texts.names().get(i), texts.truths().get(i), texts.probabilities().get(i)));
            }
            report(out, json, source, sidecar.classes(), predictions, List.of(), Math.min(top, sidecar.classes().size()));
            return 0;
        }
        Inputs inputs = sidecar.preprocessing() instanceof Preprocessing.Image image ? images(input, image, sidecar)
                : rows(input, (Preprocessing.Features) sidecar.preprocessing(), sidecar);
        List<Prediction> predictions = new ArrayList<>();
        for (int from = 0; from < inputs.names.size(); from += batch) {
            int to = Math.min(inputs.names.size(), from + batch);
            Tensor x = Tensor.concat(0, inputs.tensors.subList(from, to).stream()
                    .map(t -> t.unsqueeze(0)).toArray(Tensor[]::new));
            float[] p;
            try (var noGrad = GradMode.noGrad()) {
                Tensor logits = model.forward(x);
                int[] shape = logits.shape();
                if (shape.length != 2 || shape[1] != sidecar.classes().size()) {
                    throw new CommandException(modelSpec + " returns shape " + Arrays.toString(shape) + " but its sidecar "
                            + "lists " + sidecar.classes().size() + " classes");
                }
                p = logits.softmax(1).toArray();
            }
            int k = sidecar.classes().size();
            for (int i = from; i < to; i++) {
                predictions.add(new Prediction(inputs.names.get(i), inputs.truths.get(i),
                        Arrays.copyOfRange(p, (i - from) * k, (i - from + 1) * k)));
            }
        }
        report(out, json, source, sidecar.classes(), predictions, inputs.skipped, Math.min(top, sidecar.classes().size()));
        return 0;
    }

    /** What to classify: a name, the known class (or null) and the preprocessed tensor of each input. */
    private static final class Inputs {
        final List<String> names = new ArrayList<>();
        final List<String> truths = new ArrayList<>();
        final List<Tensor> tensors = new ArrayList<>();
        final List<LoadSummary.Skipped> skipped = new ArrayList<>();
    }

    private record Prediction(String input, String truth, float[] probabilities) {
        int best() {
            int b = 0;
            for (int i = 1; i < probabilities.length; i++) {
                if (probabilities[i] > probabilities[b]) {
                    b = i;
                }
            }
            return b;
        }

        int[] ranked(int k) {
            Integer[] order = new Integer[probabilities.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Float.compare(probabilities[b], probabilities[a]));
            return Arrays.stream(order).limit(k).mapToInt(Integer::intValue).toArray();
        }
    }

    private static Inputs images(Path input, Preprocessing.Image pre, Sidecar sidecar) {
        if (Files.isRegularFile(input) && !ImageFiles.isImageName(input)) {
            throw new CommandException(input + " is not an image (" + String.join(", ", ImageFiles.EXTENSIONS)
                    + "); the model was trained on images");
        }
        List<Path> files;
        if (Files.isDirectory(input)) {
            try (Stream<Path> walk = Files.walk(input)) {
                files = walk.filter(Files::isRegularFile).filter(ImageFiles::isImageName)
                        .filter(p -> !hidden(input, p)).sorted().toList();
            } catch (IOException e) {
                throw new CommandException("cannot list " + input + ": " + e.getMessage(), e);
            }
            if (files.isEmpty()) {
                throw new CommandException(input + " holds no image files (" + String.join(", ", ImageFiles.EXTENSIONS)
                        + ")");
            }
        } else {
            files = List.of(input);
        }
        ImageTransform transform = pre.transform();
        Inputs in = new Inputs();
        for (Path file : files) {
            BufferedImage img = ImageFiles.read(file, in.skipped);
            if (img == null) {
                continue;
            }
            in.tensors.add(transform.toTensor(img));
            in.names.add(file.toString());
            String folder = file.getParent() == null ? null : file.getParent().getFileName().toString();
            boolean labelled = Files.isDirectory(input) && sidecar.classes().contains(folder);
            in.truths.add(labelled ? folder : null);
        }
        if (in.names.isEmpty()) {
            throw new CommandException("none of the " + files.size() + " image files under " + input + " could be read");
        }
        return in;
    }

    /** Hidden files and folders (a leading dot) below the input folder are not inputs. */
    private static boolean hidden(Path root, Path file) {
        for (Path part : root.relativize(file)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static Inputs rows(Path input, Preprocessing.Features pre, Sidecar sidecar) {
        if (!Files.isRegularFile(input) || !input.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
            throw new CommandException(input + " is not a .csv file; the model was trained on CSV columns "
                    + pre.columns());
        }
        Inputs in = new Inputs();
        int n = pre.columns().size();
        try {
            if (CsvDataset.columns(input).contains(pre.labelColumn())) {
                TensorDataset d = CsvDataset.load(input, pre.labelColumn(), pre.columns());
                for (int i = 0; i < d.size(); i++) {
                    float[] x = new float[n];
                    d.copyInput(i, x, 0, null);
                    add(in, i, x, d.classNames().get((int) d.label(i)), sidecar);
                }
            } else {
                float[][] rows = CsvDataset.loadFeatures(input, pre.columns());
                for (int i = 0; i < rows.length; i++) {
                    add(in, i, rows[i], null, sidecar);
                }
            }
        } catch (IOException e) {
            throw new CommandException(e.getMessage(), e);
        }
        if (in.names.isEmpty()) {
            throw new CommandException(input + " has no data rows");
        }
        return in;
    }

    private static void add(Inputs in, int row, float[] x, String label, Sidecar sidecar) {
        in.names.add("row " + (row + 1));
        in.truths.add(label != null && sidecar.classes().contains(label) ? label : null);
        in.tensors.add(Tensor.of(x, x.length));
    }

    private static void report(PrintStream out, boolean json, ModelSource source, List<String> classes,
                               List<Prediction> predictions, List<LoadSummary.Skipped> skipped, int top) {
        long labelled = predictions.stream().filter(p -> p.truth() != null).count();
        long correct = predictions.stream().filter(p -> p.truth() != null && classes.get(p.best()).equals(p.truth()))
                .count();
        double accuracy = labelled == 0 ? Double.NaN : (double) correct / labelled;
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("command", "predict");
            m.put("model", source.name());
            List<Object> list = new ArrayList<>();
            for (Prediction p : predictions) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("input", p.input());
                e.put("class", classes.get(p.best()));
                e.put("probability", (double) p.probabilities()[p.best()]);
                List<Object> ranked = new ArrayList<>();
                for (int c : p.ranked(top)) {
                    ranked.add(Map.of("class", classes.get(c), "probability", (double) p.probabilities()[c]));
                }
                e.put("top", ranked);
                e.put("truth", p.truth());
                list.add(e);
            }
            m.put("predictions", list);
            m.put("count", predictions.size());
            m.put("labelled", labelled);
            m.put("correct", correct);
            m.put("accuracy", FineTuneCommand.number(accuracy));
            List<Object> s = new ArrayList<>();
            for (LoadSummary.Skipped k : skipped) {
                s.add(Map.of("file", k.file().toString(), "reason", k.reason()));
            }
            m.put("skipped", s);
            out.println(Json.write(m));
            return;
        }
        for (Prediction p : predictions) {
            StringBuilder sb = new StringBuilder(p.input()).append(": ");
            int[] ranked = p.ranked(top);
            for (int i = 0; i < ranked.length; i++) {
                sb.append(i == 0 ? "" : ", ").append(classes.get(ranked[i]))
                        .append(String.format(Locale.ROOT, " %.1f%%", 100 * p.probabilities()[ranked[i]]));
            }
            if (p.truth() != null && !p.truth().equals(classes.get(p.best()))) {
                sb.append("   (labelled ").append(p.truth()).append(')');
            }
            out.println(sb);
        }
        out.printf(Locale.ROOT, "%d input%s classified%n", predictions.size(), predictions.size() == 1 ? "" : "s");
        if (labelled > 0) {
            out.printf(Locale.ROOT, "accuracy %.2f%% (%d/%d) on the inputs whose folder or label column names a class%n",
                    100 * accuracy, correct, labelled);
        }
        if (!skipped.isEmpty()) {
            out.printf(Locale.ROOT, "skipped %d unreadable file%s:%n", skipped.size(), skipped.size() == 1 ? "" : "s");
            for (LoadSummary.Skipped k : skipped) {
                out.println("  " + k.file() + ": " + k.reason());
            }
        }
    }
}
