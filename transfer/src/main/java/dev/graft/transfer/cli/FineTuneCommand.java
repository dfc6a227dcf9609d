package dev.graft.transfer.cli;

import dev.graft.nn.checkpoint.Json;
import dev.graft.onnx.OnnxException;
import dev.graft.transfer.FineTuneOptions;
import dev.graft.transfer.FineTuner;
import dev.graft.transfer.Heads;
import dev.graft.transfer.TransferModel;
import dev.graft.transfer.data.CsvDataset;
import dev.graft.transfer.data.Dataset;
import dev.graft.transfer.data.ImageFolderDataset;
import dev.graft.transfer.data.LoadSummary;
import dev.graft.transfer.report.ConfusionMatrixReport;
import dev.graft.transfer.report.TrainingCurves;
import dev.graft.transfer.train.EpochRecord;
import dev.graft.transfer.train.Evaluation;
import dev.graft.transfer.text.TextBackbone;
import dev.graft.transfer.train.TrainingListener;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code graft fine-tune}: a pretrained ONNX model, cut before its classifier, frozen, with a new
 * head trained on labelled data (then optionally part of the backbone too), written back as one
 * ONNX file with a {@link Sidecar}, a training-curve plot and a confusion matrix beside it.
 */
final class FineTuneCommand implements Command {

    /** Evaluation batches, which need no tape. */
    private static final int EVAL_BATCH = 256;

    /**
     * The data loader logs each unreadable image; this command reports them itself, once, in its
     * summary. The reference keeps the logger (and its level) from being collected.
     */
    private static final Logger IMAGE_LOG = Logger.getLogger(ImageFolderDataset.class.getName());

    @Override
    public String name() {
        return "fine-tune";
    }

    @Override
    public String summary() {
        return "cut a pretrained ONNX model, train a new head (and optionally the backbone), export as ONNX";
    }

    @Override
    public String usage() {
        return String.join(System.lineSeparator(),
                "usage: graft fine-tune --model M.onnx --data DIR|FILE --out OUT.onnx [options]",
                "  --model M.onnx          the pretrained model ('demo': the CNN shipped for graft demo); or a text",
                "                          encoder: a jar or folder with an .onnx model and tokenizer.json ('minilm':",
                "                          all-MiniLM-L6-v2), whose data is a text table and whose --unfreeze N",
                "                          counts transformer blocks",
                "  --data DIR|FILE         an image folder (train/<class>/*, optional val/ and test/), a CSV table",
                "                          (or a folder with train.csv, val.csv, test.csv) or a folder of IDX files",
                "                          (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-...); for a",
                "                          text encoder a .csv or .jsonl table with a text and a label column (or a",
                "                          folder with train, val, test tables)",
                "  --out OUT.onnx          the fine-tuned model; beside it OUT.graft.json (classes, preprocessing),",
                "                          OUT.curves.png and OUT.confusion.png/.csv (test split, else validation)",
                "  --cut NAME              tensor or node to cut at (default: the input of the final classifier)",
                "  --head linear|mlp:HIDDEN[:DROPOUT]  the new head (default linear)",
                "  --epochs N              head-only epochs on the frozen backbone (default 30)",
                "  --fine-tune-epochs N    then epochs training the backbone too (default 0)",
                "  --unfreeze LAST_N|GLOB  what fine-tuning trains: the last N weight layers, or parameters matching",
                "                          a glob such as 'conv3*' (repeatable; default: the whole backbone)",
                "  --gradual               unfreeze one more layer per stage, last first (needs --unfreeze N)",
                "  --train-batch-norm      fine-tuning also trains the backbone's batch norms, on batch statistics",
                "                          (default: they keep their pretrained statistics, in inference mode)",
                "  --lr X                  head-only learning rate (default 0.003)",
                "  --fine-tune-lr X        fine-tuning learning rate of the head; the backbone gets a tenth (default 0.001)",
                "  --batch N               examples per step (default 32)",
                "  --val-fraction F        share of train held out for validation when there is no val split",
                "                          (default 0.1; 0 for none)",
                "  --patience N            stop after N epochs without a better validation accuracy and keep the",
                "                          best weights (default 0: off)",
                "  --seed S                seed of the split, the head and the batch order (default 1)",
                "  --size HxW              image size the model sees (default: the model's input shape); square",
                "  --resize N              shorter side before the centre crop (default: the --size)",
                "  --mean a,b,c --std a,b,c  per-channel normalisation of [0, 1] pixels (default: the model's",
                "                          sidecar, else ImageNet's for RGB and none for grey)",
                "  --augment               random resized crops and horizontal flips while training (images)",
                "  --label-column NAME     the CSV column (or JSONL field) holding the class (default label)",
                "  --text-column NAME      for a text encoder: the column holding the text (default text)",
                "  --classes a,b,...       class names for IDX labels 0, 1, ... (default the numbers)",
                "  --json                  print one JSON object at the end and nothing else on stdout",
                "example: graft fine-tune --model demo --data shoes --out models/shoes.onnx --epochs 40 --lr 0.01",
                "         (shoes/train/<class>/*.png and shoes/test/<class>/*.png; then graft predict --model",
                "         models/shoes.onnx --input new-photos/)",
                "         graft fine-tune --model minilm --data texts/ --out models/texts.onnx --fine-tune-epochs 3",
                "         --unfreeze 1 --fine-tune-lr 1e-4   (texts/train.csv with columns text and label)");
    }

