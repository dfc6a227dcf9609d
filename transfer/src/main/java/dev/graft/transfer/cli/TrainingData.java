package dev.graft.transfer.cli;

import dev.graft.onnx.proto.Dim;
import dev.graft.transfer.data.CsvDataset;
import dev.graft.transfer.data.Dataset;
import dev.graft.transfer.data.Idx;
import dev.graft.transfer.data.IdxArray;
import dev.graft.transfer.data.IdxDataset;
import dev.graft.transfer.data.ImageFolderDataset;
import dev.graft.transfer.data.ImageTransform;
import dev.graft.transfer.data.LoadSummary;
import dev.graft.transfer.data.MalformedDataException;
import dev.graft.transfer.data.StratifiedSplit;
import dev.graft.transfer.data.SubsetDataset;
import dev.graft.transfer.data.TensorDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The labelled examples {@code fine-tune} reads from its {@code --data} argument, in one of three
 * layouts ({@link Kind}), with training, validation and test splits. Without a validation split in
 * the data, a stratified seeded share of the training examples is held out.
 *
 * @param kind the layout found
 * @param train the examples to train on (augmented when asked)
 * @param validation the examples early stopping watches, or null
 * @param validationOrigin where the validation examples came from, for the report
 * @param test the test split, or null
 * @param skipped image files that could not be decoded, each with its reason
 * @param preprocessing what was done to the raw examples; {@code predict} repeats it
 * @param notes choices made for the user that they should hear about (default normalisation...)
 */
