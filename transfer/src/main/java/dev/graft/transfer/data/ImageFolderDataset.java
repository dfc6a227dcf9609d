package dev.graft.transfer.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Images laid out one folder per class, torchvision's {@code ImageFolder} convention with splits:
 * {@code root/train/<class>/*.png}, and optionally {@code root/val/<class>/*} and
 * {@code root/test/<class>/*}. PNG, JPEG and BMP files are decoded with {@code javax.imageio}.
 *
 * <p>The classes are the sub-folders of {@code train}, sorted by name and numbered from 0; every
 * split uses that numbering, and a class folder under {@code val} or {@code test} that
 * {@code train} lacks is an error. A file that cannot be decoded is logged by path, skipped and
 * listed in the {@link #summary()}; a class folder left without any image is an error naming it.
 *
 * <p>Images are decoded once, at load time, and kept as 8-bit samples; the
 * {@link ImageTransform} (resize, crop, normalise, augmentation) runs each time an example is read.
 */
public final class ImageFolderDataset implements Dataset {

    /** The split folder with the training images, which also defines the classes. */
    public static final String TRAIN = "train";
    /** The optional validation split folder. */
    public static final String VAL = "val";
    /** The optional test split folder. */
    public static final String TEST = "test";

    private static final List<String> EXTENSIONS = List.of("png", "jpg", "jpeg", "bmp");
    private static final System.Logger LOG = System.getLogger(ImageFolderDataset.class.getName());

    private final List<ImagePixels> images;
    private final long[] labels;
    private final List<Path> files;
    private final List<String> classNames;
    private final ImageTransform transform;
    private final LoadSummary summary;

    private ImageFolderDataset(List<ImagePixels> images, long[] labels, List<Path> files, List<String> classNames,
                               ImageTransform transform, LoadSummary summary) {
        this.images = images;
        this.labels = labels;
        this.files = files;
        this.classNames = classNames;
        this.transform = transform;
        this.summary = summary;
    }

    /**
     * @param root the dataset folder holding {@code train/}
     * @return whether {@code root/<split>} exists as a folder
     */
    public static boolean hasSplit(Path root, String split) {
        return Files.isDirectory(root.resolve(split));
    }

    /**
     * @param root the dataset folder
     * @return the class names: the sub-folders of {@code root/train}, sorted
     * @throws MalformedDataException if {@code root/train} is missing or has no sub-folders
     */
    public static List<String> classNames(Path root) throws IOException {
        Path train = root.resolve(TRAIN);
        if (!Files.isDirectory(train)) {
            throw new MalformedDataException(train + ": no such folder; an image folder dataset needs "
                    + "train/<class>/<image> under " + root);
        }
        List<String> names = subfolders(train);
        if (names.isEmpty()) {
            throw new MalformedDataException(train + ": no class folders, expected one sub-folder per class");
        }
        return names;
    }

    /**
     * Loads one split.
     *
     * @param root the dataset folder holding {@code train/} (and optionally {@code val/}, {@code test/})
     * @param split {@link #TRAIN}, {@link #VAL}, {@link #TEST} or another folder name under {@code root}
     * @param transform how to turn each image into a tensor; its augmentation, if any, applies as given
     * @throws NoSuchFileException if the split folder does not exist
     * @throws MalformedDataException if the class folders are inconsistent or one holds no readable image
     * @throws IOException if a folder cannot be listed
     */
    public static ImageFolderDataset load(Path root, String split, ImageTransform transform) throws IOException {
        List<String> classes = classNames(root);
        Path splitDir = root.resolve(split);
        if (!Files.isDirectory(splitDir)) {
            throw new NoSuchFileException(splitDir.toString(), null, "split folder " + split + " does not exist");
        }
        List<String> present = subfolders(splitDir);
        for (String c : present) {
            if (!classes.contains(c)) {
                throw new MalformedDataException(splitDir.resolve(c) + ": class folder '" + c + "' is not among the "
                        + "training classes " + classes);
            }
        }
        List<ImagePixels> images = new ArrayList<>();
        List<Long> labels = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<LoadSummary.Skipped> skipped = new ArrayList<>();
        int ignored = countFiles(splitDir);
        // Shrinking at load time keeps memory near what the transform needs, with room for crops.
        int keepShorterSide = Math.max(transform.resize(), transform.crop());
        for (String c : present) {
            Path dir = splitDir.resolve(c);
            int before = images.size();
            int skippedBefore = skipped.size();
            List<Path> entries;
            try (Stream<Path> s = Files.list(dir)) {
                entries = s.sorted().toList();
            }
            for (Path file : entries) {
                if (!Files.isRegularFile(file) || !isImageName(file)) {
                    ignored += Files.isDirectory(file) ? 0 : 1;
                    continue;
                }
                String problem;
                try {
                    BufferedImage img = ImageIO.read(file.toFile());
                    if (img == null) {
                        problem = "no javax.imageio reader recognises its contents";
                    } else if (img.getWidth() < 1 || img.getHeight() < 1) {
                        problem = "decodes to an empty " + img.getWidth() + "x" + img.getHeight() + " image";
                    } else {
                        images.add(ImagePixels.of(img, transform.channels(), keepShorterSide));
                        labels.add((long) classes.indexOf(c));
                        files.add(file);
                        continue;
                    }
                } catch (IOException | RuntimeException e) {
                    // ImageIO reports corrupt data through IOException, but some decoders throw unchecked exceptions.
                    problem = e.getClass().getSimpleName() + ": " + e.getMessage();
                }
                LOG.log(System.Logger.Level.WARNING, "skipping unreadable image {0}: {1}", file, problem);
                skipped.add(new LoadSummary.Skipped(file, problem));
            }
            if (images.size() == before) {
                int bad = skipped.size() - skippedBefore;
                throw new MalformedDataException(dir + ": class folder '" + c + "' has no readable images"
                        + (bad > 0 ? " (" + bad + " unreadable)" : "") + ", expected at least one "
                        + String.join("/", EXTENSIONS) + " file");
            }
        }
        if (images.isEmpty()) {
            throw new MalformedDataException(splitDir + ": no class folders, expected one sub-folder per class");
        }
        long[] y = labels.stream().mapToLong(Long::longValue).toArray();
        LoadSummary summary = new LoadSummary(split, images.size(), present.size(), skipped, ignored);
        return new ImageFolderDataset(List.copyOf(images), y, List.copyOf(files), classes, transform, summary);
    }

    private static List<String> subfolders(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                if (!name.startsWith(".")) {
                    names.add(name);
                }
            }
        }
        names.sort(null);
        return names;
    }

    /** Plain files directly in the split folder belong to no class; they are counted as ignored. */
    private static int countFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return (int) s.filter(Files::isRegularFile).count();
        }
    }

    private static boolean isImageName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return !name.startsWith(".") && dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** @return what loading found: counts and the skipped files with reasons */
    public LoadSummary summary() {
        return summary;
    }

    /** @return the transform applied when examples are read */
    public ImageTransform transform() {
        return transform;
    }

    /**
     * @param transform another transform with the same channel count (say, without augmentation)
     * @return a dataset over the same decoded images that applies {@code transform}
     */
    public ImageFolderDataset withTransform(ImageTransform transform) {
        if (transform.channels() != this.transform.channels()) {
            throw new IllegalArgumentException("withTransform: images were decoded with " + this.transform.channels()
                    + " channels, the new transform wants " + transform.channels());
        }
        return new ImageFolderDataset(images, labels, files, classNames, transform, summary);
    }

    /** @return the file example {@code index} was read from */
    public Path file(int index) {
        checkIndex(index);
        return files.get(index);
    }

    @Override
    public int size() {
        return images.size();
    }

    @Override
    public int[] sampleShape() {
        return transform.outputShape();
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public long label(int index) {
        checkIndex(index);
        return labels[index];
    }

    @Override
    public void copyInput(int index, float[] dst, int offset, RandomGenerator random) {
        checkIndex(index);
        transform.apply(images.get(index), dst, offset, random);
    }

    @Override
    public boolean augments() {
        return transform.augments();
    }
}