    @Override
    public int run(List<String> args, PrintStream out) throws UsageException {
        Options o = Options.parse(this, args,
                Set.of("model", "data", "out", "cut", "head", "epochs", "fine-tune-epochs", "lr", "fine-tune-lr",
                        "batch", "val-fraction", "patience", "seed", "size", "resize", "mean", "std", "label-column",
                        "classes", "text-column"),
                Set.of("gradual", "train-batch-norm", "augment", "json"), Set.of("unfreeze"));
        Settings s = Settings.parse(o);
        boolean json = o.has("json");
        IMAGE_LOG.setLevel(Level.OFF);
        long start = System.nanoTime();

        Path outDir = s.out.toAbsolutePath().getParent();
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new CommandException("cannot create the output folder " + outDir + ": " + e, e);
        }
        // Text data is recognised before the model is read; other data is checked against the
        // options first, unless the model is plainly a text encoder (whose data check comes later).
        boolean textData = TextTables.looksLikeText(s.data) || o.has("text-column");
        TrainingData.Kind kind = textData || textModelSpec(s.model) ? null : TrainingData.kindOf(s.data);
        if (kind != null) {
            s.checkFits(o, kind);
        }
        ModelSource source = ModelSource.load(s.model);
        if (source.tokenizer() == null && textData) {
            throw noTokenizer(s.data + " holds texts", source);
        }
        if (source.tokenizer() == null && kind == TrainingData.Kind.CSV && hasColumn(s.data, s.textColumn)) {
            throw noTokenizer(s.data + " has a '" + s.textColumn + "' column of texts", source);
        }
        TrainingData data;
        TransferModel model;
        if (source.tokenizer() != null) {
            s.checkFitsText(o);
            TextTables.Tables tables = TextTables.read(s.data, s.textColumn, s.labelColumn);
            TextBackbone backbone = textBackbone(source);
            data = tables.tokenize(backbone, s.textColumn, s.labelColumn, s.validationFraction, s.seed);
            checkClasses(s, data);
            model = backbone.classifier(data.train().classNames(), s.hidden > 0
                    ? Heads.mlp(new int[] {backbone.dim()}, s.hidden, s.dropout, data.train().numClasses(),
                            new Random(s.seed))
                    : Heads.linear(new int[] {backbone.dim()}, data.train().numClasses(), new Random(s.seed)));
        } else {
            data = loadData(s, source);
            checkClasses(s, data);
            model = build(s, source, data);
        }
        boolean text = data.kind() == TrainingData.Kind.TEXT;
        int evalBatch = text ? PredictCommand.DEFAULT_BATCH : EVAL_BATCH;
        double dataSeconds = seconds(start);

        List<String> notes = new ArrayList<>(data.notes());
        Report report = new Report(out, json);
        report.start(s, source, model, data, notes);

