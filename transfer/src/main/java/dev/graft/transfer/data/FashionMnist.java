package dev.graft.transfer.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fashion-MNIST (Zalando, MIT licence): 28x28 grey images of ten kinds of clothing, from the
 * Debian package {@code dataset-fashion-mnist} or from the small sample of classes 5-9 shipped in
 * this jar (written by {@code scripts/transfer/pretrain_fashion_cnn.py}). Pixels come back scaled
 * to [0, 1], samples shaped {@code [1, 28, 28]}.
 */
public final class FashionMnist {

    /** The ten class names, in label order. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** Where the Debian package {@code dataset-fashion-mnist} installs the four IDX files. */
    public static final Path DEBIAN_DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");

    /** The classpath folder holding the shipped sample and the pretrained model. */
    public static final String RESOURCE_FOLDER = "/dev/graft/transfer/";

    /** The classes of the shipped sample; its labels 0-4 stand for these Fashion-MNIST classes. */
    public static final List<Integer> SAMPLE_CLASSES = List.of(5, 6, 7, 8, 9);

    /** Which half of Fashion-MNIST. */
    public enum Split {
        /** The 60,000 training images ({@code train-*}); the shipped sample has 200 per class. */
        TRAIN("train", "train"),
        /** The 10,000 test images ({@code t10k-*}); the shipped sample has 100 per class. */
        TEST("t10k", "test");

        private final String filePrefix;
        private final String sampleName;

        Split(String filePrefix, String sampleName) {
            this.filePrefix = filePrefix;
            this.sampleName = sampleName;
        }
    }

    private FashionMnist() {
    }

    /** @return whether the Debian package's files are all present */
    public static boolean debianPackageInstalled() {
        for (Split s : Split.values()) {
            if (!Files.isRegularFile(imagesFile(DEBIAN_DIRECTORY, s)) || !Files.isRegularFile(labelsFile(DEBIAN_DIRECTORY, s))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Loads the chosen classes of one split from a directory with the original file names, such as
     * {@link #DEBIAN_DIRECTORY}. Labels are renumbered in the order the classes are given.
     *
     * @param directory the folder holding {@code train-images-idx3-ubyte.gz} and its siblings
     * @param split which split
     * @param classes Fashion-MNIST class indices, distinct, each in [0, 9]; none means all ten
     * @throws java.nio.file.NoSuchFileException if a file is missing (install {@code dataset-fashion-mnist})
     * @throws MalformedDataException if a file is corrupt
     */
    public static TensorDataset load(Path directory, Split split, int... classes) throws IOException {
        TensorDataset all = IdxDataset.load(imagesFile(directory, split), labelsFile(directory, split), CLASS_NAMES);
        if (classes.length == 0) {
            return all;
        }
        int[] newLabel = new int[CLASS_NAMES.size()];
        Arrays.fill(newLabel, -1);
        List<String> names = new ArrayList<>();
        for (int c : classes) {
            if (c < 0 || c >= CLASS_NAMES.size() || newLabel[c] >= 0) {
                throw new IllegalArgumentException("FashionMnist.load: class " + c
                        + " is out of [0, 9] or given twice in " + Arrays.toString(classes));
            }
            newLabel[c] = names.size();
            names.add(CLASS_NAMES.get(c));
        }
        int n = 0;
        for (int i = 0; i < all.size(); i++) {
            n += newLabel[(int) all.label(i)] >= 0 ? 1 : 0;
        }
        int numel = all.sampleNumel();
        float[] x = new float[n * numel];
        long[] y = new long[n];
        for (int i = 0, j = 0; i < all.size(); i++) {
            int l = newLabel[(int) all.label(i)];
            if (l >= 0) {
                all.copyInput(i, x, j * numel, null);
                y[j++] = l;
            }
        }
        return new TensorDataset(x, all.sampleShape(), y, names);
    }

    /**
     * Loads the sample of classes 5-9 shipped in this jar, so the demo runs without the Debian
     * package. Labels 0-4 stand for Sandal, Shirt, Sneaker, Bag, Ankle boot.
     *
     * @param split {@link Split#TRAIN} (1,000 images) or {@link Split#TEST} (500 images)
     * @throws IOException if the resources are missing or corrupt (a broken build)
     */
    public static TensorDataset sample(Split split) throws IOException {
        String images = sampleResource(split, "images-idx3");
        String labels = sampleResource(split, "labels-idx1");
        try (InputStream xi = open(images); InputStream yi = open(labels)) {
            List<String> names = SAMPLE_CLASSES.stream().map(CLASS_NAMES::get).toList();
            return IdxDataset.load(xi, images, yi, labels, names);
        }
    }

    /**
     * @param split which split
     * @param kind {@code images-idx3} or {@code labels-idx1}
     * @return the classpath name of one file of the shipped sample
     */
    public static String sampleResource(Split split, String kind) {
        return RESOURCE_FOLDER + "fashion-sample-5to9-" + split.sampleName + "-" + kind + "-ubyte.gz";
    }

    private static InputStream open(String resource) throws IOException {
        InputStream in = FashionMnist.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("classpath resource " + resource + " is missing; the jar was built without the "
                    + "files of scripts/transfer/pretrain_fashion_cnn.py");
        }
        return in;
    }

    private static Path imagesFile(Path dir, Split s) {
        return dir.resolve(s.filePrefix + "-images-idx3-ubyte.gz");
    }

    private static Path labelsFile(Path dir, Split s) {
        return dir.resolve(s.filePrefix + "-labels-idx1-ubyte.gz");
    }
}