record TrainingData(Kind kind, Dataset train, Dataset validation, String validationOrigin, Dataset test,
                    List<LoadSummary.Skipped> skipped, Preprocessing preprocessing, List<String> notes) {

    /** The smallest share of an image a random resized crop keeps with {@code --augment}. */
    static final float AUGMENT_MIN_SCALE = 0.5f;

    private static final Pattern IDX_IMAGES = Pattern.compile("(.+)-images-idx3-ubyte(\\.gz)?");
    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    /** The data layouts {@code fine-tune} understands. */
    enum Kind {
        /** {@code DIR/train/<class>/*.png} (and optional {@code val/}, {@code test/}). */
        IMAGES("image folder"),
        /** A CSV file, or a folder holding {@code train.csv} (and optional {@code val.csv}, {@code test.csv}). */
        CSV("CSV table"),
        /** A folder of MNIST-style {@code PREFIX-images-idx3-ubyte(.gz)} and {@code PREFIX-labels-idx1-ubyte(.gz)}. */
        IDX("IDX files"),
        /** A CSV or JSON Lines table with a text and a label column, or a folder of train, val and test tables. */
        TEXT("text table");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /**
     * What the command line asked for.
     *
     * @param data the {@code --data} path
     * @param modelInput the model input's declared dimensions (batch first), or null when undeclared
     * @param modelPreprocessing the preprocessing the model's own sidecar records, or null
     * @param size {@code --size}, the side of the square the model sees, or 0
     * @param resize {@code --resize}, or 0
     * @param mean {@code --mean}, or null
     * @param std {@code --std}, or null
     * @param augment {@code --augment}
     * @param labelColumn {@code --label-column}
     * @param classNames {@code --classes}, or null
     * @param validationFraction share held out for validation when the data has no validation split; 0 for none
     * @param seed seed of that split
     */
    record Request(Path data, List<Dim> modelInput, Preprocessing modelPreprocessing, int size, int resize,
                   float[] mean, float[] std, boolean augment, String labelColumn, List<String> classNames,
                   double validationFraction, long seed) {
    }

    /**
     * @param data the {@code --data} path
     * @return its layout
     * @throws CommandException if it does not exist or is none of the layouts
     */
    static Kind kindOf(Path data) {
        if (Files.isRegularFile(data)) {
            if (data.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
                return Kind.CSV;
            }
            throw new CommandException("data file " + data + " is not a .csv table; expected a CSV file or a folder");
        }
        if (!Files.isDirectory(data)) {
            throw new CommandException("data not found: " + data);
        }
        if (ImageFolderDataset.hasSplit(data, ImageFolderDataset.TRAIN)) {
            return Kind.IMAGES;
        }
        if (Files.isRegularFile(data.resolve("train.csv"))) {
            return Kind.CSV;
        }
        try (Stream<Path> files = Files.list(data)) {
            if (files.anyMatch(p -> IDX_IMAGES.matcher(p.getFileName().toString()).matches())) {
                return Kind.IDX;
            }
        } catch (IOException e) {
            throw new CommandException("cannot list " + data + ": " + e.getMessage(), e);
        }
        throw new CommandException(data + " holds no dataset: expected train/<class>/<images> folders, a train.csv, "
                + "or IDX files such as train-images-idx3-ubyte.gz with train-labels-idx1-ubyte.gz");
    }

    /**
     * Loads every split.
     *
     * @throws MalformedDataException naming the file and the problem (an empty class folder, a bad line...)
     * @throws IOException if a file cannot be read
     * @throws IllegalArgumentException if the request does not fit the data or the model
     */
    static TrainingData load(Request r) throws IOException {
        return switch (kindOf(r.data())) {
            case IMAGES -> images(r);
            case CSV -> csv(r);
            case IDX -> idx(r);
            case TEXT -> throw new IllegalStateException("text tables are loaded by TextTables, with the encoder's tokenizer");
        };
    }

    private static TrainingData images(Request r) throws IOException {
        List<String> notes = new ArrayList<>();
        Preprocessing.Image pre = imagePreprocessing(r, notes);
        ImageTransform eval = pre.transform();
        Path root = r.data();
        List<LoadSummary.Skipped> skipped = new ArrayList<>();
        ImageFolderDataset train = ImageFolderDataset.load(root, ImageFolderDataset.TRAIN, eval);
        skipped.addAll(train.summary().skipped());
        Dataset trainSet = r.augment() ? train.withTransform(eval.withAugmentation(AUGMENT_MIN_SCALE, true)) : train;
        Dataset validation = null;
        String origin = null;
        if (ImageFolderDataset.hasSplit(root, ImageFolderDataset.VAL)) {
            ImageFolderDataset v = ImageFolderDataset.load(root, ImageFolderDataset.VAL, eval);
            skipped.addAll(v.summary().skipped());
            validation = v;
            origin = "val/ folder";
        } else if (r.validationFraction() > 0) {
            Dataset[] split = split(train, trainSet, r.validationFraction(), r.seed());
            trainSet = split[0];
            validation = split[1];
            origin = splitOrigin(r);
        }
        Dataset test = null;
        if (ImageFolderDataset.hasSplit(root, ImageFolderDataset.TEST)) {
            ImageFolderDataset t = ImageFolderDataset.load(root, ImageFolderDataset.TEST, eval);
            skipped.addAll(t.summary().skipped());
            test = t;
        }
        return new TrainingData(Kind.IMAGES, trainSet, validation, origin, test, skipped, pre, notes);
    }

    /**
     * The image pipeline: explicit options first, then the model's sidecar, then the model's
     * declared input shape; ImageNet statistics (or none, for grey) when nothing says otherwise.
     */
    private static Preprocessing.Image imagePreprocessing(Request r, List<String> notes) {
        List<Dim> dims = r.modelInput();
        if (dims == null || dims.size() != 4) {
            throw new IllegalArgumentException("an image folder needs a model whose input is [N, C, H, W]; this model "
                    + "declares " + (dims == null ? "no input shape" : dims.toString()));
        }
        Preprocessing.Image known = r.modelPreprocessing() instanceof Preprocessing.Image i ? i : null;
        int channels;
        if (dims.get(1).isFixed()) {
            channels = (int) dims.get(1).value();
            if (channels != 1 && channels != 3) {
                throw new IllegalArgumentException("the model takes " + channels + "-channel images; image folders "
                        + "give 1 (grey) or 3 (RGB)");
            }
        } else {
            channels = known != null ? known.channels() : 3;
        }
        if (known != null && known.channels() != channels) {
            known = null;
        }
        int crop;
        if (r.size() > 0) {
            crop = r.size();
        } else if (known != null) {
            crop = known.crop();
        } else if (dims.get(2).isFixed() && dims.get(3).isFixed() && dims.get(2).value() == dims.get(3).value()) {
            crop = (int) dims.get(2).value();
        } else {
            throw new IllegalArgumentException("the model's input " + dims + " does not fix a square image size; "
                    + "give it with --size HxW");
        }
        int resize = r.resize() > 0 ? r.resize() : known != null && known.crop() == crop ? known.resize() : crop;
        float[] mean;
        float[] std;
        if (r.mean() != null) {
            mean = r.mean();
            std = r.std();
        } else if (known != null) {
            mean = known.mean();
            std = known.std();
        } else if (channels == 3) {
            mean = IMAGENET_MEAN;
            std = IMAGENET_STD;
            notes.add("normalising with ImageNet's mean and std (the torchvision convention); give --mean and --std "
                    + "if the model was trained otherwise");
        } else {
            mean = new float[] {0f};
            std = new float[] {1f};
            notes.add("feeding pixels in [0, 1] unnormalised; give --mean and --std if the model was trained otherwise");
        }
        if (mean.length != channels || std.length != channels) {
            throw new IllegalArgumentException("the model takes " + channels + "-channel images but --mean and --std "
                    + "give " + mean.length + " and " + std.length + " values");
        }
        return new Preprocessing.Image(channels, resize, crop, mean, std);
    }

    private static TrainingData csv(Request r) throws IOException {
        Path trainFile = Files.isDirectory(r.data()) ? r.data().resolve("train.csv") : r.data();
        String label = r.labelColumn();
        List<String> features = new ArrayList<>(CsvDataset.columns(trainFile));
        if (!features.remove(label)) {
            throw new MalformedDataException(trainFile + ": no label column '" + label + "'; columns are "
                    + CsvDataset.columns(trainFile) + " (name it with --label-column)");
        }
        TensorDataset train = CsvDataset.load(trainFile, label, features);
        Dataset trainSet = train;
        Dataset validation = null;
        String origin = null;
        Dataset test = null;
        if (Files.isDirectory(r.data())) {
            Path val = r.data().resolve("val.csv");
            if (Files.isRegularFile(val)) {
                validation = conform(CsvDataset.load(val, label, features), train.classNames(), val);
                origin = "val.csv";
            }
            Path testFile = r.data().resolve("test.csv");
            if (Files.isRegularFile(testFile)) {
                test = conform(CsvDataset.load(testFile, label, features), train.classNames(), testFile);
            }
        }
        if (validation == null && r.validationFraction() > 0) {
            Dataset[] split = split(train, train, r.validationFraction(), r.seed());
            trainSet = split[0];
            validation = split[1];
            origin = splitOrigin(r);
        }
        return new TrainingData(Kind.CSV, trainSet, validation, origin, test, List.of(),
                new Preprocessing.Features(features, label), List.of());
    }

    /** Renumbers a split's labels by class name to the training set's numbering. */
    private static TensorDataset conform(TensorDataset d, List<String> classes, Path file) throws MalformedDataException {
        if (d.classNames().equals(classes)) {
            return d;
        }
        long[] map = new long[d.numClasses()];
        for (int c = 0; c < map.length; c++) {
            map[c] = classes.indexOf(d.classNames().get(c));
            if (map[c] < 0) {
                throw new MalformedDataException(file + ": class '" + d.classNames().get(c) + "' does not occur in the "
                        + "training data, whose classes are " + classes);
            }
        }
        float[] x = new float[d.size() * d.sampleNumel()];
        long[] y = new long[d.size()];
        for (int i = 0; i < y.length; i++) {
            d.copyInput(i, x, i * d.sampleNumel(), null);
            y[i] = map[(int) d.label(i)];
        }
        return new TensorDataset(x, d.sampleShape(), y, classes);
    }

    private static TrainingData idx(Request r) throws IOException {
        Map<String, Path> images = new TreeMap<>();
        try (Stream<Path> files = Files.list(r.data())) {
            for (Path p : files.sorted().toList()) {
                Matcher m = IDX_IMAGES.matcher(p.getFileName().toString());
                if (m.matches()) {
                    String role = switch (m.group(1)) {
                        case "train" -> "train";
                        case "val", "valid", "validation" -> "val";
                        case "test", "t10k" -> "test";
                        default -> throw new MalformedDataException(p + ": unknown split '" + m.group(1) + "', expected "
                                + "train, val (or valid, validation) or test (or t10k)");
                    };
                    if (images.put(role, p) != null) {
                        throw new MalformedDataException(r.data() + ": two image files for the " + role + " split");
                    }
                }
            }
        }
        if (!images.containsKey("train")) {
            throw new MalformedDataException(r.data() + ": no train-images-idx3-ubyte(.gz); found " + images.values());
        }
        Map<String, IdxArray[]> arrays = new HashMap<>();
        long maxLabel = -1;
        for (var e : images.entrySet()) {
            Path labels = labelsFile(e.getValue());
            IdxArray[] pair = {Idx.read(e.getValue()), Idx.read(labels)};
            arrays.put(e.getKey(), pair);
            if (pair[1].type().isIntegral()) {
                maxLabel = Math.max(maxLabel, Arrays.stream(pair[1].toLongs()).max().orElse(-1));
            }
        }
        List<String> classes = r.classNames();
        if (classes == null) {
            classes = new ArrayList<>();
            for (long c = 0; c <= maxLabel; c++) {
                classes.add(Long.toString(c));
            }
        }
        List<String> notes = new ArrayList<>();
        float[] mean;
        float[] std;
        if (r.mean() != null) {
            mean = r.mean();
            std = r.std();
        } else if (r.modelPreprocessing() instanceof Preprocessing.Image known && known.channels() == 1) {
            mean = known.mean();
            std = known.std();
        } else {
            mean = new float[] {0f};
            std = new float[] {1f};
            notes.add("feeding pixels in [0, 1] unnormalised; give --mean and --std if the model was trained otherwise");
        }
        if (mean.length != 1 || std.length != 1) {
            throw new IllegalArgumentException("IDX images have one channel but --mean and --std give " + mean.length
                    + " and " + std.length + " values");
        }
        Map<String, TensorDataset> sets = new HashMap<>();
        for (var e : arrays.entrySet()) {
            Path imageFile = images.get(e.getKey());
            sets.put(e.getKey(), IdxDataset.build(e.getValue()[0], imageFile.toString(), e.getValue()[1],
                    labelsFile(imageFile).toString(), classes).normalize(mean, std));
        }
        Dataset train = sets.get("train");
        Dataset validation = sets.get("val");
        String origin = validation == null ? null : images.get("val").getFileName().toString();
        if (validation == null && r.validationFraction() > 0) {
            Dataset[] split = split(train, train, r.validationFraction(), r.seed());
            train = split[0];
            validation = split[1];
            origin = splitOrigin(r);
        }
        int[] shape = train.sampleShape();
        Preprocessing pre = new Preprocessing.Image(1, shape[1], shape[1], mean, std);
        return new TrainingData(Kind.IDX, train, validation, origin, sets.get("test"), List.of(), pre, notes);
    }

    private static Path labelsFile(Path imageFile) throws MalformedDataException {
        String name = imageFile.getFileName().toString().replace("-images-idx3-ubyte", "-labels-idx1-ubyte");
        for (String candidate : new String[] {name, name.endsWith(".gz") ? name.substring(0, name.length() - 3)
                : name + ".gz"}) {
            Path p = imageFile.resolveSibling(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new MalformedDataException(imageFile + ": no labels file " + imageFile.resolveSibling(name) + " beside it");
    }

    /**
     * Splits by class on the unaugmented examples; the training half takes its examples from
     * {@code forTraining} (the same examples, possibly augmented) so that validation never is.
     *
     * @return the training and validation halves
     */
    private static Dataset[] split(Dataset plain, Dataset forTraining, double fraction, long seed) {
        StratifiedSplit.Result s = StratifiedSplit.split(plain, fraction, seed);
        SubsetDataset t = s.train();
        int[] indices = new int[t.size()];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = t.sourceIndex(i);
        }
        return new Dataset[] {new SubsetDataset(forTraining, indices), s.validation()};
    }

    private static String splitOrigin(Request r) {
        return splitOrigin(r.validationFraction(), r.seed());
    }

    static String splitOrigin(double fraction, long seed) {
        return String.format(Locale.ROOT, "%.0f%% of train, stratified, seed %d", 100 * fraction, seed);
    }

    /**
     * Splits off a stratified validation share of unaugmented data.
     *
     * @return the training and validation halves
     */
    static Dataset[] split(Dataset data, double fraction, long seed) {
        return split(data, data, fraction, seed);
    }
}
