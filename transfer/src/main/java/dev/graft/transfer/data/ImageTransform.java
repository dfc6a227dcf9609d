package dev.graft.transfer.data;

import dev.graft.engine.Tensor;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * What {@link ImageFolderDataset} does to a decoded image: the evaluation pipeline (resize the
 * shorter side, centre crop a square, normalise each channel) and optionally the training
 * augmentation (random resized crop to the same square, random horizontal flip), in the manner
 * of torchvision's {@code Resize + CenterCrop} and {@code RandomResizedCrop + RandomHorizontalFlip}.
 * Immutable.
 */
public final class ImageTransform {

    private static final double MIN_LOG_RATIO = Math.log(3.0 / 4.0);
    private static final double MAX_LOG_RATIO = Math.log(4.0 / 3.0);
    private static final int CROP_ATTEMPTS = 10;

    private final int channels;
    private final int resize;
    private final int crop;
    private final float[] mean;
    private final float[] std;
    private final float minScale;
    private final boolean flip;

    private ImageTransform(int channels, int resize, int crop, float[] mean, float[] std, float minScale, boolean flip) {
        this.channels = channels;
        this.resize = resize;
        this.crop = crop;
        this.mean = mean;
        this.std = std;
        this.minScale = minScale;
        this.flip = flip;
    }

    /**
     * The evaluation pipeline: scale so the shorter side is {@code resize} pixels, take the
     * central {@code crop x crop} square, then {@code (x - mean[c]) / std[c]} with x in [0, 1].
     *
     * @param channels 1 (grey; colour images are converted by luma) or 3 (RGB; grey images are replicated)
     * @param resize the shorter side after resizing, at least {@code crop}
     * @param crop the side of the output square
     * @param mean one mean per channel
     * @param std one positive standard deviation per channel
     * @throws IllegalArgumentException naming the first bad argument
     */
    public static ImageTransform eval(int channels, int resize, int crop, float[] mean, float[] std) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("ImageTransform: " + channels + " channels, expected 1 (grey) or 3 (RGB)");
        }
        if (crop < 1 || resize < crop) {
            throw new IllegalArgumentException("ImageTransform: resize " + resize + " and crop " + crop
                    + ", expected 1 <= crop <= resize");
        }
        if (mean.length != channels || std.length != channels) {
            throw new IllegalArgumentException("ImageTransform: " + mean.length + " means and " + std.length
                    + " stds, expected " + channels + " of each");
        }
        for (float s : std) {
            if (!(s > 0f)) {
                throw new IllegalArgumentException("ImageTransform: std " + s + " is not positive");
            }
        }
        return new ImageTransform(channels, resize, crop, mean.clone(), std.clone(), 1f, false);
    }

    /**
     * Adds training augmentation: a random crop covering a fraction in {@code [minScale, 1]} of the
     * image area with aspect ratio in [3/4, 4/3], resized to the output square, then a horizontal
     * flip with probability 1/2 if {@code horizontalFlip}.
     *
     * @param minScale the smallest area fraction, in (0, 1]; 1 with no flip turns augmentation off
     * @throws IllegalArgumentException if {@code minScale} is outside (0, 1]
     */
    public ImageTransform withAugmentation(float minScale, boolean horizontalFlip) {
        if (!(minScale > 0f && minScale <= 1f)) {
            throw new IllegalArgumentException("ImageTransform: minimum crop scale " + minScale + " is outside (0, 1]");
        }
        return new ImageTransform(channels, resize, crop, mean, std, minScale, horizontalFlip);
    }

    /** @return the same resizing and normalisation without augmentation, for validation and test splits */
    public ImageTransform withoutAugmentation() {
        return new ImageTransform(channels, resize, crop, mean, std, 1f, false);
    }

    /** @return whether this transform draws random numbers */
    public boolean augments() {
        return minScale < 1f || flip;
    }

    /** @return the number of output channels */
    public int channels() {
        return channels;
    }

    /** @return the shorter side the evaluation pipeline resizes to */
    public int resize() {
        return resize;
    }

    /** @return the side of the output square */
    public int crop() {
        return crop;
    }

    /** @return the output shape {@code [channels, crop, crop]} */
    public int[] outputShape() {
        return new int[] {channels, crop, crop};
    }

    /**
     * Runs the evaluation pipeline (resize, centre crop, normalise; never augmentation) on one
     * decoded image, as a validation or test split would see it: what inference on new images needs.
     *
     * @param image any image javax.imageio decoded; colour or grey is converted to {@link #channels()}
     * @return a tensor of shape {@link #outputShape()}
     * @throws IllegalArgumentException if the image is empty
     */
    public Tensor toTensor(BufferedImage image) {
        if (image.getWidth() < 1 || image.getHeight() < 1) {
            throw new IllegalArgumentException("ImageTransform: empty " + image.getWidth() + "x" + image.getHeight()
                    + " image");
        }
        float[] out = new float[channels * crop * crop];
        withoutAugmentation().apply(ImagePixels.of(image, channels, Math.max(resize, crop)), out, 0, null);
        return Tensor.of(out, outputShape());
    }

    /**
     * Transforms one decoded image into {@code dst}.
     *
     * @param image the decoded image, {@code channels()} channels
     * @param dst receives {@code channels * crop * crop} floats
     * @param offset where in {@code dst} to start
     * @param random the source of augmentation randomness; unused without augmentation
     */
    void apply(ImagePixels image, float[] dst, int offset, RandomGenerator random) {
        int h = image.height();
        int w = image.width();
        double x0;
        double y0;
        double bw;
        double bh;
        if (minScale < 1f) {
            double[] box = randomBox(w, h, random);
            x0 = box[0];
            y0 = box[1];
            bw = box[2];
            bh = box[3];
        } else {
            // Resize-then-centre-crop is one crop box in source coordinates.
            double side = Math.min(w, h) * (double) crop / resize;
            bw = side;
            bh = side;
            x0 = (w - side) / 2;
            y0 = (h - side) / 2;
        }
        boolean mirrored = flip && random.nextBoolean();
        image.sample(x0, y0, bw, bh, crop, crop, mirrored, dst, offset);
        int plane = crop * crop;
        for (int c = 0; c < channels; c++) {
            float m = mean[c];
            float inv = 1f / std[c];
            for (int i = offset + c * plane, end = i + plane; i < end; i++) {
                dst[i] = (dst[i] - m) * inv;
            }
        }
    }

    /** torchvision's RandomResizedCrop box: random area and aspect, falling back to a centred square. */
    private double[] randomBox(int w, int h, RandomGenerator random) {
        double area = (double) w * h;
        for (int attempt = 0; attempt < CROP_ATTEMPTS; attempt++) {
            double target = area * (minScale + (1 - minScale) * random.nextDouble());
            double ratio = Math.exp(MIN_LOG_RATIO + (MAX_LOG_RATIO - MIN_LOG_RATIO) * random.nextDouble());
            double cw = Math.sqrt(target * ratio);
            double ch = Math.sqrt(target / ratio);
            if (cw <= w && ch <= h) {
                return new double[] {random.nextDouble() * (w - cw), random.nextDouble() * (h - ch), cw, ch};
            }
        }
        double side = Math.min(w, h);
        return new double[] {(w - side) / 2, (h - side) / 2, side, side};
    }

    @Override
    public String toString() {
        return "ImageTransform[channels=" + channels + ", resize=" + resize + ", crop=" + crop + ", mean="
                + Arrays.toString(mean) + ", std=" + Arrays.toString(std)
                + (augments() ? ", randomResizedCrop minScale=" + minScale + ", horizontalFlip=" + flip : "") + "]";
    }
}
