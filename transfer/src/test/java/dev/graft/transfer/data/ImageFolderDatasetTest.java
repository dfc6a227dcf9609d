package dev.graft.transfer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderDatasetTest {

    @TempDir
    Path root;

    private static final ImageTransform GREY = ImageTransform.eval(1, 8, 8, new float[] {0f}, new float[] {1f});

    /** A solid RGB image of the given colour. */
    private static BufferedImage solid(int w, int h, int rgb) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    /** A grey image whose left half is black and right half is white. */
    private static BufferedImage halves(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = w / 2; x < w; x++) {
                img.getRaster().setSample(x, y, 0, 255);
            }
        }
        return img;
    }

    private Path write(BufferedImage img, String format, String relative) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        assertTrue(ImageIO.write(img, format, p.toFile()), "no ImageIO writer for " + format);
        return p;
    }

    /** train/{cat,dog,fox} with PNG, JPEG and BMP files, a corrupt PNG and a stray text file. */
    private void buildTree() throws IOException {
        write(solid(16, 12, 0xFF0000), "png", "train/cat/a.png");
        write(solid(12, 16, 0xFF0000), "png", "train/cat/b.PNG");
        write(halves(10, 10), "png", "train/dog/grey.png");
        write(solid(8, 8, 0x00FF00), "bmp", "train/dog/c.bmp");
        write(solid(20, 20, 0x0000FF), "jpg", "train/fox/d.jpg");
        Files.write(root.resolve("train/fox/broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        Files.writeString(root.resolve("train/fox/notes.txt"), "not an image");
        write(solid(9, 9, 0xFF0000), "png", "val/cat/v.png");
    }

    @Test
    void loadsClassesInSortedOrderAndSkipsBrokenFiles() throws IOException {
        buildTree();
        ImageFolderDataset d = ImageFolderDataset.load(root, ImageFolderDataset.TRAIN, GREY);
        assertEquals(List.of("cat", "dog", "fox"), d.classNames());
        assertEquals(5, d.size());
        assertArrayEquals(new long[] {0, 0, 1, 1, 2}, d.labels());
        assertArrayEquals(new int[] {1, 8, 8}, d.sampleShape());
        LoadSummary s = d.summary();
        assertEquals(5, s.loaded());
        assertEquals(3, s.classes());
        assertEquals(1, s.skipped().size());
        assertEquals(root.resolve("train/fox/broken.png"), s.skipped().get(0).file());
        assertEquals(1, s.ignored());
        assertTrue(s.toString().contains("broken.png"), s.toString());
        assertEquals(root.resolve("train/dog/c.bmp"), d.file(2));
        assertEquals(root.resolve("train/dog/grey.png"), d.file(3));
    }

    @Test
    void convertsColourToGreyByLumaAndNormalises() throws IOException {
        buildTree();
        ImageTransform t = ImageTransform.eval(1, 8, 8, new float[] {0.5f}, new float[] {0.25f});
        Batch b = ImageFolderDataset.load(root, "train", t).batch(0);
        // Pure red has luma 0.299, kept as the 8-bit sample round(0.299 * 255) = 76.
        for (float v : b.inputs().toArray()) {
            assertEquals((76 / 255f - 0.5f) / 0.25f, v, 1e-5f);
        }
    }

    @Test
    void rgbOutputKeepsChannelsAndReplicatesGrey() throws IOException {
        buildTree();
        ImageTransform t = ImageTransform.eval(3, 4, 4, new float[] {0f, 0f, 0f}, new float[] {1f, 1f, 1f});
        ImageFolderDataset d = ImageFolderDataset.load(root, "train", t);
        float[] red = d.batch(0).inputs().toArray();
        assertEquals(48, red.length);
        assertEquals(1f, red[0], 1e-6f);
        assertEquals(0f, red[16], 1e-6f);
        assertEquals(0f, red[32], 1e-6f);
        float[] grey = d.batch(3).inputs().toArray();
        for (int i = 0; i < 16; i++) {
            assertEquals(grey[i], grey[16 + i], 0f);
            assertEquals(grey[i], grey[32 + i], 0f);
        }
        // Left half black, right half white, sampled down to 4x4.
        assertEquals(0f, grey[0], 1e-6f);
        assertEquals(1f, grey[3], 1e-6f);
    }

    @Test
    void greyPngSamplesAreReadWithoutColourConversion() throws IOException {
        BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSample(0, 0, 0, 64);
        img.getRaster().setSample(1, 0, 0, 128);
        img.getRaster().setSample(0, 1, 0, 192);
        img.getRaster().setSample(1, 1, 0, 255);
        write(img, "png", "train/only/g.png");
        ImageTransform t = ImageTransform.eval(1, 2, 2, new float[] {0f}, new float[] {1f});
        float[] v = ImageFolderDataset.load(root, "train", t).batch(0).inputs().toArray();
        assertArrayEquals(new float[] {64 / 255f, 128 / 255f, 192 / 255f, 1f}, v, 1e-6f);
    }

    @Test
    void centreCropTakesTheMiddleOfTheShorterSide() throws IOException {
        // 3 wide, 1 tall: black, white, black; resize to 1 then crop 1 keeps the white centre.
        BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSample(1, 0, 0, 255);
        write(img, "png", "train/x/strip.png");
        ImageTransform t = ImageTransform.eval(1, 1, 1, new float[] {0f}, new float[] {1f});
        assertEquals(1f, ImageFolderDataset.load(root, "train", t).batch(0).inputs().toArray()[0], 1e-6f);
    }

    @Test
    void toTensorOfOneImageIsWhatTheDatasetGivesForIt() throws IOException {
        buildTree();
        ImageTransform t = ImageTransform.eval(3, 10, 8, new float[] {0.4f, 0.5f, 0.6f}, new float[] {0.2f, 0.3f, 0.4f});
        ImageFolderDataset d = ImageFolderDataset.load(root, "train", t.withAugmentation(0.5f, true));
        for (int i = 0; i < d.size(); i++) {
            float[] fromDataset = new float[d.sampleNumel()];
            d.withTransform(t).copyInput(i, fromDataset, 0, null);
            var single = d.transform().toTensor(ImageIO.read(d.file(i).toFile()));
            assertArrayEquals(t.outputShape(), single.shape());
            assertArrayEquals(fromDataset, single.toArray(), d.file(i).toString());
        }
    }

    @Test
    void augmentationIsSeededAndFlipsMirrorTheImage() throws IOException {
        write(halves(32, 32), "png", "train/x/h.png");
        ImageFolderDataset d = ImageFolderDataset.load(root, "train",
                ImageTransform.eval(1, 32, 32, new float[] {0f}, new float[] {1f}).withAugmentation(1f, true));
        float[] plain = d.withTransform(d.transform().withoutAugmentation()).batch(0).inputs().toArray();
        boolean sawFlip = false;
        boolean sawPlain = false;
        for (int seed = 0; seed < 16; seed++) {
            float[] a = new float[32 * 32];
            float[] b = new float[32 * 32];
            d.copyInput(0, a, 0, new SplittableRandom(seed));
            d.copyInput(0, b, 0, new SplittableRandom(seed));
            assertArrayEquals(a, b, 0f);
            if (a[0] == 1f && a[31] == 0f) {
                sawFlip = true;
            } else {
                assertArrayEquals(plain, a, 0f);
                sawPlain = true;
            }
        }
        assertTrue(sawFlip && sawPlain, "16 seeds should give both flipped and unflipped images");

        ImageFolderDataset cropping = d.withTransform(
                ImageTransform.eval(1, 32, 16, new float[] {0f}, new float[] {1f}).withAugmentation(0.1f, false));
        float[] c1 = new float[256];
        float[] c2 = new float[256];
        cropping.copyInput(0, c1, 0, new SplittableRandom(1));
        cropping.copyInput(0, c2, 0, new SplittableRandom(2));
        assertNotEquals(java.util.Arrays.toString(c1), java.util.Arrays.toString(c2));
    }

    @Test
    void emptyClassFolderIsAnErrorNamingIt() throws IOException {
        buildTree();
        Files.createDirectories(root.resolve("train/empty"));
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> ImageFolderDataset.load(root, "train", GREY));
        assertTrue(e.getMessage().contains("class folder 'empty' has no readable images"), e.getMessage());
    }

    @Test
    void classFolderWithOnlyBrokenImagesIsAnError() throws IOException {
        Files.createDirectories(root.resolve("train/bad"));
        Files.write(root.resolve("train/bad/x.jpg"), new byte[] {1, 2, 3});
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> ImageFolderDataset.load(root, "train", GREY));
        assertTrue(e.getMessage().contains("'bad' has no readable images (1 unreadable)"), e.getMessage());
    }

    @Test
    void otherSplitsUseTheTrainingClassNumbering() throws IOException {
        buildTree();
        assertTrue(ImageFolderDataset.hasSplit(root, ImageFolderDataset.VAL));
        assertFalse(ImageFolderDataset.hasSplit(root, ImageFolderDataset.TEST));
        ImageFolderDataset val = ImageFolderDataset.load(root, "val", GREY);
        assertEquals(List.of("cat", "dog", "fox"), val.classNames());
        assertArrayEquals(new long[] {0}, val.labels());
        assertThrows(NoSuchFileException.class, () -> ImageFolderDataset.load(root, "test", GREY));
        write(solid(4, 4, 0), "png", "test/wolf/w.png");
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> ImageFolderDataset.load(root, "test", GREY));
        assertTrue(e.getMessage().contains("'wolf' is not among the training classes [cat, dog, fox]"), e.getMessage());
    }

    @Test
    void missingTrainFolderIsExplained() {
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> ImageFolderDataset.load(root, "train", GREY));
        assertTrue(e.getMessage().contains("train/<class>/<image>"), e.getMessage());
    }

    @Test
    void transformArgumentsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> ImageTransform.eval(2, 8, 8, new float[2], new float[] {1, 1}));
        assertThrows(IllegalArgumentException.class, () -> ImageTransform.eval(1, 4, 8, new float[1], new float[] {1}));
        assertThrows(IllegalArgumentException.class, () -> ImageTransform.eval(1, 8, 8, new float[1], new float[] {0}));
        assertThrows(IllegalArgumentException.class, () -> GREY.withAugmentation(0f, true));
    }
}
