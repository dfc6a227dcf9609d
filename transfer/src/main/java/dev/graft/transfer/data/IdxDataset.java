package dev.graft.transfer.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Builds an image dataset from an MNIST-style pair of IDX files: unsigned-byte images
 * {@code [N, H, W]} and integer labels {@code [N]}. Pixels are scaled to [0, 1]; the result has
 * samples of shape {@code [1, H, W]} and can be {@linkplain TensorDataset#normalize normalised}.
 */
public final class IdxDataset {

    private IdxDataset() {
    }

    /**
     * @param images the image file, gzipped or not
     * @param labels the label file, gzipped or not
     * @param classNames the class names; every label must index one
     * @throws MalformedDataException if either file is invalid or the two do not fit together
     * @throws IOException if a file cannot be read
     */
    public static TensorDataset load(Path images, Path labels, List<String> classNames) throws IOException {
        return build(Idx.read(images), images.toString(), Idx.read(labels), labels.toString(), classNames);
    }

    /**
     * Same as {@link #load(Path, Path, List)} for streams, such as classpath resources.
     *
     * @param imagesName a name for the image stream, used in error messages
     * @param labelsName a name for the label stream, used in error messages
     */
    public static TensorDataset load(InputStream images, String imagesName, InputStream labels, String labelsName,
                                     List<String> classNames) throws IOException {
        return build(Idx.read(images, imagesName, Idx.DEFAULT_MAX_BYTES), imagesName,
                Idx.read(labels, labelsName, Idx.DEFAULT_MAX_BYTES), labelsName, classNames);
    }

    /**
     * Pairs already-read IDX arrays.
     *
     * @throws MalformedDataException if the arrays do not have the shapes and types described above
     */
    public static TensorDataset build(IdxArray images, String imagesName, IdxArray labels, String labelsName,
                                      List<String> classNames) throws MalformedDataException {
        int[] d = images.dims();
        if (images.type() != IdxType.UNSIGNED_BYTE || d.length != 3) {
            throw new MalformedDataException(imagesName + ": holds " + images.type() + " " + Arrays.toString(d)
                    + ", expected UNSIGNED_BYTE images [N, H, W]");
        }
        int[] l = labels.dims();
        if (!labels.type().isIntegral() || l.length != 1) {
            throw new MalformedDataException(labelsName + ": holds " + labels.type() + " " + Arrays.toString(l)
                    + ", expected integer labels [N]");
        }
        if (l[0] != d[0]) {
            throw new MalformedDataException(labelsName + ": " + l[0] + " labels for the " + d[0] + " images of " + imagesName);
        }
        if (d[1] == 0 || d[2] == 0) {
            throw new MalformedDataException(imagesName + ": images of size " + d[1] + "x" + d[2] + ", expected at least 1x1");
        }
        long[] y = labels.toLongs();
        for (int i = 0; i < y.length; i++) {
            if (y[i] < 0 || y[i] >= classNames.size()) {
                throw new MalformedDataException(labelsName + ": label " + i + " is " + y[i] + ", expected a class index in [0, "
                        + classNames.size() + ")");
            }
        }
        float[] x = images.toFloats();
        for (int i = 0; i < x.length; i++) {
            x[i] /= 255f;
        }
        return new TensorDataset(x, new int[] {1, d[1], d[2]}, y, classNames);
    }
}