        List<String> trainingNotes = new ArrayList<>();
        TrainingListener listener = json ? new TrainingListener() {
            @Override
            public void note(String message) {
                trainingNotes.add(message);
            }
        } : new ProgressListener(out, ProgressListener.isTerminal(out));
        FineTuner.Result result;
        try {
            result = FineTuner.fit(model, data.train(), data.validation(), s.fineTuneOptions(), listener);
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage(), e);
        } finally {
            if (listener instanceof ProgressListener p) {
                p.clear();
            }
        }
        notes.addAll(trainingNotes);

        // a text batch is padded to its longest text, so predict reproduces these figures only with the same batches
        Evaluation validation = data.validation() == null ? null : Evaluation.of(model, data.validation(), evalBatch);
        Evaluation test = data.test() == null ? null : Evaluation.of(model, data.test(), evalBatch);

        long exportStart = System.nanoTime();
        OutputFiles files = new OutputFiles(s.out);
        Map<String, Object> details = new LinkedHashMap<>();
        Map<String, Object> origin = new LinkedHashMap<>();
        origin.put("model", source.name());
        origin.put("cut", model.cutTensor());
        details.put("source", origin);
        details.put("validationAccuracy", number(validation == null ? Double.NaN : validation.accuracy()));
        details.put("testAccuracy", number(test == null ? Double.NaN : test.accuracy()));
        List<Path> written = new ArrayList<>(List.of(files.model, files.sidecar));
        try {
            model.exportOnnx(files.model);
            new Sidecar(model.classNames(), text ? "input_ids" : source.model().inputs().get(0).name(),
                    model.inputShape(), "logits", data.preprocessing(), details).write(files.sidecar);
            if (text) {
                Files.writeString(files.tokenizer, source.tokenizerJson(), StandardCharsets.UTF_8);
                written.add(files.tokenizer);
            }
        } catch (IOException | OnnxException e) {
            throw new CommandException("cannot write " + files.model + ": " + e.getMessage(), e);
        }
        String title = "fine-tuned " + source.name() + " on " + s.data;
        if (draw(notes, "training curves", () -> TrainingCurves.writePng(result.history(), title, files.curves))) {
            written.add(files.curves);
        }
        Evaluation shown = test != null ? test : validation;
        String shownSplit = test != null ? "test" : "validation";
        if (shown != null) {
            if (draw(notes, "confusion matrix", () -> ConfusionMatrixReport.writeCsv(shown, files.confusionCsv))) {
                written.add(files.confusionCsv);
            }
            if (draw(notes, "confusion matrix", () -> ConfusionMatrixReport.writePng(shown,
                    "confusion matrix, " + shownSplit + " split, " + files.model.getFileName(), files.confusionPng))) {
                written.add(files.confusionPng);
            }
        } else {
            notes.add("no validation or test split: no confusion matrix written");
        }
        double exportSeconds = seconds(exportStart);
        report.finish(result, validation, test, shownSplit, written, notes,
                new double[] {dataSeconds, result.headSeconds(), result.fineTuneSeconds(), exportSeconds,
                    seconds(start)});
        return 0;
    }

    private static BadInputException noTokenizer(String what, ModelSource source) {
        return new BadInputException(what + ", but " + source.name() + " has no tokenizer: give a text encoder (a jar "
                + "or folder with an .onnx model and tokenizer.json, 'minilm', or an .onnx file with tokenizer.json "
                + "beside it)");
    }

    /** Whether {@code --model} names a text encoder by its form (checked before the model is read). */
    private static boolean textModelSpec(String spec) {
        Path p = Path.of(spec);
        String name = p.getFileName() == null ? "" : p.getFileName().toString().toLowerCase(Locale.ROOT);
        return (spec.equals(ModelSource.MINILM) && !Files.exists(p)) || Files.isDirectory(p) || name.endsWith(".jar")
                || name.endsWith(".zip");
    }

    /** Whether the CSV table (or a folder's train.csv) has the named column. */
    private static boolean hasColumn(Path data, String column) {
        Path file = Files.isDirectory(data) ? data.resolve("train.csv") : data;
        try {
            return CsvDataset.columns(file).contains(column);
        } catch (IOException e) {
            return false;
        }
    }

    private static TextBackbone textBackbone(ModelSource source) {
        try {
            return new TextBackbone(source.model(), source.tokenizer());
        } catch (IllegalArgumentException | OnnxException e) {
            throw new CommandException(source.name() + ": " + e.getMessage(), e);
        }
    }

    private static void checkClasses(Settings s, TrainingData data) {
        if (data.train().numClasses() < 2) {
            throw new CommandException(s.data + " has " + data.train().numClasses() + " class "
                    + data.train().classNames() + "; a classifier needs at least two");
        }
    }

    private static TrainingData loadData(Settings s, ModelSource source) {
        try {
            return TrainingData.load(new TrainingData.Request(s.data, source.model().inputs().get(0).dims(),
                    source.sidecar() == null ? null : source.sidecar().preprocessing(), s.size, s.resize, s.mean, s.std,
                    s.augment, s.labelColumn, s.classNames, s.validationFraction, s.seed));
        } catch (IOException e) {
            throw new CommandException(e instanceof java.nio.file.NoSuchFileException ? "not found: " + e.getMessage()
                    : e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage(), e);
        }
    }

    private static TransferModel build(Settings s, ModelSource source, TrainingData data) {
        TransferModel.Builder b = TransferModel.builder(source.model()).classes(data.train().classNames())
                .inputShape(data.train().sampleShape()).seed(s.seed);
        if (s.cut != null) {
            b.cut(s.cut);
        }
        if (s.hidden > 0) {
            b.mlpHead(s.hidden, s.dropout);
        } else {
            b.linearHead();
        }
        try {
            return b.build();
        } catch (IllegalArgumentException | OnnxException e) {
            String where = s.cut == null ? "" : "cutting at '" + s.cut + "': ";
            throw new CommandException(source.name() + ": " + where + e.getMessage(), e);
        }
    }

    /** Work that may fail for want of fonts or a writable folder without costing the trained model. */
    private interface Drawing {
        void run() throws IOException;
    }

    private static boolean draw(List<String> notes, String what, Drawing drawing) {
        try {
            drawing.run();
            return true;
        } catch (IOException | RuntimeException | LinkageError e) {
            // Java2D text needs fonts (Debian: fontconfig, fonts-dejavu-core); without them the model still counts.
            notes.add("could not write the " + what + ": " + e);
            return false;
        } catch (Error e) {
            // The font system reports a missing font setup as InternalError or a bare Error.
            if (e instanceof OutOfMemoryError || e instanceof StackOverflowError) {
                throw e;
            }
            notes.add("could not write the " + what + ": " + e);
            return false;
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** @return the value, or null for NaN (JSON has no NaN) */
    static Object number(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** The files written beside each other. */
    private static final class OutputFiles {
        final Path model;
        final Path sidecar;
        final Path curves;
        final Path confusionPng;
        final Path confusionCsv;
        final Path tokenizer;

        OutputFiles(Path out) {
            tokenizer = Sidecar.sibling(out, ModelSource.TOKENIZER_SUFFIX);
            model = out;
            sidecar = Sidecar.pathFor(out);
            curves = Sidecar.sibling(out, ".curves.png");
            confusionPng = Sidecar.sibling(out, ".confusion.png");
            confusionCsv = Sidecar.sibling(out, ".confusion.csv");
        }
    }

    /** The command line, checked. */
    private static final class Settings {
        String model;
        Path data;
        Path out;
        String cut;
        int hidden;
        double dropout;
        int epochs;
        int fineTuneEpochs;
        int unfreezeLast;
        List<String> unfreezeGlobs = new ArrayList<>();
        boolean gradual;
        boolean trainBatchNorm;
        float lr;
        float fineTuneLr;
        int batch;
        double validationFraction;
        int patience;
        long seed;
        int size;
        int resize;
        float[] mean;
        float[] std;
        boolean augment;
        String labelColumn;
        String textColumn;
        List<String> classNames;

        static Settings parse(Options o) throws UsageException {
            Settings s = new Settings();
            s.model = o.required("model");
            s.data = o.requiredPath("data");
            s.out = o.requiredPath("out");
            s.cut = o.value("cut", null);
            parseHead(o, s);
            s.epochs = o.intValue("epochs", 30, 1, 1_000_000);
            s.fineTuneEpochs = o.intValue("fine-tune-epochs", 0, 0, 1_000_000);
            for (String u : o.values("unfreeze")) {
                if (u.strip().matches("\\d+")) {
                    if (s.unfreezeLast > 0) {
                        throw o.error("--unfreeze takes one number of layers, given twice");
                    }
                    s.unfreezeLast = Integer.parseInt(u.strip());
                    if (s.unfreezeLast < 1) {
                        throw o.error("--unfreeze 0 unfreezes nothing; leave --fine-tune-epochs at 0 instead");
                    }
                } else if (u.isBlank()) {
                    throw o.error("--unfreeze needs a number of layers or a parameter-name glob");
                } else {
                    s.unfreezeGlobs.add(u.strip());
                }
            }
            if (s.unfreezeLast > 0 && !s.unfreezeGlobs.isEmpty()) {
                throw o.error("--unfreeze takes either a number of layers or name globs, not both");
            }
            s.gradual = o.has("gradual");
            s.trainBatchNorm = o.has("train-batch-norm");
            if (s.fineTuneEpochs == 0 && (!o.values("unfreeze").isEmpty() || s.gradual || s.trainBatchNorm)) {
                throw o.error("--unfreeze, --gradual and --train-batch-norm shape the fine-tuning phase; give "
                        + "--fine-tune-epochs N too");
            }
            if (s.gradual && s.unfreezeLast == 0) {
                throw o.error("--gradual needs the number of layers to unfreeze: --unfreeze N");
            }
            if (s.gradual && s.fineTuneEpochs < s.unfreezeLast) {
                throw o.error("--gradual over " + s.unfreezeLast + " layers needs at least " + s.unfreezeLast
                        + " fine-tune epochs, got " + s.fineTuneEpochs);
            }
            s.lr = o.positiveFloat("lr", 3e-3f);
            s.fineTuneLr = o.positiveFloat("fine-tune-lr", 1e-3f);
            s.batch = o.intValue("batch", 32, 1, 1 << 20);
            s.validationFraction = o.fraction("val-fraction", 0.1, 0, 1);
            s.patience = o.intValue("patience", 0, 0, 1_000_000);
            s.seed = o.longValue("seed", 1);
            s.size = parseSize(o);
            s.resize = o.has("resize") ? o.intValue("resize", 0, 1, 1 << 16) : 0;
            if (s.resize > 0 && s.size > 0 && s.resize < s.size) {
                throw o.error("--resize " + s.resize + " is smaller than the crop --size " + s.size);
            }
            s.mean = o.floats("mean");
            s.std = o.floats("std");
            if ((s.mean == null) != (s.std == null)) {
                throw o.error("--mean and --std go together");
            }
            if (s.mean != null) {
                if (s.mean.length != s.std.length) {
                    throw o.error("--mean has " + s.mean.length + " values and --std " + s.std.length);
                }
                for (float v : s.std) {
                    if (!(v > 0)) {
                        throw o.error("--std values must be positive, got " + v);
                    }
                }
            }
            s.augment = o.has("augment");
            s.labelColumn = o.value("label-column", "label");
            s.textColumn = o.value("text-column", "text");
            s.classNames = o.words("classes");
            return s;
        }

        private static void parseHead(Options o, Settings s) throws UsageException {
            String head = o.value("head", "linear");
            if (head.equals("linear")) {
                return;
            }
            String[] parts = head.split(":", -1);
            if (!parts[0].equals("mlp") || parts.length < 2 || parts.length > 3) {
                throw o.error("--head is 'linear' or 'mlp:HIDDEN[:DROPOUT]', got '" + head + "'");
            }
            try {
                s.hidden = Integer.parseInt(parts[1]);
                s.dropout = parts.length == 3 ? Double.parseDouble(parts[2]) : 0;
            } catch (NumberFormatException e) {
                throw o.error("--head mlp:HIDDEN[:DROPOUT] needs numbers, got '" + head + "'");
            }
            if (s.hidden < 1 || !(s.dropout >= 0 && s.dropout < 1)) {
                throw o.error("--head mlp needs HIDDEN >= 1 and DROPOUT in [0, 1), got '" + head + "'");
            }
        }

        private static int parseSize(Options o) throws UsageException {
            String v = o.value("size", null);
            if (v == null) {
                return 0;
            }
            String[] hw = v.toLowerCase(Locale.ROOT).split("x", -1);
            try {
                int h = Integer.parseInt(hw[0].strip());
                int w = hw.length == 2 ? Integer.parseInt(hw[1].strip()) : h;
                if (hw.length > 2 || h < 1 || w < 1) {
                    throw new NumberFormatException();
                }
                if (h != w) {
                    throw o.error("--size " + v + ": images are centre-cropped to a square; give HxH");
                }
                return h;
            } catch (NumberFormatException e) {
                throw o.error("--size needs HxW (e.g. 224x224), got '" + v + "'");
            }
        }

        /** Rejects options that mean nothing for the kind of data given. */
        void checkFits(Options o, TrainingData.Kind kind) throws UsageException {
            List<String> imageOnly = kind == TrainingData.Kind.IMAGES ? List.of()
                    : kind == TrainingData.Kind.IDX ? List.of("size", "resize", "augment")
                    : List.of("size", "resize", "augment", "mean", "std");
            for (String name : imageOnly) {
                if (o.has(name)) {
                    throw o.error("--" + name + " applies to image folders, and " + data + " holds " + kind);
                }
            }
            if (o.has("text-column")) {
                throw o.error("--text-column applies to text data with a text encoder, and " + data + " holds " + kind);
            }
            if (o.has("label-column") && kind != TrainingData.Kind.CSV) {
                throw o.error("--label-column applies to CSV data, and " + data + " holds " + kind);
            }
            if (o.has("classes") && kind != TrainingData.Kind.IDX) {
                throw o.error("--classes names IDX labels; " + data + " holds " + kind + ", which names its classes");
            }
        }

        /** Rejects options that mean nothing for a text encoder. */
        void checkFitsText(Options o) throws UsageException {
            for (String name : List.of("size", "resize", "augment", "mean", "std", "cut", "classes", "train-batch-norm")) {
                if (o.has(name)) {
                    throw o.error("--" + name + " does not apply to a text encoder (" + model + ")");
                }
            }
            if (Files.isDirectory(data) && (ImageFolderDataset.hasSplit(data, ImageFolderDataset.TRAIN)
                    || (TextTables.find(data, "train") == null && Files.isRegularFile(data.resolve("train.csv"))))) {
                throw new BadInputException(data + " is an image folder, but " + model + " is a text encoder: expected "
                        + "a .csv or .jsonl table with columns '" + textColumn + "' and '" + labelColumn + "', or a folder "
                        + "with train.csv or train.jsonl");
            }
        }

        FineTuneOptions fineTuneOptions() {
            FineTuneOptions f = new FineTuneOptions().headEpochs(epochs).headLr(lr).fineTuneEpochs(fineTuneEpochs)
                    .fineTuneLr(fineTuneLr).batchSize(batch).patience(patience).seed(seed).gradual(gradual)
                    .unfreezeLastLayers(unfreezeLast).trainBatchNorm(trainBatchNorm);
            for (String g : unfreezeGlobs) {
                f.unfreeze(g);
            }
            return f;
        }
    }

    /** What the command prints: progress-friendly text, or one JSON object at the end. */
    private static final class Report {
        private final PrintStream out;
        private final boolean json;
        private final Map<String, Object> result = new LinkedHashMap<>();

        Report(PrintStream out, boolean json) {
            this.out = out;
            this.json = json;
        }

        void start(Settings s, ModelSource source, TransferModel model, TrainingData data, List<String> notes) {
            String head = s.hidden > 0 ? "mlp:" + s.hidden + ":" + s.dropout : "linear";
            Dataset train = data.train();
            result.put("command", "fine-tune");
            result.put("model", source.name());
            result.put("cut", model.cutTensor());
            result.put("featureShape", Arrays.stream(model.featureShape()).boxed().toList());
            result.put("head", head);
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("path", s.data.toString());
            d.put("kind", data.kind().toString());
            d.put("classes", train.classNames());
            d.put("train", train.size());
            d.put("validation", data.validation() == null ? 0 : data.validation().size());
            d.put("validationOrigin", data.validationOrigin());
            d.put("test", data.test() == null ? 0 : data.test().size());
            List<Object> skipped = new ArrayList<>();
            for (LoadSummary.Skipped k : data.skipped()) {
                skipped.add(Map.of("file", k.file().toString(), "reason", k.reason()));
            }
            d.put("skipped", skipped);
            d.put("preprocessing", data.preprocessing().toJson());
            result.put("data", d);
            if (json) {
                return;
            }
            if (model.cutTensor() == null) {
                out.printf(Locale.ROOT, "model: %s, text encoder with %d transformer blocks, mean-pooled sentence vectors %s;"
                        + " new %s head for %d classes%n", source.name(), model.backboneLayers().size(),
                        Arrays.toString(model.featureShape()), head, train.numClasses());
            } else {
                out.printf(Locale.ROOT, "model: %s, cut at '%s', features %s; new %s head for %d classes%n", source.name(),
                        model.cutTensor(), Arrays.toString(model.featureShape()), head, train.numClasses());
            }
            out.printf(Locale.ROOT, "data: %s %s, classes %s%n", data.kind(), s.data, train.classNames());
            out.printf(Locale.ROOT, "  train %d, validation %s, test %s%n", train.size(),
                    data.validation() == null ? "none" : data.validation().size() + " (" + data.validationOrigin() + ")",
                    data.test() == null ? "none" : Integer.toString(data.test().size()));
            out.println("  preprocessing: " + data.preprocessing());
            if (!data.skipped().isEmpty()) {
                out.printf(Locale.ROOT, "  skipped %d unreadable image%s:%n", data.skipped().size(),
                        data.skipped().size() == 1 ? "" : "s");
                for (LoadSummary.Skipped k : data.skipped()) {
                    out.println("    " + k.file() + ": " + k.reason());
                }
            }
            for (String n : notes) {
                out.println("note: " + n);
            }
            notes.clear();
        }

        void finish(FineTuner.Result r, Evaluation validation, Evaluation test, String shownSplit, List<Path> written,
                    List<String> notes, double[] seconds) {
            List<Object> epochs = new ArrayList<>();
            for (EpochRecord e : r.history().epochs()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("epoch", e.epoch());
                m.put("phase", e.phase());
                m.put("trainLoss", number(e.trainLoss()));
                m.put("trainAccuracy", number(e.trainAccuracy()));
                m.put("validationLoss", number(e.validationLoss()));
                m.put("validationAccuracy", number(e.validationAccuracy()));
                m.put("learningRate", number(e.learningRate()));
                m.put("seconds", number(e.seconds()));
                epochs.add(m);
            }
            result.put("epochs", epochs);
            result.put("bestEpoch", r.history().bestEpoch());
            result.put("stoppedEarly", r.history().stoppedEarly());
            result.put("featuresCached", r.featuresCached());
            result.put("validationAccuracy", number(validation == null ? Double.NaN : validation.accuracy()));
            result.put("testAccuracy", number(test == null ? Double.NaN : test.accuracy()));
            result.put("testCount", test == null ? 0 : test.count());
            Map<String, Object> t = new LinkedHashMap<>();
            String[] names = {"data", "head", "fineTune", "export", "total"};
            for (int i = 0; i < names.length; i++) {
                t.put(names[i], number(seconds[i]));
            }
            result.put("seconds", t);
            result.put("files", written.stream().map(Path::toString).toList());
            result.put("notes", notes);
            if (json) {
                out.println(Json.write(result));
                return;
            }
            for (String n : notes) {
                out.println("note: " + n);
            }
            if (validation != null) {
                out.println("validation accuracy " + percent(validation));
            }
            if (test != null) {
                out.println("test accuracy " + percent(test));
            }
            out.println("wrote " + written.get(0) + " (ONNX, output 'logits')");
            for (Path p : written.subList(1, written.size())) {
                out.println("      " + p + (p.toString().endsWith(".graft.json") ? " (classes and preprocessing)"
                        : p.toString().contains(".confusion.") ? " (" + shownSplit + " split)" : ""));
            }
            out.printf(Locale.ROOT, "time: data %.1f s, head %.1f s%s, fine-tune %.1f s, writing %.1f s, total %.1f s%n",
                    seconds[0], seconds[1], r.featuresCached() ? " (on cached features)" : "", seconds[2], seconds[3],
                    seconds[4]);
        }

        private static String percent(Evaluation e) {
            long right = 0;
            for (int i = 0; i < e.confusion().length; i++) {
                right += e.confusion()[i][i];
            }
            return String.format(Locale.ROOT, "%.2f%% (%d/%d)", 100 * e.accuracy(), right, e.count());
        }
    }
}
